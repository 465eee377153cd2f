"""Choosing the runtime that inspects with a newly built bank: the backbone exported for the torch-free CPU
runtime when its scores agree with torch's, otherwise torch.

After a bank is built, :func:`check_export` exports the build's backbone once (``RuntimeExporter``), scores
the given held-out good images with the torch model and with the exported runtime against the same bank,
and compares the normalised image scores the station reports. The export passes when the largest
difference is at most :data:`PARITY_TOLERANCE` and every image gets the same verdict at the product's
thresholds. A passing export is published with the bank (the ``exported`` file of the same set); a failing
one, or an export error, publishes only the reason, so that inspections stay on torch and nothing of an
earlier build's export is carried over.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.domain.engine import Progress, ProgressCallback, decide_verdict, no_progress
from station.pipeline.patchcore.bank import MemoryBank
from station.pipeline.patchcore.model import PatchModel
from station.services.engine.ports import ExportArtifact, RuntimeExporter

PARITY_TOLERANCE = 1e-3  # largest |difference| of normalised image scores for the exported runtime to serve
TORCH = "torch"
PARITY_BATCH = 8

Loaded = tuple[dict[str, np.ndarray], dict[str, Any]]


def features_digest(features: np.ndarray) -> str:
    """sha256 of a bank's features as float32: ties an export to the bank it was checked against."""
    return hashlib.sha256(np.ascontiguousarray(features, dtype=np.float32).tobytes()).hexdigest()


@dataclass(frozen=True)
class RuntimeChoice:
    """Which runtime inspects with a bank, and why."""

    runtime: str  # "torch" or the exported runtime's name ("onnxruntime")
    passed: bool
    parity: float | None  # largest |difference| of the normalised image scores (None: nothing compared)
    tolerance: float
    n_images: int
    n_over: int  # images over the tolerance
    n_verdicts_differ: int
    reason: str
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"runtime": self.runtime, "runtime_parity": self.parity, "runtime_reason": self.reason,
                "runtime_tolerance": self.tolerance, "runtime_parity_images": self.n_images}


@dataclass(frozen=True)
class ExportCheck:
    choice: RuntimeChoice
    model: PatchModel | None  # the exported runtime, when it passed
    artifact: ExportArtifact | None

    def files(self, bank: MemoryBank) -> Loaded:
        """The ``exported`` file to publish with ``bank``: the model when it passed, else only the reason."""
        meta = {**self.choice.to_json(), "passed": self.choice.passed, "n_verdicts_differ": self.choice.n_verdicts_differ,
                "n_over_tolerance": self.choice.n_over, "bank_features_sha256": features_digest(bank.features)}
        if self.choice.passed and self.artifact is not None:
            return self.artifact.to_files(meta)
        return {}, meta


def _torch_only(reason: str, tolerance: float, parity: float | None = None, n_images: int = 0, n_over: int = 0,
                n_differ: int = 0, seconds: float = 0.0) -> RuntimeChoice:
    return RuntimeChoice(TORCH, False, parity, tolerance, n_images, n_over, n_differ, reason, seconds)


def check_export(models: Any, model: PatchModel, bank: MemoryBank, images: Sequence[np.ndarray], *,
                 image_threshold: float, review_threshold: float, tolerance: float = PARITY_TOLERANCE,
                 progress: ProgressCallback | None = None) -> ExportCheck:
    """Exports ``model`` and compares its normalised image scores with ``model``'s on ``images`` (held-out
    good images prepared at the bank's input size) against ``bank``. Never raises for an export problem:
    the choice says torch and why."""
    progress = progress or no_progress
    started = time.perf_counter()
    if not isinstance(models, RuntimeExporter):
        return ExportCheck(_torch_only("the model provider does not export backbones; inspecting with torch",
                                       tolerance), None, None)
    if not images:
        return ExportCheck(_torch_only("no held-out images to check an export against; inspecting with torch",
                                       tolerance), None, None)
    progress(Progress("export", 0, len(images), "exporting the backbone for the CPU runtime"))
    try:
        artifact = models.export_runtime(model)
    except Exception as exc:  # noqa: BLE001 - an export problem never fails the build: torch inspects
        return ExportCheck(_torch_only(f"export failed: {exc}; inspecting with torch", tolerance,
                                       seconds=time.perf_counter() - started), None, None)
    exported = artifact.model
    calibration = bank.calibration
    try:
        torch_handle = model.prepare_bank(bank.features, bank.image_score)
        exported_handle = exported.prepare_bank(bank.features, bank.image_score)
        diffs, differ = [], 0
        # torch scores in batches (the shape its backbone is traced for), the exported runtime one frame at a
        # time, as it inspects
        for s in range(0, len(images), PARITY_BATCH):
            part = images[s:s + PARITY_BATCH]
            for image, raw in zip(part, model.score(part, torch_handle), strict=True):
                a = float(calibration.image(raw.image_score))
                b = float(calibration.image(exported.score([image], exported_handle)[0].image_score))
                diffs.append(abs(a - b))
                differ += decide_verdict(a, image_threshold, review_threshold) != decide_verdict(
                    b, image_threshold, review_threshold)
            progress(Progress("export", s + len(part), len(images), "comparing the exported runtime with torch"))
    except Exception as exc:  # noqa: BLE001 - the exported runtime failed to score: torch inspects
        return ExportCheck(_torch_only(f"the exported runtime failed ({type(exc).__name__}: {exc}); inspecting "
                                       f"with torch", tolerance, seconds=time.perf_counter() - started), None, None)
    parity = float(max(diffs))
    n_over = sum(d > tolerance for d in diffs)
    seconds = time.perf_counter() - started
    n = len(images)
    if n_over or differ:
        parts = []
        if n_over:
            parts.append(f"exported scores differ by {parity:.4f} > {tolerance:g} on {n_over} of {n} images")
        if differ:
            parts.append(f"verdicts differ on {differ} of {n} images")
        return ExportCheck(_torch_only("; ".join(parts) + "; inspecting with torch", tolerance, parity, n, n_over,
                                       differ, seconds), None, None)
    reason = (f"{artifact.runtime_name}: scores within {parity:.2g} of torch (tolerance {tolerance:g}) and the same "
              f"verdicts on {n} held-out good images")
    choice = RuntimeChoice(artifact.runtime_name, True, parity, tolerance, n, 0, 0, reason, seconds)
    return ExportCheck(choice, exported, artifact)


def published_export(models: Any, loaded: Loaded | None, bank: MemoryBank) -> PatchModel | None:
    """The exported runtime of a product's published set when it passed for exactly this bank and inspections
    run on the CPU; None where torch inspects."""
    if loaded is None or not isinstance(models, RuntimeExporter):
        return None
    arrays, meta = loaded
    if not meta.get("passed") or meta.get("bank_features_sha256") != features_digest(bank.features):
        return None
    try:
        return models.load_exported(arrays, meta)
    except Exception:  # noqa: BLE001 - an export this station cannot load (runtime missing, newer format): torch
        return None
