"""Drift detection on the health signals: one EWMA chart per signal, gated by a minimum practical change.

Method, per signal ``x`` with learned limits ``mean``, ``sd`` (``station.domain.health.SignalLimits``):

* the EWMA ``e_t = lam * x_t + (1 - lam) * e_(t-1)`` starts at ``mean`` (``lam`` = :attr:`HealthSettings.lam`,
  0.1: the newest part weighs a tenth, the level follows the last ~20 parts);
* the alert distance is ``T = max(L * sd * sqrt(lam / (2 - lam)), min_change)``: the usual EWMA control limit
  (``L`` = :attr:`HealthSettings.limit_sds`, 4.0 asymptotic standard deviations of the EWMA) or the signal's
  minimum practical change, whichever is larger, so that limits learned from a few images with a tiny spread cannot raise alerts
  for changes nobody would care about. The minimum changes (:class:`HealthSettings`): brightness 8 grey
  levels, contrast 15 % of its calibrated level, focus a 30 % drop of sharpness, the part's offset 6 px (of
  the original frame), PASS scores a rise of 0.08 (normalised score);
* each part's deviation ``x - mean`` is clipped to ``+-clip * T`` (``clip`` 2.0) before it enters the EWMA:
  one odd frame (a hand in the picture, a part upside down) moves the EWMA by at most ``0.2 T`` and never
  raises an alert on its own; a lasting change of ``2 T`` is raised at the 7th part, one of ``1.25 T`` at
  about the 16th (before noise);
* a large step of brightness, contrast or focus is not left to the EWMA: ``step_parts`` (3) parts in a row
  deviating the same way by ``step * T`` (3 T) or more raise the alert at the third part (a lamp that
  failed, a lens knocked out of focus); two odd frames in a row never do. The offset and the PASS score keep
  to the EWMA: a registration locked on a wrong peak and an odd score are outliers, and three in a row
  happen often enough in stationary production to raise false alerts;
* an alert is raised when ``e_t - mean`` reaches ``+T`` or ``-T`` in a watched direction: brightness and
  contrast both ways, focus only down, the offset both ways on either axis (one camera-moved episode for
  both axes), PASS scores only up. One alert per episode: the signal is re-armed once its EWMA is back
  within ``rearm * T`` of the mean (``rearm`` 0.5).

The alert's ``value`` is the EWMA that crossed; the change its message quotes is the mean deviation of the
last :attr:`HealthSettings.report_window` parts (5), closer to the change itself than the EWMA, which is
still catching up when it crosses. ``lam`` and ``L`` were chosen on the casting set's train/good images
only (``benchmarks/bench_health_drift.py``: no false alert in 30,000 resampled stationary parts at lam 0.1;
a few per 10,000 at lam 0.2); the measured delays are in docs/readme/engine.md.

Brightness, contrast, focus and the offset are taken from every part whatever its verdict: a FAIL part is
still a frame of the same camera, and a camera that was knocked or lost focus makes parts FAIL; leaving
them out would hide exactly the drift that piles up false alarms (a defect is local and barely moves the
frame's mean, spread, sharpness or registration). The PASS score uses only parts judged PASS.

PASS-score limits: the build's good images are all in the bank and score lower than a new good part would,
so a baseline published by the build has none; the first :attr:`HealthSettings.score_warmup` (30) PASS
scores after the watch starts are collected as the limits, then the chart starts (the image signals are
watched from the first part). Scores of good images outside the bank can be given instead
(:func:`learn_baseline`).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from station.domain.enums import Verdict
from station.domain.health import HealthAlert, HealthAlertKind, HealthBaseline, HealthSignal, SignalLimits
from station.pipeline.health.messages import alert_message
from station.pipeline.health.signals import FrameSignals, RegistrationReference, measure, offset_of

IMAGE_SIGNALS = (HealthSignal.BRIGHTNESS, HealthSignal.CONTRAST, HealthSignal.FOCUS, HealthSignal.OFFSET_X,
                 HealthSignal.OFFSET_Y)


# The signals a large step is raised on at once: whole-frame statistics, whose part-to-part noise is small and
# without outliers. The offset (a registration can lock on a wrong peak) and the anomaly score have heavy tails:
# they are left to the EWMA and its clipping.
STEP_SIGNALS = frozenset({HealthSignal.BRIGHTNESS, HealthSignal.CONTRAST, HealthSignal.FOCUS})


@dataclass(frozen=True)
class HealthSettings:
    """The detection's parameters (see the module docstring)."""

    lam: float = 0.1  # EWMA weight of the newest part
    limit_sds: float = 4.0  # L: the control limit in asymptotic standard deviations of the EWMA
    clip: float = 2.0  # a part's deviation enters the EWMA clipped to +-clip * T
    rearm: float = 0.5  # an episode ends when the EWMA is back within rearm * T of the mean
    step: float = 3.0  # a large step: a part deviating by step * T or more ...
    step_parts: int = 3  # ... this many parts in a row, the same way, raises the alert at once
    min_brightness: float = 8.0  # grey levels
    min_contrast_pct: float = 15.0  # % of the calibrated contrast
    min_focus_drop_pct: float = 30.0  # % of the calibrated sharpness
    min_offset_px: float = 6.0  # pixels of the original frame
    min_score_rise: float = 0.08  # normalised anomaly score of PASS parts
    score_warmup: int = 30  # PASS parts collected as limits when none were learned
    report_window: int = 5  # parts whose mean deviation an alert's message quotes

    def __post_init__(self) -> None:
        if not 0.0 < self.lam <= 1.0:
            raise ValueError("lam must be in (0, 1]")
        if (self.limit_sds <= 0 or self.clip < 1.0 or not 0.0 <= self.rearm < 1.0 or self.score_warmup < 2
                or self.report_window < 1 or self.step < 1.0 or self.step_parts < 2):
            raise ValueError("limit_sds > 0, clip >= 1, 0 <= rearm < 1, score_warmup >= 2, report_window >= 1, "
                             "step >= 1 and step_parts >= 2 are required")

    def min_change(self, signal: HealthSignal, mean: float) -> float:
        """The minimum practical change of ``signal`` in its own units, at calibrated level ``mean``."""
        if signal is HealthSignal.BRIGHTNESS:
            return self.min_brightness
        if signal is HealthSignal.CONTRAST:
            return self.min_contrast_pct / 100.0 * abs(mean)
        if signal is HealthSignal.FOCUS:
            return self.min_focus_drop_pct / 100.0 * abs(mean)
        if signal in (HealthSignal.OFFSET_X, HealthSignal.OFFSET_Y):
            return self.min_offset_px
        return self.min_score_rise

    def alert_distance(self, signal: HealthSignal, limits: SignalLimits) -> float:
        """T: the EWMA's deviation from the mean that raises an alert."""
        statistical = self.limit_sds * limits.sd * math.sqrt(self.lam / (2.0 - self.lam))
        return max(statistical, self.min_change(signal, limits.mean), 1e-9)


