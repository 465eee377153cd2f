"""``station models`` provider for the inspection engine's weights (PatchCore backbones, CLIP).

Implements the provider interface of ``station.cli.models_cmd``: ``available_models`` and ``fetch_model``.
A file whose sha256 the bundled manifest does not know (CLIP weights, a site's own backbone file) is
declared with its sha256 in ``<models dir>/manifest.toml`` first, then fetched ``--from`` the local file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from station.adapters.weights import fetch as fetching
from station.adapters.weights.manifest import ChecksumError, ModelsDirectory, sha256_file
from station.domain.engine import Progress

ENGINE_KINDS = ("backbone", "clip")  # other kinds in the shared manifest (LLMs) have their own provider


def available_models(models_dir: Path) -> list[dict[str, Any]]:
    models = ModelsDirectory(models_dir)
    rows = []
    for row in models.status():
        if row["kind"] not in ENGINE_KINDS:
            continue
        state = "-"
        if row["installed"]:
            expected = row["sha256"]
            state = "unverified" if not expected else (
                "installed" if sha256_file(Path(row["path"])) == expected else "MISMATCH")
        rows.append({
            "name": row["name"], "kind": row["kind"], "file": row["file"], "installed": state == "installed",
            "state": state, "sha256": row["sha256"], "description": row["description"],
            "source": ", ".join(row["sources"]), "location": row["location"],
        })
    return rows


def fetch_model(name: str, models_dir: Path, *, force: bool = False, source: Path | None = None,
                progress: Callable[[str | Progress], Any] | None = None) -> Path | None:
    """Installs ``name`` (None when it is not an engine model). ``force`` fetches again even when a
    verified copy is present."""
    models = ModelsDirectory(models_dir)
    if name not in models.entries or models.entries[name].kind not in ENGINE_KINDS:
        return None
    if not force and source is None and models.is_present(name):  # models dir or installed weights package
        try:
            return models.verified_path(name)
        except ChecksumError:
            pass
    if progress:
        where = source or (models.entry(name).sources()[0])
        progress(f"{name}: fetching from {where}")
    local = models.root / models.entry(name).file
    if force and local.is_file():  # only the models directory's copy; an installed package is left alone
        local.unlink()
    cache = Path.home() / ".cache" / "inspection-station" / "wheels"
    if progress:
        progress(Progress("download", 0, 1, name))
    path = fetching.fetch_model(models, name, source=source, cache_dir=cache)
    if progress:
        progress(Progress("download", 1, 1, f"{name}: installed, sha256 verified"))
    return path
