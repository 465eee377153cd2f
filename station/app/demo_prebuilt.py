"""The demo product's prebuilt model sets, for an installation without torch (the lean CPU package), which
cannot build a bank: the package build makes them with the full environment (:mod:`station.app.demo_package`)
and bundles them under ``resources/demo/prebuilt/<variant>/`` (``STATION_DEMO_PREBUILT`` names another
folder). Each variant holds the product's published model files (``banks/<product>/``: bank, retrieval index,
export) and ``summary.json`` (the build summary). Installing one copies the files into the models directory,
checks that the exported runtime serves them (the export passed for exactly this bank) and records the
completed ``patchcore_bank`` deployment, as a build would."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from station.adapters.engine.exported import ExportedRuntime
from station.domain.enums import DeploymentStatus, DeploymentType
from station.domain.errors import StationError
from station.resources import resources_dir
from station.services.engine import CannotBuildHereError

PREBUILT_ENV = "STATION_DEMO_PREBUILT"
SUMMARY_FILE = "summary.json"
SELF_CHECK, DEMO = "self-check", "demo"  # the variants: the self-check's small parts, the demo's library


def prebuilt_root() -> Path | None:
    """The folder of prebuilt demo model sets (``STATION_DEMO_PREBUILT``, else the bundled one), None if absent."""
    named = os.environ.get(PREBUILT_ENV)
    path = Path(named) if named else resources_dir() / "demo" / "prebuilt"
    return path if path.is_dir() else None


def install_prebuilt(ctx: Any, engine: Any, product_code: str, product_id: int, variant: str) -> dict[str, Any]:
    """Installs the prebuilt model set ``variant`` of the demo product into the models directory and records it
    as a completed build; returns its build summary. One clear line when there is none or it cannot serve."""
    root = prebuilt_root()
    source = root / variant if root is not None else None
    if source is None or not (source / SUMMARY_FILE).is_file() or not (source / "banks").is_dir():
        raise CannotBuildHereError(
            f"this CPU package has no prebuilt demo model ({variant}) and cannot build one without torch: rebuild "
            f"the package with scripts/package-cpu.sh, or build the demo on a full station")
    summary = json.loads((source / SUMMARY_FILE).read_text(encoding="utf-8"))
    banks = engine.files.root
    banks.mkdir(parents=True, exist_ok=True)
    for folder in (source / "banks").iterdir():
        target = banks / folder.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)
    engine.inspection.cache.invalidate(product_code)
    loaded = engine.inspection.cache.get(product_code)
    if not isinstance(loaded.model, ExportedRuntime):
        raise StationError(f"the prebuilt demo model ({variant}) is not served by the exported CPU runtime: "
                           f"rebuild the package")
    deployment_id = ctx.deployments.start(DeploymentType.PATCHCORE_BANK.value, product_id,
                                          {"backbone": summary.get("backbone"), "prebuilt": variant}, None)
    ctx.deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value, dict(summary, prebuilt=variant))
    return summary


def describe_prebuilt(summary: dict[str, Any]) -> str:
    """One line about an installed prebuilt demo model set."""
    parity = summary.get("runtime_parity")
    return (f"memory bank: prebuilt, {summary.get('coreset_size')} patches from {summary.get('n_images')} images "
            f"({summary.get('backbone')} at {summary.get('image_size')} px, exported runtime "
            f"{summary.get('runtime')}, parity {parity if parity is None else format(parity, '.1e')})")