def limits_of(values: Sequence[float]) -> SignalLimits:
    """Mean and sample standard deviation (0 for a single value)."""
    arr = np.asarray(list(values), dtype=np.float64)
    if arr.size == 0:
        raise ValueError("no values to learn limits from")
    return SignalLimits(float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0, int(arr.size))


REFERENCE_CANDIDATES = 16  # first good frames the registration reference is chosen among


def choose_reference(frames: Sequence[np.ndarray]) -> int:
    """The index of the most typical of ``frames`` for registration: the one whose phase correlation with the
    others has the highest mean peak (an odd frame, a part turned or off its place, is never chosen)."""
    if len(frames) <= 2:
        return 0
    refs = [RegistrationReference.of(f) for f in frames]
    peaks = np.zeros((len(refs), len(refs)))
    for i in range(len(refs)):
        for j in range(i + 1, len(refs)):
            peaks[i, j] = peaks[j, i] = offset_of(refs[j].small, refs[i], refs[j].height, refs[j].width)[2]
    return int(np.argmax(peaks.sum(axis=1)))


class BaselineLearner:
    """Learns a baseline from good frames handed over one at a time (as a build decodes them): the first
    :data:`REFERENCE_CANDIDATES` frames are kept until the registration reference is chosen among them, every
    later frame is measured at once and dropped."""

    def __init__(self, product_code: str, view: str | None, reference: np.ndarray | None = None) -> None:
        self._product_code, self._view = product_code, view
        self._first: list[np.ndarray] = []
        self._ref = None if reference is None else RegistrationReference.of(reference)
        self._reference = reference
        self._measured: list[FrameSignals] = []
        self._offsets: list[FrameSignals] = []

    @property
    def frames(self) -> int:
        return len(self._first) + len(self._measured)

    def add(self, frame: np.ndarray) -> None:
        if self._ref is not None:
            signals = measure(frame, self._ref)
            self._measured.append(signals)
            self._offsets.append(signals)
            return
        self._first.append(frame)
        if len(self._first) == REFERENCE_CANDIDATES:
            self._choose()

    def _choose(self) -> None:
        chosen = choose_reference(self._first)
        self._ref = RegistrationReference.of(self._first[chosen])
        for i, frame in enumerate(self._first):
            signals = measure(frame, self._ref)
            self._measured.append(signals)
            if i != chosen:  # the reference's own zero offset says nothing about the spread
                self._offsets.append(signals)
        self._first = []

    def finish(self, good_scores: Iterable[float] = (),
               learned_from: str = "calibration") -> tuple[HealthBaseline, RegistrationReference]:
        if self._ref is None:
            if not self._first:
                raise ValueError("no good frames to learn health limits from")
            self._choose()
        assert self._ref is not None
        measured = self._measured or [measure(self._reference, self._ref)]  # type: ignore[arg-type]
        offsets = self._offsets or measured
        limits = {
            HealthSignal.BRIGHTNESS: limits_of([m.brightness for m in measured]),
            HealthSignal.CONTRAST: limits_of([m.contrast for m in measured]),
            HealthSignal.FOCUS: limits_of([m.focus for m in measured]),
            HealthSignal.OFFSET_X: limits_of([m.offset_x or 0.0 for m in offsets]),
            HealthSignal.OFFSET_Y: limits_of([m.offset_y or 0.0 for m in offsets]),
        }
        scores = [float(s) for s in good_scores]
        if scores:
            limits[HealthSignal.PASS_SCORE] = limits_of(scores)
        return HealthBaseline(self._product_code, self._view, limits, learned_from), self._ref


