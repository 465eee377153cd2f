"""Threshold calibration maths: ROC, AUROC (ties counted half), F1-optimal threshold, threshold for a
target false-alarm rate, the UNCERTAIN band between the classes, the Wilson score interval of a rate,
histograms. Pure numpy; "positive" means defective."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from station.domain.errors import ValidationError


def _scores(values: np.ndarray) -> np.ndarray:
    """A flat float array: float input keeps its precision (no copy), anything else becomes float64."""
    flat = np.asarray(values).ravel()
    return flat if flat.dtype.kind == "f" else flat.astype(np.float64)


def auroc(good: np.ndarray, defect: np.ndarray) -> float:
    """Probability that a random defect scores above a random good part (Mann-Whitney U, ties = 1/2).

    Counted against the sorted good scores (two binary searches per defect score), so tens of millions of
    pixel scores need one sorted copy of the good ones rather than a rank table of all of them."""
    good, defect = _scores(good), _scores(defect)
    if good.size == 0 or defect.size == 0:
        raise ValidationError("AUROC needs at least one good and one defect score")
    common = np.result_type(good, defect)
    good_sorted = np.sort(good.astype(common, copy=False))
    u = 0.0
    for s in range(0, defect.size, 1 << 22):
        part = defect[s:s + (1 << 22)].astype(common, copy=False)
        below = np.searchsorted(good_sorted, part, side="left")
        not_above = np.searchsorted(good_sorted, part, side="right")
        u += float(below.sum(dtype=np.float64)) + 0.5 * float((not_above - below).sum(dtype=np.float64))
    return u / (good.size * defect.size)


def auroc_labels(labels: np.ndarray, scores: np.ndarray) -> float:
    labels = np.asarray(labels).astype(bool).ravel()
    scores = _scores(scores)
    return auroc(scores[~labels], scores[labels])


@dataclass(frozen=True)
class Roc:
    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray


def roc_curve(good: np.ndarray, defect: np.ndarray) -> Roc:
    """ROC points for "score >= threshold is defective", thresholds descending, starting at (0, 0)."""
    good = np.asarray(good, dtype=np.float64).ravel()
    defect = np.asarray(defect, dtype=np.float64).ravel()
    thresholds = np.unique(np.concatenate([good, defect]))[::-1]
    good_sorted, defect_sorted = np.sort(good), np.sort(defect)
    fp = good.size - np.searchsorted(good_sorted, thresholds, side="left")
    tp = defect.size - np.searchsorted(defect_sorted, thresholds, side="left")
    fpr = np.concatenate([[0.0], fp / max(good.size, 1)])
    tpr = np.concatenate([[0.0], tp / max(defect.size, 1)])
    return Roc(fpr=fpr, tpr=tpr, thresholds=np.concatenate([[np.inf], thresholds]))


def best_f1(good: np.ndarray, defect: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 for "score >= threshold is defective"; the threshold is placed
    midway between the chosen score and the next lower score, so it generalises rather than touching a
    sample."""
    good = np.asarray(good, dtype=np.float64).ravel()
    defect = np.asarray(defect, dtype=np.float64).ravel()
    if defect.size == 0:
        raise ValidationError("F1 needs at least one defect score")
    candidates = np.unique(np.concatenate([good, defect]))
    good_sorted, defect_sorted = np.sort(good), np.sort(defect)
    tp = defect.size - np.searchsorted(defect_sorted, candidates, side="left")
    fp = good.size - np.searchsorted(good_sorted, candidates, side="left")
    fn = defect.size - tp
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    best = int(np.argmax(f1))
    threshold = candidates[best] if best == 0 else (candidates[best] + candidates[best - 1]) / 2.0
    return float(threshold), float(f1[best])


def f1_at(good: np.ndarray, defect: np.ndarray, threshold: float) -> float:
    good = np.asarray(good, dtype=np.float64).ravel()
    defect = np.asarray(defect, dtype=np.float64).ravel()
    tp = float((defect >= threshold).sum())
    fp = float((good >= threshold).sum())
    fn = defect.size - tp
    return 2 * tp / max(2 * tp + fp + fn, 1.0)


def threshold_for_far(good: np.ndarray, target_far: float) -> float:
    """The lowest threshold whose false-alarm rate on ``good`` (share with score >= threshold) is at most
    ``target_far``; just above the good score that must still pass."""
    good = np.sort(np.asarray(good, dtype=np.float64).ravel())
    if good.size == 0:
        raise ValidationError("a false-alarm threshold needs at least one good score")
    if not 0.0 <= target_far < 1.0:
        raise ValidationError(f"target false-alarm rate must be in [0, 1), got {target_far}")
    allowed = int(np.floor(target_far * good.size + 1e-9))  # good images allowed at/above the threshold
    top = good[good.size - allowed - 1]  # highest good score that must stay below the threshold
    return float(np.nextafter(top, np.inf))


