"""Per-product model files in the models directory: ``banks/<product>/<name>.npz`` plus ``<name>.json``.

Arrays are stored in an uncompressed ``.npz`` (read with ``allow_pickle=False``: loading runs no code) and
the JSON holds the description and the sha256 of the ``.npz``, checked on every load. Both files are
replaced atomically, so an inspection never reads half a bank.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from station.adapters.files import atomic_write
from station.domain.errors import ValidationError


def _product_dir_name(code: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", code)
    if safe != code or safe.startswith("."):
        safe = f"{safe.lstrip('.')}-{hashlib.sha256(code.encode()).hexdigest()[:8]}"
    return safe


class BankFiles:
    """Saves and loads the arrays + description of a product's bank and retrieval index."""

    def __init__(self, models_dir: Path) -> None:
        self.root = Path(models_dir) / "banks"

    def _paths(self, product_code: str, name: str) -> tuple[Path, Path]:
        folder = self.root / _product_dir_name(product_code)
        return folder / f"{name}.npz", folder / f"{name}.json"

    def save(self, product_code: str, name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> tuple[str, str]:
        """Writes the files; returns (npz path, its sha256)."""
        npz_path, json_path = self._paths(product_code, name)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        data = buffer.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        atomic_write(npz_path, data)
        body = dict(meta, npz_sha256=digest)
        atomic_write(json_path, json.dumps(body, indent=1, default=float).encode("utf-8"))
        return str(npz_path), digest

    def load(self, product_code: str, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        npz_path, json_path = self._paths(product_code, name)
        if not json_path.is_file() or not npz_path.is_file():
            return None
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{json_path} is damaged ({exc.msg}); rebuild with `station build`") from None
        data = npz_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("npz_sha256"):
            raise ValidationError(f"{npz_path} does not match its recorded sha256; rebuild with `station build`")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        return arrays, meta

    def meta(self, product_code: str, name: str) -> dict[str, Any] | None:
        """Only the description (no arrays read, nothing verified): for status displays."""
        npz_path, json_path = self._paths(product_code, name)
        if not json_path.is_file() or not npz_path.is_file():
            return None
        try:
            return json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{json_path} is damaged ({exc.msg}); rebuild with `station build`") from None

    def stamp(self, product_code: str, name: str) -> float | None:
        """Modification time of the description file (changes when the files are replaced)."""
        _, json_path = self._paths(product_code, name)
        return json_path.stat().st_mtime_ns if json_path.is_file() else None

    def update_meta(self, product_code: str, name: str, changes: dict[str, Any]) -> None:
        _, json_path = self._paths(product_code, name)
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        meta.update(changes)
        atomic_write(json_path, json.dumps(meta, indent=1, default=float).encode("utf-8"))
