"""How a product's good images are split, by index, deterministically and evenly over the list:

* :func:`calibration_split`: a bank build's bank images and the held-out images that calibrate its scores;
* :func:`held_out_split`: the self-configuration's fit images and held-out good images;
* :func:`validation_split`: the same on the validation budget (:func:`spread` thins each side).
"""

from __future__ import annotations

import numpy as np

from station.domain.errors import ValidationError

MIN_GOOD_IMAGES = 3  # a bank needs at least this many good images
VALIDATION_FIT_IMAGES = 48  # at most this many fit images build a candidate's validation bank
VALIDATION_HELD_OUT = 40  # at most this many held-out good images score each candidate


def _evenly(n: int, count: int) -> list[int]:
    """``count`` indices of ``range(n)`` spread evenly, never the first or the last."""
    return sorted({int(round(x)) for x in np.linspace(0, n - 1, count + 2)[1:-1]})


def calibration_split(n: int, fraction: float, minimum: int) -> tuple[list[int], list[int]]:
    """(bank indices, calibration indices): calibration images spread evenly over the list."""
    if n < MIN_GOOD_IMAGES:
        raise ValidationError(f"at least {MIN_GOOD_IMAGES} good images are needed to build a bank, got {n}")
    cal = _evenly(n, min(n - 1, max(minimum, int(round(n * fraction)))))
    held = set(cal)
    return [i for i in range(n) if i not in held], cal


def held_out_split(n: int, fraction: float = 0.25, minimum: int = 3) -> tuple[list[int], list[int]]:
    """(fit indices, held-out indices), held-out spread evenly; at least 3 fit images stay."""
    n_val = min(max(minimum, int(round(n * fraction))), n - 3)
    if n_val < 1:
        return list(range(n)), []
    val = _evenly(n, n_val)
    held = set(val)
    return [i for i in range(n) if i not in held], val


def spread(indices: list[int], at_most: int) -> list[int]:
    """At most ``at_most`` of ``indices``, evenly spread over the list (all of them when there are fewer)."""
    if len(indices) <= at_most:
        return list(indices)
    return [indices[int(round(x))] for x in np.linspace(0, len(indices) - 1, at_most)]


def validation_split(n: int) -> tuple[list[int], list[int]]:
    """(fit, held-out) indices of the validation budget: :func:`held_out_split`, then each side thinned to
    :data:`VALIDATION_FIT_IMAGES` and :data:`VALIDATION_HELD_OUT`."""
    fit, held = held_out_split(n, minimum=3)
    fit, held = spread(fit, VALIDATION_FIT_IMAGES), spread(held, VALIDATION_HELD_OUT)
    assert not set(fit) & set(held), "a held-out image may never be part of a validation bank"
    return fit, held