def learn_baseline(product_code: str, view: str | None, frames: Iterable[np.ndarray],
                   reference: np.ndarray | None = None, good_scores: Iterable[float] = (),
                   learned_from: str = "calibration") -> tuple[HealthBaseline, RegistrationReference]:
    """The limits of every signal from good ``frames`` (as decoded, original size; any iterable, measured one
    at a time) and the registration reference: ``reference``, else the most typical of the first
    :data:`REFERENCE_CANDIDATES` frames (:func:`choose_reference`), whose own zero offset is then left out of
    the offset limits. ``good_scores``: normalised scores of good images outside the bank; without any, the
    PASS-score limits are learned from the first PASS parts (:attr:`HealthSettings.score_warmup`)."""
    learner = BaselineLearner(product_code, view, reference)
    for frame in frames:
        learner.add(frame)
    if learner.frames == 0 and reference is None:
        raise ValueError("no good frames to learn health limits from")
    return learner.finish(good_scores, learned_from)


@dataclass
class _Chart:
    """One signal's EWMA and whether its episode is open."""

    limits: SignalLimits
    distance: float
    level: float
    recent: deque[float] = field(default_factory=deque)
    run: int = 0  # parts in a row deviating by at least step * T: + above the mean, - below

    def update(self, value: float, settings: HealthSettings) -> float:
        raw = value - self.limits.mean
        if abs(raw) >= settings.step * self.distance:
            sign = 1 if raw > 0 else -1
            self.run = self.run + sign if self.run * sign > 0 else sign
        else:
            self.run = 0
        deviation = min(max(raw, -settings.clip * self.distance), settings.clip * self.distance)
        self.level = settings.lam * (self.limits.mean + deviation) + (1.0 - settings.lam) * self.level
        self.recent.append(value - self.limits.mean)
        while len(self.recent) > settings.report_window:
            self.recent.popleft()
        return self.level - self.limits.mean

    @property
    def recent_change(self) -> float:
        return float(np.mean(self.recent)) if self.recent else 0.0


# the episodes: which signals they watch and, per direction, the kind raised
_GROUPS: dict[str, tuple[tuple[HealthSignal, ...], HealthAlertKind | None, HealthAlertKind | None]] = {
    "brightness": ((HealthSignal.BRIGHTNESS,), HealthAlertKind.IMAGE_BRIGHTER, HealthAlertKind.IMAGE_DARKER),
    "contrast": ((HealthSignal.CONTRAST,), HealthAlertKind.CONTRAST_HIGHER, HealthAlertKind.CONTRAST_LOWER),
    "focus": ((HealthSignal.FOCUS,), None, HealthAlertKind.FOCUS_LOST),
    "offset": ((HealthSignal.OFFSET_X, HealthSignal.OFFSET_Y), HealthAlertKind.CAMERA_MOVED,
               HealthAlertKind.CAMERA_MOVED),
    "pass_score": ((HealthSignal.PASS_SCORE,), HealthAlertKind.PASS_SCORES_HIGHER, None),
}


