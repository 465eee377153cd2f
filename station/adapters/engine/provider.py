"""The engine's view of the models directory: loaded PatchCore backbones and the optional CLIP embedder,
each loaded once and kept (thread-safe)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from station.adapters.engine.backbones import REGISTRY, default_backbone, installed_backbones, spec_of
from station.adapters.engine.heap import release_free_memory
from station.adapters.weights.manifest import ModelsDirectory

if TYPE_CHECKING:  # torch, timm, anomalib and open_clip load on first use, not at start-up
    from station.adapters.engine.clip import ClipEmbedder
    from station.adapters.engine.patchcore import PatchcoreRuntime


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

    def runtime(self, backbone: str, input_size: int) -> PatchcoreRuntime:
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

    def clip_embedder(self) -> ClipEmbedder | None:
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
