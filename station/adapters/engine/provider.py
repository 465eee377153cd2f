"""The engine's view of the models directory: loaded PatchCore backbones and the optional CLIP embedder,
each loaded once and kept (thread-safe); exported backbones for the torch-free CPU runtime."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from station.adapters.engine.availability import module_available, require_torch
from station.adapters.engine.backbones import REGISTRY, default_backbone, installed_backbones, spec_of
from station.adapters.engine.heap import release_free_memory
from station.adapters.weights.manifest import ModelsDirectory

if TYPE_CHECKING:  # torch, timm, anomalib and open_clip load on first use, not at start-up
    from station.adapters.engine.clip import ClipEmbedder
    from station.adapters.engine.exported import ExportedRuntime
    from station.adapters.engine.patchcore import PatchcoreRuntime
    from station.pipeline.patchcore.model import PatchModel


class ExportArtifact:
    """An exported backbone (``ExportedModel``), its runtime's name, and a runtime loaded from it."""

    def __init__(self, exported: Any, degraded: bool, degraded_reason: str | None) -> None:
        from station.adapters.engine.exported import RUNTIME_NAME, ExportedRuntime

        self.exported = exported
        self.runtime_name = RUNTIME_NAME
        self.model: ExportedRuntime = ExportedRuntime(exported, degraded, degraded_reason)

    def to_files(self, meta: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        return self.exported.to_files(meta)


class MlModels:
    """Implements the ``ModelProvider`` port of ``station.services.engine.ports``."""

    def __init__(self, models_dir: Path, device: str | None = None) -> None:
        self.directory = ModelsDirectory(models_dir)
        self.device = device
        self._runtimes: dict[tuple[str, int], PatchcoreRuntime] = {}
        self._clip: dict[str, ClipEmbedder] = {}
        self._lock = threading.Lock()

    def default_backbone(self) -> str:
        return default_backbone(self.directory)

    def backbones(self) -> list[dict[str, Any]]:
        installed = set(installed_backbones(self.directory))
        return [{"name": s.name, "installed": s.name in installed, "degraded": s.degraded,
                 "layers": list(s.layers)} for s in sorted(REGISTRY.values(), key=lambda s: s.preference)]

    def is_degraded(self, backbone: str) -> bool:
        return spec_of(backbone).degraded

    def can_build(self) -> bool:
        """Whether models can be built here (torch importable); the lean CPU package only inspects."""
        return module_available("torch")

    def runtime(self, backbone: str, input_size: int) -> PatchcoreRuntime:
        require_torch()  # one clear line in the lean CPU package instead of an ImportError
        from station.adapters.engine.patchcore import PatchcoreRuntime

        key = (backbone, int(input_size))
        with self._lock:
            runtime = self._runtimes.get(key)
            if runtime is None:
                runtime = PatchcoreRuntime(backbone, self.directory, input_size, self.device)
                self._runtimes[key] = runtime
            return runtime

    def release_runtimes(self, keep: set[tuple[str, int]]) -> int:
        with self._lock:
            gone = [key for key in self._runtimes if key not in keep]
            for key in gone:
                del self._runtimes[key]
        if gone:
            release_free_memory()  # the dropped backbones' weights and traces
        return len(gone)

    def inspects_on_cpu(self) -> bool:
        """Whether inspections run on the CPU, decided without importing torch where possible: an explicit
        device says so; otherwise a machine without an NVIDIA driver has no CUDA device."""
        if self.device:
            return self.device.startswith("cpu")
        if not module_available("torch"):  # the lean CPU package: no CUDA runtime either
            return True
        if "torch" not in sys.modules and not os.path.exists("/proc/driver/nvidia/version"):
            return True
        import torch

        return not torch.cuda.is_available()

    def export_runtime(self, model: PatchModel) -> ExportArtifact:
        """``model`` (a loaded torch backbone) exported for the torch-free runtime, loaded there too; raises
        ``ExportError`` (or the runtime's error) with the reason when that is not possible."""
        from station.adapters.engine.export import ExportError, export_runtime
        from station.adapters.engine.patchcore import PatchcoreRuntime

        if not isinstance(model, PatchcoreRuntime):
            raise ExportError(f"{type(model).__name__} is not a torch backbone")
        return ExportArtifact(export_runtime(model), model.degraded, model.degraded_reason)

    def load_exported(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> ExportedRuntime | None:
        """The torch-free runtime of a published export when inspections run on the CPU, else None."""
        if not self.inspects_on_cpu():
            return None
        from station.adapters.engine.backbones import degraded_reason, spec_of
        from station.adapters.engine.exported import ExportedModel, ExportedRuntime

        exported = ExportedModel.from_files(arrays, meta)
        spec = spec_of(exported.backbone)
        return ExportedRuntime(exported, spec.degraded, degraded_reason(exported.backbone))

    def clip_embedder(self) -> ClipEmbedder | None:
        if not (module_available("torch") and module_available("open_clip")):
            return None  # retrieval falls back to the backbone-pooled vectors
        from station.adapters.engine.clip import ClipEmbedder, installed_clip

        name = installed_clip(self.directory)
        if name is None:
            return None
        with self._lock:
            embedder = self._clip.get(name)
            if embedder is None:
                embedder = ClipEmbedder(self.directory, name)
                self._clip[name] = embedder
            return embedder
