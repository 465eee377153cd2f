"""Data types between the PatchCore model adapter and the use cases: patch features, raw scores, and the
memory bank as saved (arrays plus a JSON-able description)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from station.pipeline.patchcore.scoring import DEFAULT_REVIEW_THRESHOLD, Calibration

BANK_FORMAT = 1
# how an image's score is taken from its patches: "reweighted" is PatchCore's (anomalib's) re-weighted
# distance of the most anomalous patch; "map_peak" is the peak of the smoothed anomaly map, which weighs
# a defect by its neighbourhood and not by one patch; "map_top" is the mean of the map's hottest
# TOP_FRACTION of pixels, which weighs it by its extent too (large, faint defects)
IMAGE_SCORES = ("reweighted", "map_peak", "map_top")
MAP_SCORES = ("map_peak", "map_top")  # the scores read off the anomaly map alone
TOP_FRACTION = 0.01


def top_count(n_pixels: int) -> int:
    """How many of a map's pixels ``map_top`` averages (at least one)."""
    return max(1, int(n_pixels * TOP_FRACTION))


def map_image_score(mode: str, anomaly_map: np.ndarray) -> float:
    """An image score read off a (smoothed) anomaly map: its peak, or the mean of its hottest pixels."""
    flat = np.asarray(anomaly_map, dtype=np.float32).ravel()
    if mode == "map_peak":
        return float(flat.max())
    if mode == "map_top":
        k = top_count(flat.size)
        return float(np.partition(flat, flat.size - k)[flat.size - k:].mean(dtype=np.float64))
    raise ValueError(f"{mode!r} is not read off the anomaly map (expected one of {', '.join(MAP_SCORES)})")


@dataclass(frozen=True)
class PatchFeatures:
    """Patch embeddings of a batch: ``grid`` is (B, h, w, D) float32, ``pooled`` (B, D) their mean."""

    grid: np.ndarray
    pooled: np.ndarray


@dataclass(frozen=True)
class RawScore:
    """Unnormalised PatchCore output for one image at network resolution."""

    image_score: float
    patch_scores: np.ndarray  # (h, w) nearest-neighbour distances
    anomaly_map: np.ndarray  # (S, S) upsampled and smoothed patch scores
    grid: np.ndarray  # (h, w, D) patch embeddings
    pooled: np.ndarray  # (D,) mean patch embedding


@dataclass(frozen=True)
class MemoryBank:
    """A product's PatchCore memory bank and everything needed to use it the way it was built."""

    product_code: str
    backbone: str
    degraded: bool
    input_size: int
    image_steps: dict[str, Any]  # preprocessing steps that change the image (see pipeline.preprocessing)
    features: np.ndarray  # (K, D) float32 coreset
    calibration: Calibration
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD
    info: dict[str, Any] = field(default_factory=dict)  # counts, timings, coverage radius, created_at
    image_score: str = "reweighted"  # one of IMAGE_SCORES; banks written before it have "reweighted"

    def to_files(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        meta = {
            "format": BANK_FORMAT, "product_code": self.product_code, "backbone": self.backbone,
            "degraded": self.degraded, "input_size": self.input_size, "image_steps": self.image_steps,
            "calibration": self.calibration.to_json(), "review_threshold": self.review_threshold,
            "info": self.info, "shape": list(self.features.shape), "image_score": self.image_score,
        }
        return {"features": np.ascontiguousarray(self.features, dtype=np.float32)}, meta

    @classmethod
    def from_files(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> MemoryBank:
        if meta.get("format") != BANK_FORMAT:
            raise ValueError(f"unsupported bank format {meta.get('format')!r}")
        return cls(
            product_code=str(meta["product_code"]), backbone=str(meta["backbone"]), degraded=bool(meta["degraded"]),
            input_size=int(meta["input_size"]), image_steps=dict(meta["image_steps"]),
            features=arrays["features"], calibration=Calibration.from_json(meta["calibration"]),
            review_threshold=float(meta.get("review_threshold", DEFAULT_REVIEW_THRESHOLD)),
            info=dict(meta.get("info") or {}), image_score=_image_score(meta.get("image_score", "reweighted")),
        )


def _image_score(value: Any) -> str:
    if value not in IMAGE_SCORES:
        raise ValueError(f"unsupported image score {value!r} (expected one of {', '.join(IMAGE_SCORES)})")
    return str(value)