@dataclass
class HealthState:
    """The running charts of one product (view): feed it each part with :meth:`observe`. Not thread-safe on its
    own (the service holds a lock per product and view)."""

    baseline: HealthBaseline
    reference: RegistrationReference | None
    settings: HealthSettings = field(default_factory=HealthSettings)
    parts_seen: int = 0
    score_warmup: list[float] = field(default_factory=list)
    _charts: dict[HealthSignal, _Chart] = field(default_factory=dict)
    _open: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for signal, lim in self.baseline.limits.items():
            self._charts[signal] = _Chart(lim, self.settings.alert_distance(signal, lim), lim.mean)

    @property
    def needs_scores(self) -> bool:
        """True while the PASS-score limits are still being collected from PASS parts."""
        return HealthSignal.PASS_SCORE not in self._charts

    def measure(self, frame: np.ndarray) -> FrameSignals:
        """The frame's image signals against this baseline's reference (no state touched: call it outside
        the lock)."""
        return measure(frame, self.reference)

    def observe(self, signals: FrameSignals, score: float | None, verdict: Verdict | None) -> list[HealthAlert]:
        """One part: its image signals, its normalised score and verdict. Returns the alerts it raised."""
        self.parts_seen += 1
        values: dict[HealthSignal, float] = {HealthSignal.BRIGHTNESS: signals.brightness,
                                             HealthSignal.CONTRAST: signals.contrast,
                                             HealthSignal.FOCUS: signals.focus}
        if signals.offset_x is not None and signals.offset_y is not None:
            values[HealthSignal.OFFSET_X] = signals.offset_x
            values[HealthSignal.OFFSET_Y] = signals.offset_y
        if verdict is Verdict.PASS and score is not None and math.isfinite(score):
            if self.needs_scores:
                self._warm_up(float(score))
            else:
                values[HealthSignal.PASS_SCORE] = float(score)
        deviations = {s: self._charts[s].update(v, self.settings) for s, v in values.items() if s in self._charts}
        alerts = []
        for group, (members, up, down) in _GROUPS.items():
            watched = [s for s in members if s in deviations]
            if not watched:
                continue
            alert = self._episode(group, watched, deviations, up, down)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _warm_up(self, score: float) -> None:
        self.score_warmup.append(score)
        if len(self.score_warmup) >= self.settings.score_warmup:
            lim = limits_of(self.score_warmup)
            limits = {**self.baseline.limits, HealthSignal.PASS_SCORE: lim}
            self.baseline = HealthBaseline(
                self.baseline.product_code, self.baseline.view, limits,
                f"{self.baseline.learned_from}; PASS scores from the first {lim.samples} PASS parts")
            self._charts[HealthSignal.PASS_SCORE] = _Chart(
                lim, self.settings.alert_distance(HealthSignal.PASS_SCORE, lim), lim.mean)
            self.score_warmup = []

    def _episode(self, group: str, watched: list[HealthSignal], deviations: dict[HealthSignal, float],
                 up: HealthAlertKind | None, down: HealthAlertKind | None) -> HealthAlert | None:
        ratios = {s: deviations[s] / self._charts[s].distance for s in watched}
        if group in self._open:
            if all(abs(r) < self.settings.rearm for r in ratios.values()):
                self._open.discard(group)  # back in control: re-armed
            return None
        for s in watched:  # a large step held for step_parts parts counts as crossed without waiting for the EWMA
            run = self._charts[s].run
            if s in STEP_SIGNALS and abs(run) >= self.settings.step_parts and abs(ratios[s]) < 1.0:
                ratios[s] = math.copysign(1.0, run)
        crossing = [s for s in watched
                    if (up is not None and ratios[s] >= 1.0) or (down is not None and ratios[s] <= -1.0)]
        if not crossing:
            return None
        signal = max(crossing, key=lambda s: abs(ratios[s]))
        kind = up if ratios[signal] > 0 else down
        assert kind is not None
        self._open.add(group)
        chart = self._charts[signal]
        changes = {s: self._charts[s].recent_change for s in watched}
        message, params = alert_message(kind, chart.limits.mean + changes[signal], chart.limits.mean, changes)
        return HealthAlert(kind=kind, product_code=self.baseline.product_code, view=self.baseline.view,
                           signal=signal, message=message, value=float(chart.level),
                           baseline=float(chart.limits.mean), parts_seen=self.parts_seen, params=params)
