"""The PatchCore model as the engine's computation sees it: a loaded backbone that embeds images into patch
features and scores images against a memory bank placed on its device (``station.adapters.engine.patchcore``
implements it on torch and anomalib)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from station.pipeline.patchcore.bank import PatchFeatures, RawScore


class PatchModel(Protocol):
    """One loaded PatchCore backbone. Images are uint8 BGR arrays of ``input_size`` x ``input_size``."""

    name: str
    degraded: bool
    degraded_reason: str | None
    input_size: int
    embedding_dim: int
    runtime_name: str  # what runs the backbone: "torch", or the exported runtime's name ("onnxruntime")

    @property
    def device_name(self) -> str: ...

    def embed(self, images: Sequence[np.ndarray]) -> PatchFeatures: ...

    def prepare_bank(self, bank: np.ndarray, image_score: str = "reweighted") -> Any:
        """An opaque handle of the bank placed on the model's device (reused for every inspection);
        ``image_score`` (:data:`station.pipeline.patchcore.bank.IMAGE_SCORES`) says how its image score is taken."""
        ...

    def score(self, images: Sequence[np.ndarray], handle: Any) -> list[RawScore]: ...

    def score_features(self, grid: np.ndarray, handle: Any) -> list[RawScore]:
        """Scores patch embeddings that :meth:`embed` computed (``grid``: (B, h, w, D)), with no backbone run."""
        ...
