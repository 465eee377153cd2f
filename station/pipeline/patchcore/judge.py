"""Judging an analysed image with a product's thresholds: the verdict from the image score, the mask of
the anomaly map at the pixel threshold, and the mask's regions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.domain.engine import Region, decide_verdict
from station.domain.enums import Verdict
from station.pipeline.patchcore.regions import find_regions, threshold_mask


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    mask: np.ndarray  # bool, the anomaly map's shape
    regions: tuple[Region, ...]  # connected components of the mask, largest first


def judge(image_score: float, anomaly_map: np.ndarray, image_threshold: float, pixel_threshold: float,
          review_threshold: float) -> Judgement:
    """Verdict by :func:`~station.domain.engine.decide_verdict`; mask ``anomaly_map >= pixel_threshold``."""
    mask = threshold_mask(anomaly_map, pixel_threshold)
    return Judgement(decide_verdict(image_score, image_threshold, review_threshold), mask,
                     find_regions(anomaly_map, mask))
