"""Health baselines in the models directory: the ``health`` file of a product's (view's) published bank set
(``station.pipeline.health.files``), read through :class:`~station.adapters.engine.bank_files.BankFiles`."""

from __future__ import annotations

from station.domain.health import HealthBaseline
from station.domain.views import bank_key
from station.pipeline.health.files import HEALTH_FILE, baseline_from_files
from station.pipeline.health.signals import RegistrationReference
from station.adapters.engine.bank_files import BankFiles
from station.services.engine import BANK_FILE


class HealthFiles:
    """The watch's baseline store (``station.services.health.ports.BaselineStore``)."""

    def __init__(self, files: BankFiles) -> None:
        self._files = files

    def load(self, product_code: str, view: str | None) -> tuple[HealthBaseline, RegistrationReference | None] | None:
        loaded = self._files.load(bank_key(product_code, view), HEALTH_FILE)
        return None if loaded is None else baseline_from_files(*loaded)

    def stamp(self, product_code: str, view: str | None) -> object:
        key = bank_key(product_code, view)
        return self._files.stamp(key, HEALTH_FILE), self._files.stamp(key, BANK_FILE)
