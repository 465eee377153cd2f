"""Ports of the inspection engine: the model provider, model files, review thresholds, the inspection recorder,
the camera/process health watch.

The models the provider hands out are the pipeline's protocols (``PatchModel`` in
``station.pipeline.patchcore.model``, ``ImageEmbedder`` in ``station.pipeline.retrieval.embeddings``): the
engine's computation calls them, the adapters implement them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import numpy as np

from station.domain.enums import Verdict
from station.domain.health import HealthAlert
from station.domain.inspection import InspectionRecord, RecordedInspection
from station.domain.model_update import FalseAlarm
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.retrieval.embeddings import ImageEmbedder

__all__ = ["ExportArtifact", "HealthObserver", "ImageEmbedder", "InspectionRecorder", "ModelFiles", "ModelProvider", "PatchModel",
           "RecordingSpace", "ReviewThresholdStore", "RuntimeExporter"]


class ModelProvider(Protocol):
    def default_backbone(self) -> str:
        """The best backbone whose weights are installed (``filterbank``, degraded, when none is)."""
        ...

    def backbones(self) -> list[dict[str, Any]]: ...

    def is_degraded(self, backbone: str) -> bool: ...

    def can_build(self) -> bool:
        """Whether models can be built and run on torch here (False in the lean CPU package, which only
        inspects with published exports)."""
        ...

    def runtime(self, backbone: str, input_size: int) -> PatchModel: ...

    def release_runtimes(self, keep: set[tuple[str, int]]) -> int:
        """Forgets the cached runtimes other than ``keep`` ((backbone, input size) pairs) so that their memory
        can go once nobody uses them; returns how many were forgotten."""
        ...

    def clip_embedder(self) -> ImageEmbedder | None: ...


class ExportArtifact(Protocol):
    """A backbone exported for the torch-free CPU runtime, with that runtime loaded from it."""

    runtime_name: str  # the inference runtime it runs on, e.g. "onnxruntime"
    model: PatchModel

    def to_files(self, meta: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Arrays and description to publish (``meta`` is added to the description)."""
        ...


@runtime_checkable
class RuntimeExporter(Protocol):
    """Exports a loaded backbone for inspection without torch, and loads a published export (implemented by the
    model provider)."""

    def export_runtime(self, model: PatchModel) -> ExportArtifact:
        """Raises with the reason when the backbone cannot be exported."""
        ...

    def load_exported(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> PatchModel | None:
        """The exported runtime when inspections run on the CPU; None where torch serves them (CUDA)."""
        ...


class ModelFiles(Protocol):
    """Per-product model files (memory bank, retrieval index) as arrays plus a JSON description."""

    def save(self, product_code: str, name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> tuple[str, str]:
        """Replaces the files atomically; returns (path, sha256)."""
        ...

    def publish(self, product_code: str,
                items: dict[str, tuple[dict[str, np.ndarray], dict[str, Any]]]) -> dict[str, tuple[str, str]]:
        """Replaces several files (bank and index) as one set, atomically; returns name -> (path, sha256)."""
        ...

    def load(self, product_code: str, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The files, checked against their recorded sha256; None when there are none."""
        ...

    def load_set(self, product_code: str,
                 names: Iterable[str]) -> dict[str, tuple[dict[str, np.ndarray], dict[str, Any]] | None]:
        """Several files of the same published set (never a new bank with an old index)."""
        ...

    def meta(self, product_code: str, name: str) -> dict[str, Any] | None:
        """Only the JSON description (cheap; not verified), None when there are no files."""
        ...

    def stamp(self, product_code: str, name: str) -> float | None:
        """Changes whenever the files are replaced (for caches)."""
        ...

    def update_meta(self, product_code: str, name: str, changes: dict[str, Any]) -> None: ...


class ReviewThresholdStore(Protocol):
    """The calibrated default review (UNCERTAIN) threshold of a product's memory bank: what applies while
    none is configured in ``model_configs`` (read-only: the configured value lives in model_configs)."""

    def get(self, product_code: str) -> float | None:
        """None when the product has no bank yet."""
        ...


class InspectionRecorder(Protocol):
    def record(self, record: InspectionRecord) -> RecordedInspection:
        """Image, metadata, inspection and result in one transaction (nothing half-way)."""
        ...


class RecordingSpace(Protocol):
    """The free-space watermark of the disk inspections are recorded to."""

    def require_space(self) -> None:
        """Raises ``RecordingPausedError`` (one line) while free space is below the watermark."""
        ...


class HealthObserver(Protocol):
    """Watches the camera and the process on every judged view (``station.services.health.HealthWatch``)."""

    def observe(self, product_code: str, view: str | None, frame: np.ndarray, score: float,
                verdict: Verdict) -> list[HealthAlert]:
        """Takes one inspected frame (as decoded, original size) with its normalised score and verdict;
        returns the alerts this part raised (usually none)."""
        ...


class ModelVersions(Protocol):
    """The published versions of a product's model files, for rolling back (implemented by the model files)."""

    def current_version(self, product_code: str) -> str | None: ...

    def versions(self, product_code: str) -> list[str]:
        """The versions kept on disk, oldest first."""
        ...

    def switch(self, product_code: str, version: str) -> None:
        """Makes the kept ``version`` the published one, atomically."""
        ...


class FalseAlarmSource(Protocol):
    """Standing false-alarm overrides (the latest override of their inspection) with the parts' images."""

    def standing(self, product_code: str | None = None) -> list[FalseAlarm]:
        """Oldest first; every product's when ``product_code`` is None."""
        ...
