"""Ports of the health watch: where learned baselines are kept, where raised alerts go, and the product's
good library images a baseline is learned from when none was published with the bank."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from station.domain.health import HealthAlert, HealthBaseline
from station.pipeline.health.signals import RegistrationReference

__all__ = ["AlertSink", "BaselineStore", "GoodImages"]


class BaselineStore(Protocol):
    """The baseline published with a product's (view's) model files."""

    def load(self, product_code: str, view: str | None) -> tuple[HealthBaseline, RegistrationReference | None] | None:
        """None when the product's model files hold no baseline."""
        ...

    def stamp(self, product_code: str, view: str | None) -> object:
        """Changes whenever the baseline or the bank it goes with is replaced (the watch then starts over)."""
        ...

    def keep(self, baseline: HealthBaseline, reference: RegistrationReference | None, stamp: object) -> None:
        """Keeps a baseline the watch completed itself (PASS-score limits learned from the first PASS parts, a
        baseline learned from the library) for the model files whose stamp is ``stamp``."""
        ...

    def kept(self, product_code: str, view: str | None,
             stamp: object) -> tuple[HealthBaseline, RegistrationReference | None] | None:
        """The baseline kept for the model files of ``stamp``; None when none was kept for exactly those."""
        ...


class AlertSink(Protocol):
    """Receives every raised alert (stored, shown, published: ``station.services.records``)."""

    def raised(self, alert: HealthAlert) -> None: ...


class GoodImages(Protocol):
    """The product's good library images as decoded frames (original size, uint8 grey/BGR)."""

    def good_frames(self, product_code: str, view: str | None, limit: int) -> list[np.ndarray]: ...
