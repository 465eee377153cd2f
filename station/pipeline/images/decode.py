"""Decoding and validation of inspection images: one clear error for anything that is not a usable image.

Images are returned in OpenCV's convention: ``uint8`` arrays, ``HxW`` for grey or ``HxWx3`` **BGR** for
colour (the camera frames' order). Accepted: PNG, JPEG, BMP, TIFF, WebP files (or their bytes) and numpy
arrays ``HxW``, ``HxWx1``, ``HxWx3`` (BGR), ``HxWx4`` (BGRA, alpha dropped) of ``uint8``/``uint16``/float;
:func:`decode_input` takes any of them (array, file path or encoded bytes).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from station.domain.errors import ValidationError

MIN_SIDE = 16
MAX_SIDE = 16384
MAX_PIXELS = 64_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
_FORMATS = {"PNG": "png", "JPEG": "jpeg", "BMP": "bmp", "TIFF": "tiff", "WEBP": "webp", "MPO": "jpeg"}


class ImageInputError(ValidationError):
    """The input cannot be inspected (corrupt, empty, too small/large, not an image, wrong channels)."""


@dataclass(frozen=True)
class DecodedImage:
    """A validated image: ``pixels`` (uint8 grey or BGR), its encoded bytes (for storage) and format."""

    pixels: np.ndarray
    data: bytes
    format: str
    name: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def _check_size(width: int, height: int, name: str) -> None:
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ImageInputError(f"{name}: image is {width}x{height} px; at least {MIN_SIDE}x{MIN_SIDE} is needed")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageInputError(
            f"{name}: image is {width}x{height} px; at most {MAX_SIDE} px a side and "
            f"{MAX_PIXELS // 1_000_000} megapixels are accepted"
        )


def decode_bytes(data: bytes, name: str = "image") -> DecodedImage:
    """Validates and decodes encoded image bytes; raises :class:`ImageInputError` with one clear line."""
    if not data:
        raise ImageInputError(f"{name}: the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageInputError(f"{name}: the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt = _FORMATS.get(img.format or "")
                if fmt is None:
                    raise ImageInputError(f"{name}: unsupported image format {img.format!r}")
                _check_size(img.width, img.height, name)
                img.load()
                pixels = _pil_to_array(img, name)
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(f"{name}: image is too large (more than {MAX_PIXELS // 1_000_000} megapixels)") from None
    except UnidentifiedImageError:
        raise ImageInputError(f"{name}: not an image file (or an unsupported format)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageInputError(f"{name}: the image file is corrupt or truncated ({exc})") from None
    return DecodedImage(pixels=pixels, data=data, format=fmt, name=name)


def _pil_to_array(img: Image.Image, name: str) -> np.ndarray:
    mode = img.mode
    if mode in ("1", "L", "P", "LA", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "RGBX"):
        if mode in ("1", "L", "LA"):
            arr = np.asarray(img.convert("L"))
        else:
            arr = np.asarray(img.convert("RGB"))[:, :, ::-1]
    elif mode.startswith("I;16") or mode in ("I", "F"):
        arr = _to_uint8(np.asarray(img))
    else:
        raise ImageInputError(f"{name}: unsupported pixel layout {mode!r}")
    return np.ascontiguousarray(arr)


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.uint16:
        return (arr >> 8).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all():
            raise ImageInputError("image contains NaN or infinite values")
        top = 1.0 if arr.max() <= 1.0 else 255.0
        return np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if np.issubdtype(arr.dtype, np.integer):
        low, high = int(arr.min()), int(arr.max())
        if low >= 0 and high <= 255:
            return arr.astype(np.uint8)
        scale = max(high - low, 1)
        return ((arr.astype(np.float64) - low) * (255.0 / scale)).astype(np.uint8)
    raise ImageInputError(f"unsupported pixel type {arr.dtype}")


def validate_array(array: np.ndarray, name: str = "frame") -> np.ndarray:
    """Checks a numpy image (``HxW`` or ``HxWxC`` with C in 1, 3, 4) and returns uint8 grey or BGR."""
    if not isinstance(array, np.ndarray):
        raise ImageInputError(f"{name}: expected an image array, got {type(array).__name__}")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        pass
    elif array.ndim == 3 and array.shape[2] in (3, 4):
        array = array[:, :, :3]
    elif array.ndim == 3:
        raise ImageInputError(
            f"{name}: image has {array.shape[2]} channels; 1 (grey), 3 (BGR) or 4 (BGRA) are accepted"
        )
    else:
        raise ImageInputError(f"{name}: expected a 2-D or 3-D image array, got shape {array.shape}")
    _check_size(array.shape[1], array.shape[0], name)
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    return np.ascontiguousarray(_to_uint8(array))


def from_array(array: np.ndarray, name: str = "frame") -> DecodedImage:
    """A validated in-memory frame, encoded losslessly as PNG for storage."""
    pixels = validate_array(array, name)
    return DecodedImage(pixels=pixels, data=encode_png(pixels), format="png", name=name)


def read_image(path: Path) -> DecodedImage:
    """Reads and validates an image file; every failure is one :class:`ImageInputError`."""
    path = Path(path)
    if not path.exists():
        raise ImageInputError(f"{path}: no such file")
    if not path.is_file():
        raise ImageInputError(f"{path}: not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageInputError(f"{path}: cannot be read ({exc.strerror})") from None
    return decode_bytes(data, name=path.name)


ImageInput = np.ndarray | str | Path | bytes


def decode_input(image: ImageInput, name: str | None = None) -> DecodedImage:
    """Any accepted input (array, path, encoded bytes) as a validated image; one clear error otherwise."""
    if isinstance(image, np.ndarray):
        return from_array(image, name or "frame")
    if isinstance(image, (str, Path)):
        return read_image(Path(image))
    if isinstance(image, (bytes, bytearray, memoryview)):
        return decode_bytes(bytes(image), name or "image")
    raise ImageInputError(f"cannot inspect a {type(image).__name__}; give an image array, file path or bytes")


def encode_png(pixels: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", pixels)
    if not ok:  # pragma: no cover - cv2 encodes any valid uint8 array
        raise ImageInputError("could not encode image as PNG")
    return buf.tobytes()


def to_bgr(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR) if pixels.ndim == 2 else pixels


def to_gray(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
