"""Images in and out: decoding and validation, preprocessing, dataset folders on disk, rendered artifacts."""

from station.pipeline.images.artifacts import colour_scale, comparison, heatmap, mask_image, overlay
from station.pipeline.images.datasets import (
    GOOD_FOLDERS, IMAGE_SUFFIXES, calibration_images, folder_images, ground_truth_mask, is_image_file,
)
from station.pipeline.images.decode import (
    DecodedImage, ImageInput, ImageInputError, decode_bytes, decode_input, encode_png, from_array, read_image,
    to_bgr, to_gray, validate_array,
)
from station.pipeline.images.preprocessing import Prepared, Preprocessing, prepare, to_full_frame

__all__ = [
    "GOOD_FOLDERS", "IMAGE_SUFFIXES", "DecodedImage", "ImageInput", "ImageInputError", "Prepared", "Preprocessing",
    "calibration_images", "colour_scale", "comparison", "decode_bytes", "decode_input", "encode_png",
    "folder_images", "from_array", "ground_truth_mask", "heatmap", "is_image_file", "mask_image", "overlay",
    "prepare", "read_image", "to_bgr", "to_full_frame", "to_gray", "validate_array",
]
