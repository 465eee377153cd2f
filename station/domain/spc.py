"""Statistical process control of the inspections: an EWMA chart of anomaly scores and a p-chart of the
FAIL/UNCERTAIN rate per shift, as pure arithmetic on values the records give (no I/O).

EWMA chart (Montgomery, *Introduction to Statistical Quality Control*, 9.2). The charted parts are the
product's parts judged at the current model and thresholds (the newest part's bank and thresholds; an
older part of another model is left out, its scores are on another scale), oldest first, without the
parts whose effective verdict is FAIL (a defect's score says the part is bad, which the p-chart counts;
the score chart watches the level of the parts that are not failed, good and held ones). The centre line
``mu0`` is the mean score of the first :data:`BASELINE_PARTS` charted parts (the baseline window), sigma is
estimated from the same window by the average moving range (``MR / d2``, ``d2 = 1.128``), so that a slow
drift inside the window does not widen it. ``z_0 = mu0``, ``z_i = lambda * x_i + (1 - lambda) * z_{i-1}``;
the limits are ``mu0 +/- L * sigma * sqrt(lambda / (2 - lambda) * (1 - (1 - lambda) ** (2 i)))`` (exact,
narrower for the first parts); a point is out of control when ``z_i`` is outside them. ``lambda = 0.2``,
``L = 3`` (in-control average run length about 500 parts). With fewer than :data:`MIN_BASELINE_PARTS`
charted parts no limits are set.

p-chart (Montgomery 7.2). Per shift: ``n`` completed inspections and ``d`` of them FAIL or UNCERTAIN by the
effective verdict (a person's latest override decides: a false alarm is PASS, a missed defect FAIL).
``p_bar = sum d / sum n`` over the charted shifts; a shift's limits are ``p_bar +/- 3 * sqrt(p_bar * (1 -
p_bar) / n)`` (the lower one at least 0), varying with its own ``n``; a shift outside them is out of control
(above: worse than the process; below: better, also a change worth a look). Shifts are the plant's three
(:func:`shift_of`): 1 = 06:00-13:59, 2 = 14:00-21:59, 3 = 22:00-05:59 counted on its calendar day, the same
split as the centre's aggregates (``inspection_shift_of``, migration 0008), so a station's chart and the
centre's chart of that station agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

EWMA_LAMBDA = 0.2
EWMA_L = 3.0
BASELINE_PARTS = 30
MIN_BASELINE_PARTS = 20
D2 = 1.128  # the moving range of two successive values: E[MR] = d2 * sigma
P_SIGMAS = 3.0


SHIFT_STARTS = (6, 14, 22)  # the plant's shifts: 1 = 06-14, 2 = 14-22, 3 = 22-06


def shift_of(moment: datetime) -> tuple[date, int]:
    """The shift of a plant-time moment: (calendar day, 1 | 2 | 3), as ``inspection_shift_of`` counts it."""
    if SHIFT_STARTS[0] <= moment.hour < SHIFT_STARTS[1]:
        return moment.date(), 1
    if SHIFT_STARTS[1] <= moment.hour < SHIFT_STARTS[2]:
        return moment.date(), 2
    return moment.date(), 3


def shift_start(moment: datetime) -> datetime:
    """When the shift a plant-time moment falls in began (the night shift began the evening before)."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if moment.hour < SHIFT_STARTS[0]:
        return (hour - timedelta(days=1)).replace(hour=SHIFT_STARTS[-1])
    return hour.replace(hour=max(h for h in SHIFT_STARTS if h <= moment.hour))


def shift_label(day: date, shift: int) -> str:
    """``12-05 S2`` for the chart's axis and the report."""
    return f"{day:%m-%d} S{shift}"


@dataclass(frozen=True)
class ScoredPart:
    """One part as the score chart reads it: when (local), its latest result's score, its effective verdict
    and the model it was judged at (bank digest and thresholds; None where not recorded)."""

    at: datetime
    score: float | None
    verdict: str | None
    model: tuple[Any, ...] = ()
    code: str = ""


def model_key(provenance: dict[str, Any] | None, image_threshold: float | None,
              review_threshold: float | None) -> tuple[Any, ...]:
    """What decides a score's scale and verdict: the bank the part was scored with and its thresholds."""
    bank = (provenance or {}).get("bank_sha256")
    return (bank, None if image_threshold is None else round(float(image_threshold), 6),
            None if review_threshold is None else round(float(review_threshold), 6))