def histogram(good: np.ndarray, defect: np.ndarray, bins: int = 20) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of good and defect scores in ``bins`` equal bins over [0, 1]."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    g, _ = np.histogram(np.clip(good, 0, 1), bins=edges)
    d, _ = np.histogram(np.clip(defect, 0, 1), bins=edges) if np.size(defect) else (np.zeros(bins, int), None)
    return edges, g, d


# Two-sided 95 % normal quantile used for the intervals shown to the technician.
Z_95 = 1.959963984540054

# Narrowest UNCERTAIN band a calibration proposes, on the normalised score scale (0.70 is the top of the
# bank's good calibration images). Narrower than 0.05 the band holds almost no part for review in
# practice and the threshold spin boxes' 0.01 steps could close it by accident.
MIN_BAND_WIDTH = 0.05


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of the rate ``k / n`` (95 % by default): stays inside [0, 1] and is honest
    for small ``n`` and for rates of 0 or 1, where the normal approximation collapses to a point.

    ``n == 0`` gives ``(0.0, 1.0)``: nothing is known."""
    if n < 0 or not 0 <= k <= n:
        raise ValidationError(f"a rate needs 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half) if k else 0.0, min(1.0, centre + half) if k < n else 1.0


@dataclass(frozen=True)
class Band:
    """The UNCERTAIN band ``[lower, upper)``: ``upper`` is the FAIL threshold, ``lower`` the review one.

    ``rule`` says how it was found: ``"gap"`` (classes apart: the band spans the gap between the good
    parts' high quantile and the defects' low quantile), ``"overlap"`` (classes overlap: the band covers
    the overlap between the same two quantiles), ``"good_only"`` (no defects: between two high quantiles
    of the good scores). ``widened`` is true when the band was widened to ``min_width``.
    ``good_edge`` / ``defect_edge`` are the two quantile scores the band was drawn from."""

    lower: float
    upper: float
    rule: str
    widened: bool
    good_edge: float
    defect_edge: float | None
    min_width: float

    @property
    def width(self) -> float:
        return self.upper - self.lower


def uncertain_band(good: np.ndarray, defect: np.ndarray, target_far: float, target_recall: float,
                   min_width: float = MIN_BAND_WIDTH) -> Band:
    """The UNCERTAIN band of a calibration, never narrower than ``min_width``.

    The good edge is :func:`threshold_for_far` of ``target_far`` (at most that share of good parts at or
    above it); the defect edge is the lowest score that keeps ``target_recall`` of the defects at or above
    it. The band runs from the lower of the two edges to the higher: across the gap when the classes are
    apart (parts there resemble neither class), across the overlap when they mix (parts there could be
    either). Without defects it runs from the good edge of ``5 * target_far`` (at most 0.5) up to the good
    edge. A band narrower than ``min_width`` is widened downwards (the FAIL threshold stays where the targets
put it; only near 0 does it move up to ``min_width``)."""
    good = np.asarray(good, dtype=np.float64).ravel()
    defect = np.asarray(defect, dtype=np.float64).ravel()
    if not 0.0 < target_recall <= 1.0:
        raise ValidationError(f"target recall must be in (0, 1], got {target_recall}")
    good_edge = min(threshold_for_far(good, target_far), 1.0)
    defect_edge: float | None = None
    if defect.size:
        defect_edge = float(np.sort(defect)[int(np.floor((1 - target_recall) * defect.size + 1e-9))])
        defect_edge = min(max(defect_edge, 0.0), 1.0)
        lower, upper = sorted((good_edge, defect_edge))
        rule = "gap" if good_edge <= defect_edge else "overlap"
    else:
        lower = min(threshold_for_far(good, min(0.5, 5 * target_far)), good_edge)
        upper, rule = good_edge, "good_only"
    lower, upper = max(lower, 0.0), min(upper, 1.0)
    widened = upper - lower < min_width
    if widened:  # downwards: FAIL keeps its false-alarm and recall targets, more parts are held for review
        upper = max(upper, min_width)
        lower = upper - min_width
    return Band(float(lower), float(upper), rule, widened, float(good_edge), defect_edge, float(min_width))
