"""Normalisation of PatchCore's raw distances to [0, 1] by calibration on a product's good images.

A :class:`ScoreNormaliser` is a logistic curve fixed by two anchors taken from good images only:

* the median good raw score maps to :data:`LOW_ANCHOR` (0.20),
* the top of the good scores maps to :data:`HIGH_ANCHOR` (0.70); "top" is the larger of the observed 99th
  percentile and mean + 3 standard deviations, the deviation being at least 5 % of the mean so that a
  handful of calibration images that happen to agree closely do not make the scale hair-trigger.

So a normalised score of 0.70 means "as anomalous as the most anomalous good parts to expect"; the default
image threshold 0.85 lies 40 % of the good spread above that, and the UNCERTAIN band
``[0.70, image_threshold)`` holds the parts that score above the good parts but below the FAIL line.
The same construction, on anomaly-map pixels, normalises heatmaps (median good pixel -> 0.20, top of the
good images' per-image maximum -> 0.70). Nothing depends on the inspected image's own maximum, so a good
part stays cool on a fixed colour scale.

Above :data:`TAIL_KNEE` (0.95, far above every threshold in use) the logistic would saturate: in floating
point every clear defect would read 1.000 and the order between them would be lost. There the curve
continues as a logarithmic tail, continuous and with the same slope at the knee, strictly increasing and
below 1: scores keep their order however far above the calibration they lie, and a threshold at or below
the knee keeps exactly the raw score it had.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.domain.errors import ValidationError

LOW_ANCHOR = 0.20
HIGH_ANCHOR = 0.70
DEFAULT_REVIEW_THRESHOLD = HIGH_ANCHOR
_LOGIT_LOW = math.log(LOW_ANCHOR / (1 - LOW_ANCHOR))
_LOGIT_HIGH = math.log(HIGH_ANCHOR / (1 - HIGH_ANCHOR))
MIN_RELATIVE_SPREAD = 0.05
TAIL_KNEE = 0.95
_LOGIT_KNEE = math.log(TAIL_KNEE / (1 - TAIL_KNEE))


def good_top(values: np.ndarray) -> float:
    """The top of a good-score distribution: max(99th percentile, mean + 3 sd), sd >= 5 % of the mean."""
    values = np.asarray(values, dtype=np.float64).ravel()
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
    sd = max(sd, MIN_RELATIVE_SPREAD * abs(mean), 1e-9)
    return max(float(np.quantile(values, 0.99)), mean + 3.0 * sd)


@dataclass(frozen=True)
class ScoreNormaliser:
    """``n(raw) = 1 / (1 + exp(-(raw - center) / width))`` up to :data:`TAIL_KNEE`, then the tail
    ``1 - (1 - K) / (1 + K * ln(1 + z - z_K))`` (``z = (raw - center) / width``): continuous, same slope at
    the knee, strictly increasing, in (0, 1), invertible."""

    center: float
    width: float

    @classmethod
    def from_anchors(cls, low_raw: float, high_raw: float) -> ScoreNormaliser:
        """The curve through ``(low_raw, LOW_ANCHOR)`` and ``(high_raw, HIGH_ANCHOR)``."""
        low_raw, high_raw = float(low_raw), float(high_raw)
        if not (math.isfinite(low_raw) and math.isfinite(high_raw)):
            raise ValidationError("calibration scores are not finite")
        spread = high_raw - low_raw
        floor = max(abs(high_raw) * 1e-3, 1e-6)
        spread = max(spread, floor)  # all good images equal: keep the curve well defined
        width = spread / (_LOGIT_HIGH - _LOGIT_LOW)
        center = high_raw - _LOGIT_HIGH * width
        return cls(center=center, width=width)

    @classmethod
    def from_good_scores(cls, scores: np.ndarray) -> ScoreNormaliser:
        scores = np.asarray(scores, dtype=np.float64).ravel()
        if scores.size == 0:
            raise ValidationError("calibration needs at least one good image")
        return cls.from_anchors(float(np.median(scores)), good_top(scores))

    def __call__(self, raw: np.ndarray | float) -> np.ndarray | float:
        z = (np.asarray(raw, dtype=np.float64) - self.center) / self.width
        logistic = 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, _LOGIT_KNEE)))
        above = np.maximum(z - _LOGIT_KNEE, 0.0)
        tail = 1.0 - (1.0 - TAIL_KNEE) / (1.0 + TAIL_KNEE * np.log1p(above))
        out = np.where(z > _LOGIT_KNEE, tail, logistic)
        if np.ndim(out) == 0:
            return float(out)
        return out.astype(np.float32)

    def inverse(self, normalised: float) -> float:
        """The raw score that normalises to ``normalised`` (for reports in raw units)."""
        p = min(max(float(normalised), 1e-12), 1 - 1e-12)
        if p > TAIL_KNEE:
            above = math.expm1(((1.0 - TAIL_KNEE) / (1.0 - p) - 1.0) / TAIL_KNEE)
            return self.center + self.width * (_LOGIT_KNEE + above)
        return self.center + self.width * math.log(p / (1 - p))

    def to_json(self) -> dict[str, float]:
        return {"center": self.center, "width": self.width}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoreNormaliser:
        return cls(center=float(data["center"]), width=float(data["width"]))


@dataclass(frozen=True)
class Calibration:
    """Image and pixel normalisers of one bank, with the statistics they came from."""

    image: ScoreNormaliser
    pixel: ScoreNormaliser
    n_images: int
    good_raw_median: float
    good_raw_top: float
    good_raw_max: float
    pixel_raw_median: float
    pixel_raw_top: float

    @classmethod
    def from_good(cls, image_scores: np.ndarray, pixel_maps: list[np.ndarray]) -> Calibration:
        """From raw image scores and raw anomaly maps of held-out good images."""
        image_scores = np.asarray(image_scores, dtype=np.float64)
        if image_scores.size == 0 or not pixel_maps:
            raise ValidationError("calibration needs at least one held-out good image")
        rng = np.random.default_rng(0)
        samples = []
        for amap in pixel_maps:
            flat = np.asarray(amap, dtype=np.float32).ravel()
            take = min(flat.size, 4096)
            samples.append(flat[rng.choice(flat.size, size=take, replace=False)] if take < flat.size else flat)
        pixel_median = float(np.median(np.concatenate(samples)))
        per_image_max = np.array([float(np.max(m)) for m in pixel_maps])
        pixel_high = good_top(per_image_max)
        return cls(
            image=ScoreNormaliser.from_good_scores(image_scores),
            pixel=ScoreNormaliser.from_anchors(pixel_median, pixel_high),
            n_images=int(image_scores.size),
            good_raw_median=float(np.median(image_scores)),
            good_raw_top=good_top(image_scores),
            good_raw_max=float(image_scores.max()),
            pixel_raw_median=pixel_median,
            pixel_raw_top=pixel_high,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "image": self.image.to_json(), "pixel": self.pixel.to_json(), "n_images": self.n_images,
            "good_raw_median": self.good_raw_median, "good_raw_top": self.good_raw_top,
            "good_raw_max": self.good_raw_max, "pixel_raw_median": self.pixel_raw_median,
            "pixel_raw_top": self.pixel_raw_top,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            image=ScoreNormaliser.from_json(data["image"]), pixel=ScoreNormaliser.from_json(data["pixel"]),
            n_images=int(data["n_images"]), good_raw_median=float(data["good_raw_median"]),
            good_raw_top=float(data["good_raw_top"]), good_raw_max=float(data["good_raw_max"]),
            pixel_raw_median=float(data["pixel_raw_median"]), pixel_raw_top=float(data["pixel_raw_top"]),
        )


def check_threshold(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValidationError(f"{name} must be between 0 and 1, got {value}")
    return value
