"""What a bench hands to the bench that replaces it within one sign-in (the window rebuilds its screens
when the language changes): the part shown, its manual excerpts and the guide as written, so the new
screen shows the same result in the new language. Nothing is handed across a sign-out: the hand-over
belongs to the signed-in session object and dies with it."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from station.domain.guidance import ManualExcerpt
from station.ui.bench.display import ResultDisplay


@dataclass(frozen=True)
class BenchCarry:
    product_code: str
    display: ResultDisplay
    excerpts: tuple[ManualExcerpt, ...]
    guide: str         # the guide's Markdown as written (empty when none was written)
    guide_stopped: bool  # the guide was still being written when the bench was replaced


_HANDED: dict[int, tuple[weakref.ref[Any], BenchCarry]] = {}


def hand_over(session: Any, carry: BenchCarry | None) -> None:
    """Keeps ``carry`` for the next bench of ``session`` (``None`` forgets what was kept)."""
    for key in [k for k, (ref, _c) in _HANDED.items() if ref() is None]:
        del _HANDED[key]
    if carry is None:
        _HANDED.pop(id(session), None)
    else:
        _HANDED[id(session)] = (weakref.ref(session), carry)


def take_over(session: Any) -> BenchCarry | None:
    """What the previous bench of ``session`` handed over (once), else ``None``."""
    ref, carry = _HANDED.pop(id(session), (None, None))
    return carry if ref is not None and ref() is session else None
