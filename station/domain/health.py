"""Camera and process health: the signals watched on every part, and the alerts raised when one drifts.

The station measures each inspected image (brightness, contrast, focus, the part's offset against the
reference) and the score of parts judged PASS. Limits for each signal are learned at build/calibration
time from the product's good images (:class:`HealthBaseline`); a shift is detected per signal and raised as
a :class:`HealthAlert` whose message says what changed in a worker's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class HealthSignal(StrEnum):
    """What is measured on each part."""

    BRIGHTNESS = "brightness"  # mean grey level, 0..255
    CONTRAST = "contrast"  # standard deviation of the grey level
    FOCUS = "focus"  # variance of the Laplacian of the grey image
    OFFSET_X = "offset_x"  # the part's shift against the reference image, pixels (+ right)
    OFFSET_Y = "offset_y"  # pixels (+ down)
    PASS_SCORE = "pass_score"  # anomaly score of parts judged PASS


class HealthAlertKind(StrEnum):
    """What changed, as a closed vocabulary (stored, synced, translated on screens)."""

    IMAGE_DARKER = "image_darker"
    IMAGE_BRIGHTER = "image_brighter"
    CONTRAST_LOWER = "contrast_lower"
    CONTRAST_HIGHER = "contrast_higher"
    FOCUS_LOST = "focus_lost"
    CAMERA_MOVED = "camera_moved"
    PASS_SCORES_HIGHER = "pass_scores_higher"


@dataclass(frozen=True)
class SignalLimits:
    """The in-control level of one signal: its mean and spread on the good images it was learned from."""

    mean: float
    sd: float
    samples: int


@dataclass(frozen=True)
class HealthBaseline:
    """Per product (and view): the limits of every watched signal, learned from good images."""

    product_code: str
    view: str | None
    limits: dict[HealthSignal, SignalLimits]
    learned_from: str = "calibration"  # what the limits were learned from (calibration, build, ...)

    def to_json(self) -> dict[str, Any]:
        return {
            "product_code": self.product_code, "view": self.view, "learned_from": self.learned_from,
            "limits": {s.value: {"mean": lim.mean, "sd": lim.sd, "samples": lim.samples}
                       for s, lim in self.limits.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HealthBaseline:
        return cls(
            product_code=str(data["product_code"]), view=data.get("view"),
            learned_from=str(data.get("learned_from", "calibration")),
            limits={HealthSignal(k): SignalLimits(float(v["mean"]), float(v["sd"]), int(v["samples"]))
                    for k, v in dict(data["limits"]).items()},
        )


@dataclass(frozen=True)
class HealthAlert:
    """One detected shift. ``message`` is the English sentence for a worker (screens translate by ``kind``
    and ``params``); ``value`` is the smoothed level that crossed the limit, ``baseline`` the learned mean."""

    kind: HealthAlertKind
    product_code: str
    view: str | None
    signal: HealthSignal
    message: str
    value: float
    baseline: float
    parts_seen: int  # parts observed for this product/view since the watch started or was reset
    params: dict[str, Any] = field(default_factory=dict)  # numbers quoted in the message (e.g. {"px": 12})
    station_code: str | None = None
    raised_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "product": self.product_code, "view": self.view,
            "signal": self.signal.value, "message": self.message, "value": self.value,
            "baseline": self.baseline, "parts_seen": self.parts_seen, "params": dict(self.params),
            "station": self.station_code,
            "raised_at": None if self.raised_at is None else self.raised_at.isoformat(),
        }
