"""Per-product model files in the models directory, published as one versioned set.

Layout: ``banks/<product>/CURRENT`` names the published version folder ``banks/<product>/v<...>/``, which
holds ``<name>.npz`` (arrays, uncompressed, read with ``allow_pickle=False``: loading runs no code) and
``<name>.json`` (the description and the sha256 of the ``.npz``, checked on every load) for the bank
(``patchcore``) and the retrieval index (``retrieval``).

Publishing writes a complete new version folder (the files not replaced are carried over from the current
one), then switches ``CURRENT`` with one atomic rename: a reader sees the old set or the new set, never a new
bank with an old index, never a half-written file. Readers resolve ``CURRENT`` once for all the files they
load (:meth:`BankFiles.load_set`). The previous version stays for readers still on it and for a rollback
(:meth:`BankFiles.switch` points ``CURRENT`` back at it, atomically); older ones are removed. A product folder without ``CURRENT`` (written by an earlier release) is read as it is, and its
files are carried into the first published version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from station.adapters.engine.heap import release_free_memory
from station.adapters.files import atomic_write
from station.domain.errors import ValidationError

POINTER = "CURRENT"
Loaded = tuple[dict[str, np.ndarray], dict[str, Any]]


def _product_dir_name(code: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", code)
    if safe != code or safe.startswith("."):
        safe = f"{safe.lstrip('.')}-{hashlib.sha256(code.encode()).hexdigest()[:8]}"
    return safe


def _encode(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> tuple[bytes, bytes, str]:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    body = json.dumps(dict(meta, npz_sha256=digest), indent=1, default=float).encode("utf-8")
    return data, body, digest


# numpy reads each array's .npy header with ast.literal_eval, which CPython 3.11 does not make safe from
# several threads at once (SystemError: AST constructor recursion depth mismatch): decoding is serialised.
_NPZ_DECODE = threading.Lock()

class BankFiles:
    """Saves, publishes and loads the arrays + description of a product's bank and retrieval index."""

    def __init__(self, models_dir: Path) -> None:
        self.root = Path(models_dir) / "banks"

    def _folder(self, product_code: str) -> Path:
        return self.root / _product_dir_name(product_code)

    def current_dir(self, product_code: str) -> Path:
        """The published version folder (the product folder itself for an unversioned, older layout)."""
        folder = self._folder(product_code)
        try:
            name = (folder / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return folder
        if not re.fullmatch(r"v[0-9A-Za-z-]+", name):
            raise ValidationError(f"{folder / POINTER} is damaged; rebuild with `station build`")
        return folder / name

    def _folder_of(self, folder: Path) -> Path:
        """The product folder a (version or product) folder belongs to."""
        return folder.parent if folder.parent != self.root else folder

    @staticmethod
    def _paths(folder: Path, name: str) -> tuple[Path, Path]:
        return folder / f"{name}.npz", folder / f"{name}.json"

    # Writing -----------------------------------------------------------------------------------
    def save(self, product_code: str, name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> tuple[str, str]:
        """Publishes one file set member (the others carried over); returns (npz path, its sha256)."""
        return self.publish(product_code, {name: (arrays, meta)})[name]

    def publish(self, product_code: str, items: dict[str, Loaded]) -> dict[str, tuple[str, str]]:
        """Writes ``items`` (name -> (arrays, meta)) into a new version folder with the current version's other
        files, then switches ``CURRENT`` to it atomically; returns name -> (npz path, sha256)."""
        folder = self._folder(product_code)
        base = self.current_dir(product_code) if folder.is_dir() else None
        version = folder / f"v{time.time_ns():020d}-{secrets.token_hex(3)}"
        version.mkdir(parents=True)
        out: dict[str, tuple[str, str]] = {}
        try:
            for name, (arrays, meta) in items.items():
                data, body, digest = _encode(arrays, meta)
                npz_path, json_path = self._paths(version, name)
                atomic_write(npz_path, data)
                atomic_write(json_path, body)
                out[name] = (str(npz_path), digest)
            if base is not None:
                self._carry_over(base, version, exclude=set(items))
            atomic_write(folder / POINTER, version.name.encode("utf-8"))
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        self._prune(folder, keep={version.name, None if base is None else base.name})
        release_free_memory()  # a publish ends a build: the heap it grew goes back to the system
        return out

    def _carry_over(self, base: Path, version: Path, exclude: set[str]) -> None:
        for npz in sorted(base.glob("*.npz")):
            name = npz.stem
            json_path = base / f"{name}.json"
            if name in exclude or not json_path.is_file():
                continue
            for source in (npz, json_path):
                target = version / source.name
                try:
                    os.link(source, target)  # the same bytes, no copy (files are never modified in place)
                except OSError:
                    shutil.copy2(source, target)

    @staticmethod
    def _prune(folder: Path, keep: set[str | None]) -> None:
        for old in folder.glob("v*"):
            if old.is_dir() and old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)  # a reader still in it keeps its open files

    # Versions ----------------------------------------------------------------------------------
    def current_version(self, product_code: str) -> str | None:
        """The published version's folder name (None before the first versioned publish)."""
        folder = self.current_dir(product_code)
        return folder.name if folder != self._folder(product_code) else None

    def versions(self, product_code: str) -> list[str]:
        """The version folders kept on disk, oldest first (their names sort by publication time)."""
        folder = self._folder(product_code)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.glob("v*") if p.is_dir() and re.fullmatch(r"v[0-9A-Za-z-]+", p.name))

    def switch(self, product_code: str, version: str) -> None:
        """Points ``CURRENT`` at the kept version ``version`` (one atomic rename; its files stay as they were)."""
        folder = self._folder(product_code)
        target = folder / version
        if not re.fullmatch(r"v[0-9A-Za-z-]+", version) or not target.is_dir():
            raise ValidationError(f"version {version} of {product_code} is not kept on this station")
        if not all(p.is_file() for p in self._paths(target, "patchcore")):
            raise ValidationError(f"version {version} of {product_code} has no memory bank")
        atomic_write(folder / POINTER, version.encode("utf-8"))

    def update_meta(self, product_code: str, name: str, changes: dict[str, Any]) -> None:
        """Changes the description of the published file (the arrays and their sha256 stay)."""
        _, json_path = self._paths(self.current_dir(product_code), name)
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        meta.update(changes)
        atomic_write(json_path, json.dumps(meta, indent=1, default=float).encode("utf-8"))

    # Reading -----------------------------------------------------------------------------------
    def load_set(self, product_code: str, names: Iterable[str]) -> dict[str, Loaded | None]:
        """The named files of one published version (resolved once): never a mix of two versions."""
        names = tuple(names)
        for attempt in range(3):  # noqa: B007 - the attempt number ends the retries
            folder = self.current_dir(product_code)
            try:
                found = {name: self._load(folder, name) for name in names}
            except FileNotFoundError:  # that version was replaced and removed while being read: read again
                if attempt == 2:
                    raise
                continue
            if all(v is not None for v in found.values()) or self.current_dir(product_code) == folder:
                return found
        raise AssertionError("unreachable")

    def load(self, product_code: str, name: str) -> Loaded | None:
        return self.load_set(product_code, (name,))[name]

    def _load(self, folder: Path, name: str) -> Loaded | None:
        npz_path, json_path = self._paths(folder, name)
        if not folder.is_dir():
            if folder == self._folder_of(folder):  # nothing built yet
                return None
            raise FileNotFoundError(folder)  # a version folder removed meanwhile
        if not json_path.is_file() or not npz_path.is_file():
            return None
        try:
            meta = json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{json_path} is damaged ({exc.msg}); rebuild with `station build`") from None
        data = npz_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("npz_sha256"):
            raise ValidationError(f"{npz_path} does not match its recorded sha256; rebuild with `station build`")
        with _NPZ_DECODE, np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        return arrays, meta

    def meta(self, product_code: str, name: str) -> dict[str, Any] | None:
        """Only the description (no arrays read, nothing verified): for status displays."""
        npz_path, json_path = self._paths(self.current_dir(product_code), name)
        if not json_path.is_file() or not npz_path.is_file():
            return None
        try:
            return json.loads(json_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{json_path} is damaged ({exc.msg}); rebuild with `station build`") from None

    def stamp(self, product_code: str, name: str) -> float | None:
        """Changes whenever the published file changes (a new version, or its description rewritten)."""
        _, json_path = self._paths(self.current_dir(product_code), name)
        try:
            return json_path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
