"""What a health alert says, in a worker's words, with the numbers it quotes as ``params``.

The English sentence is stored with the alert; screens translate by the alert's kind and ``params``:

* ``image_darker`` / ``image_brighter``: "Image darker than at calibration (−18 grey levels)",
  params ``grey_levels`` (signed, rounded);
* ``contrast_lower`` / ``contrast_higher``: "Image contrast lower than at calibration (−25 %)", ``percent``;
* ``focus_lost``: "Focus lost (sharpness −60 %)", ``percent``;
* ``camera_moved``: "Camera moved: picture shifted ~12 px left", ``px`` (the larger shift, rounded),
  ``direction`` (left, right, up, down, up-left, ...), ``dx`` / ``dy`` (signed, + right / + down);
* ``pass_scores_higher``: "Good parts scoring higher than usual (0.31 instead of 0.20)", ``score``,
  ``usual``, ``rise``.
"""

from __future__ import annotations

from typing import Any

from station.domain.health import HealthAlertKind, HealthSignal

MINUS = "\u2212"


def _signed(value: float, digits: int = 0) -> str:
    text = f"{value:+.{digits}f}"
    return text.replace("-", MINUS)


def direction_of(dx: float, dy: float) -> str:
    """left/right/up/down, or a diagonal (up-left, ...) when the smaller shift is at least half the larger."""
    horizontal = "right" if dx > 0 else "left"
    vertical = "down" if dy > 0 else "up"
    big, small = max(abs(dx), abs(dy)), min(abs(dx), abs(dy))
    if small >= 0.5 * big and small > 0:
        return f"{vertical}-{horizontal}"
    return horizontal if abs(dx) >= abs(dy) else vertical


def alert_message(kind: HealthAlertKind, level: float, mean: float,
                  deviations: dict[HealthSignal, float]) -> tuple[str, dict[str, Any]]:
    """(sentence, params) for an alert of ``kind`` whose signal is now at ``level`` against the calibrated
    ``mean``; ``deviations``: the change of each signal of the episode (both offset axes)."""
    change = level - mean
    percent = round(100.0 * change / mean) if mean else 0
    if kind in (HealthAlertKind.IMAGE_DARKER, HealthAlertKind.IMAGE_BRIGHTER):
        word = "darker" if kind is HealthAlertKind.IMAGE_DARKER else "brighter"
        levels = round(change)
        return f"Image {word} than at calibration ({_signed(levels)} grey levels)", {"grey_levels": levels}
    if kind in (HealthAlertKind.CONTRAST_LOWER, HealthAlertKind.CONTRAST_HIGHER):
        word = "lower" if kind is HealthAlertKind.CONTRAST_LOWER else "higher"
        return f"Image contrast {word} than at calibration ({_signed(percent)} %)", {"percent": percent}
    if kind is HealthAlertKind.FOCUS_LOST:
        return f"Focus lost (sharpness {_signed(percent)} %)", {"percent": percent}
    if kind is HealthAlertKind.CAMERA_MOVED:
        dx = float(deviations.get(HealthSignal.OFFSET_X, 0.0))
        dy = float(deviations.get(HealthSignal.OFFSET_Y, 0.0))
        px = round(max(abs(dx), abs(dy)))
        direction = direction_of(dx, dy)
        return (f"Camera moved: picture shifted ~{px} px {direction}",
                {"px": px, "direction": direction, "dx": round(dx, 1), "dy": round(dy, 1)})
    return (f"Good parts scoring higher than usual ({level:.2f} instead of {mean:.2f})",
            {"score": round(level, 3), "usual": round(mean, 3), "rise": round(change, 3)})