def charted_parts(parts: Sequence[ScoredPart]) -> tuple[list[ScoredPart], int]:
    """The parts the score chart shows (oldest first: judged at the newest part's model, with a score, not
    FAIL) and how many of the given parts were left out for another model."""
    ordered = sorted(parts, key=lambda p: p.at)
    if not ordered:
        return [], 0
    current = ordered[-1].model
    same = [p for p in ordered if p.model == current]
    return [p for p in same if p.score is not None and p.verdict != "FAIL"], len(ordered) - len(same)


def baseline(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sigma (average moving range / d2) of a baseline window of at least two values."""
    if len(values) < 2:
        raise ValueError("a baseline needs at least two values")
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    return mean, (sum(ranges) / len(ranges)) / D2


@dataclass(frozen=True)
class EwmaPoint:
    index: int  # 1-based part number on the chart
    value: float
    ewma: float
    lcl: float | None
    ucl: float | None
    at: datetime | None = None
    code: str = ""

    @property
    def out_of_control(self) -> bool:
        return self.ucl is not None and self.lcl is not None and not (self.lcl <= self.ewma <= self.ucl)


@dataclass(frozen=True)
class EwmaChart:
    """The chart and how it was set up; ``centre``/``sigma`` are None when the baseline is too short."""

    points: list[EwmaPoint]
    centre: float | None
    sigma: float | None
    lam: float = EWMA_LAMBDA
    width: float = EWMA_L
    baseline_parts: int = 0
    other_model_parts: int = 0  # parts of the window left out: judged at another model or thresholds

    @property
    def has_limits(self) -> bool:
        return self.centre is not None

    @property
    def out_of_control(self) -> list[EwmaPoint]:
        return [p for p in self.points if p.out_of_control]

    @property
    def first_out(self) -> EwmaPoint | None:
        return next((p for p in self.points if p.out_of_control), None)


def ewma_limits(centre: float, sigma: float, i: int, lam: float = EWMA_LAMBDA,
                width: float = EWMA_L) -> tuple[float, float]:
    """The exact limits of the i-th EWMA value (i >= 1)."""
    half = width * sigma * math.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * i)))
    return centre - half, centre + half


def ewma_chart(values: Sequence[float], *, lam: float = EWMA_LAMBDA, width: float = EWMA_L,
               baseline_parts: int = BASELINE_PARTS, min_baseline: int = MIN_BASELINE_PARTS,
               times: Sequence[datetime | None] | None = None, codes: Sequence[str] | None = None,
               other_model_parts: int = 0) -> EwmaChart:
    """The EWMA chart of ``values`` (oldest first), centre and sigma from its first ``baseline_parts``."""
    if not 0 < lam <= 1:
        raise ValueError("lambda must be in (0, 1]")
    window = list(values[:baseline_parts])
    centre = sigma = None
    if len(window) >= max(2, min_baseline):
        centre, sigma = baseline(window)
    z = centre if centre is not None else (values[0] if values else 0.0)
    points = []
    for i, x in enumerate(values, start=1):
        z = lam * x + (1 - lam) * z
        lcl = ucl = None
        if centre is not None and sigma is not None:
            lcl, ucl = ewma_limits(centre, sigma, i, lam, width)
        points.append(EwmaPoint(i, float(x), z, lcl, ucl, times[i - 1] if times else None,
                                codes[i - 1] if codes else ""))
    return EwmaChart(points, centre, sigma, lam, width, len(window) if centre is not None else 0,
                     other_model_parts)


def score_chart(parts: Sequence[ScoredPart], **options: Any) -> EwmaChart:
    """The EWMA chart of the parts' scores (see the module docstring for which parts)."""
    charted, other = charted_parts(parts)
    return ewma_chart([p.score for p in charted if p.score is not None], times=[p.at for p in charted],
                      codes=[p.code for p in charted], other_model_parts=other, **options)


@dataclass(frozen=True)
class ShiftCount:
    """One shift's completed inspections ``n`` and how many of them were FAIL or UNCERTAIN (effective)."""

    day: date
    shift: int
    n: int
    flagged: int

    @property
    def label(self) -> str:
        return shift_label(self.day, self.shift)


@dataclass(frozen=True)
class PPoint:
    count: ShiftCount
    p: float | None  # None for a shift without inspections
    lcl: float | None
    ucl: float | None

    @property
    def above(self) -> bool:
        return self.p is not None and self.ucl is not None and self.p > self.ucl

    @property
    def below(self) -> bool:
        return self.p is not None and self.lcl is not None and self.p < self.lcl

    @property
    def out_of_control(self) -> bool:
        return self.above or self.below


@dataclass(frozen=True)
class PChart:
    points: list[PPoint]
    p_bar: float | None  # None without any inspection
    sigmas: float = P_SIGMAS

    @property
    def out_of_control(self) -> list[PPoint]:
        return [p for p in self.points if p.out_of_control]

    @property
    def total(self) -> int:
        return sum(p.count.n for p in self.points)

    @property
    def flagged(self) -> int:
        return sum(p.count.flagged for p in self.points)


def p_limits(p_bar: float, n: int, sigmas: float = P_SIGMAS) -> tuple[float, float]:
    half = sigmas * math.sqrt(p_bar * (1 - p_bar) / n)
    return max(0.0, p_bar - half), min(1.0, p_bar + half)


def p_chart(counts: Sequence[ShiftCount], sigmas: float = P_SIGMAS, p_bar: float | None = None) -> PChart:
    """The p-chart of the shifts (in the given order); ``p_bar`` from them unless given (a reference)."""
    n_total = sum(c.n for c in counts)
    if p_bar is None and n_total:
        p_bar = sum(min(c.flagged, c.n) for c in counts) / n_total
    points = []
    for c in counts:
        if c.n <= 0 or p_bar is None:
            points.append(PPoint(c, None, None, None))
            continue
        lcl, ucl = p_limits(p_bar, c.n, sigmas)
        points.append(PPoint(c, min(c.flagged, c.n) / c.n, lcl, ucl))
    return PChart(points, p_bar, sigmas)


@dataclass(frozen=True)
class HealthMark:
    """A camera/process health alert as the charts mark it: when (local), its kind code, where."""

    at: datetime
    kind: str
    station_id: str | None = None
    view: str | None = None


@dataclass(frozen=True)
class SpcCharts:
    """Both charts of one product at one station (or the fleet), with the health alerts of their period."""

    product_code: str
    station_id: str | None  # None: this station's own store, or every station at the centre
    scores: EwmaChart
    shifts: PChart
    alerts: list[HealthMark] = field(default_factory=list)
    source: str = "station"  # "station" (the local store) or "centre"
    alerts_available: bool = True  # False where the store has no health alerts to read


def alert_part_index(chart: EwmaChart, mark: HealthMark) -> float | None:
    """Where an alert goes on the score chart: the part number of the first charted part at or after it
    (half a part before it), or None outside the charted parts."""
    if not chart.points or chart.points[0].at is None:
        return None
    for p in chart.points:
        if p.at is not None and p.at >= mark.at:
            return p.index - 0.5
    return None


def alert_shift_index(chart: PChart, mark: HealthMark) -> int | None:
    """The position (0-based) of the shift an alert was raised in, or None outside the chart."""
    key = shift_of(mark.at)
    return next((i for i, p in enumerate(chart.points) if (p.count.day, p.count.shift) == key), None)


@dataclass(frozen=True)
class ShiftSpc:
    """The control-chart figures of one shift report: its FAIL/UNCERTAIN proportion against the p-chart of
    the shifts before it (``p_bar``, limits for its own ``n``), the score chart's points in the shift and
    the health alerts raised in it."""

    n: int
    flagged: int
    p_bar: float | None  # from the reference shifts; None without any
    reference_shifts: int
    scores: EwmaChart  # the whole chart (the parts before the shift set its baseline)
    in_shift: list[EwmaPoint]
    alerts: list[HealthMark] = field(default_factory=list)
    alerts_available: bool = True

    @property
    def p(self) -> float | None:
        return self.flagged / self.n if self.n else None

    @property
    def limits(self) -> tuple[float, float] | None:
        if self.p_bar is None or not self.n:
            return None
        return p_limits(self.p_bar, self.n)

    @property
    def p_out_of_control(self) -> bool:
        lim, p = self.limits, self.p
        return lim is not None and p is not None and not (lim[0] <= p <= lim[1])

    @property
    def scores_out(self) -> list[EwmaPoint]:
        return [p for p in self.in_shift if p.out_of_control]
