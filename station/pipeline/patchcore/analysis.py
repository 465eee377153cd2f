"""One image scored against a memory bank: the bank's own preprocessing, the model's patch features and
nearest-neighbour scores, then the normalisation by the bank's calibration and the anomaly map brought back
onto the original image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from station.pipeline.images.decode import DecodedImage
from station.pipeline.images.preprocessing import Prepared, Preprocessing, prepare, to_full_frame
from station.pipeline.patchcore.bank import MemoryBank, RawScore
from station.pipeline.patchcore.model import PatchModel


@dataclass(frozen=True)
class Analysis:
    """One image scored against a bank: raw output plus normalised score and full-frame map."""

    decoded: DecodedImage
    prepared: Prepared
    raw: RawScore
    image_score: float
    anomaly_map: np.ndarray  # float32 [0, 1], original image size


def bank_preprocessing(bank: MemoryBank) -> Preprocessing:
    """The preprocessing the bank was built with (its recorded image steps)."""
    config = dict(bank.image_steps)
    resize = config.get("resize")
    if isinstance(resize, list):
        config["resize"] = resize[0]
    return Preprocessing.from_config(config)


def analyse(decoded: DecodedImage, bank: MemoryBank, model: PatchModel, handle: Any,
            ignore: tuple[tuple[int, int, int, int], ...] = ()) -> Analysis:
    """Preprocesses with the bank's own steps, scores, normalises by the bank's calibration; ``ignore`` areas
    (pixels of the original image) are zero in the map."""
    prepared = prepare(decoded.pixels, bank_preprocessing(bank))
    raw = model.score([prepared.pixels], handle)[0]
    calibration = bank.calibration
    small = np.asarray(calibration.pixel(raw.anomaly_map), dtype=np.float32)
    full = to_full_frame(small, prepared.roi, decoded.width, decoded.height, ignore)
    return Analysis(decoded, prepared, raw, float(calibration.image(raw.image_score)), full)
