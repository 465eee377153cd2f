"""Health baselines in the models directory: the ``health`` file of a product's (view's) published bank set
(``station.pipeline.health.files``), read through :class:`~station.adapters.engine.bank_files.BankFiles`, and
the baselines the watch completed itself (PASS-score limits learned from the first PASS parts, a baseline
learned from the library) kept beside them in ``models/health/<key>/`` (``kept.json``, the registration
reference as ``kept.png``) with the stamp of the model files they belong to: a new build or bank version makes
them stale, and they are then ignored."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import cv2
import numpy as np

from station.adapters.engine.bank_files import BankFiles
from station.adapters.files import atomic_write
from station.domain.health import HealthBaseline
from station.domain.views import bank_key
from station.pipeline.health.files import HEALTH_FILE, baseline_files, baseline_from_files
from station.pipeline.health.signals import RegistrationReference
from station.services.engine import BANK_FILE


class HealthFiles:
    """The watch's baseline store (``station.services.health.ports.BaselineStore``)."""

    def __init__(self, files: BankFiles, kept_dir: Path | None = None) -> None:
        self._files = files
        self._kept_root = kept_dir or files.root.parent / "health"

    def load(self, product_code: str, view: str | None) -> tuple[HealthBaseline, RegistrationReference | None] | None:
        loaded = self._files.load(bank_key(product_code, view), HEALTH_FILE)
        return None if loaded is None else baseline_from_files(*loaded)

    def stamp(self, product_code: str, view: str | None) -> object:
        key = bank_key(product_code, view)
        return self._files.stamp(key, HEALTH_FILE), self._files.stamp(key, BANK_FILE)

    def _kept_paths(self, product_code: str, view: str | None) -> tuple[Path, Path]:
        key = bank_key(product_code, view)
        name = re.sub(r"[^A-Za-z0-9_.@-]", "_", key).lstrip(".") + "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
        folder = self._kept_root / name
        return folder / "kept.png", folder / "kept.json"

    def keep(self, baseline: HealthBaseline, reference: RegistrationReference | None, stamp: object) -> None:
        arrays, meta = baseline_files(baseline, reference)
        png_path, json_path = self._kept_paths(baseline.product_code, baseline.view)
        png_path.parent.mkdir(parents=True, exist_ok=True)
        if "reference" in arrays:
            ok, png = cv2.imencode(".png", arrays["reference"])
            if ok:
                atomic_write(png_path, png.tobytes())
        atomic_write(json_path, json.dumps({**meta, "stamp": list(stamp)}, indent=1).encode("utf-8"))  # type: ignore[call-overload]

    def kept(self, product_code: str, view: str | None,
             stamp: object) -> tuple[HealthBaseline, RegistrationReference | None] | None:
        png_path, json_path = self._kept_paths(product_code, view)
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
            if meta.get("stamp") != list(stamp):  # type: ignore[call-overload]
                return None
            arrays: dict[str, np.ndarray] = {}
            if "reference_size" in meta:
                reference = cv2.imdecode(np.frombuffer(png_path.read_bytes(), np.uint8), cv2.IMREAD_GRAYSCALE)
                if reference is None:
                    return None
                arrays["reference"] = reference
            return baseline_from_files(arrays, meta)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none kept, or unreadable: learned again
