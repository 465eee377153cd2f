"""Patch features computed once per build and shared by everything in it that needs them again.

A self-configured build embeds the same prepared images with the same backbone several times over: the
validation bank of a candidate and of its augmented variant, the held-out good images and the synthetic
defects that every image-score variant is scored on, then the product bank itself (whose images include the
validation ones). :class:`FeatureCache` keeps each image's patch features under a key the caller chooses
(an image's role and index, plus the augmentation that made a copy of it) for each model (backbone and input
size), computes only the missing ones, in batches, and counts what it computed and how long the backbone
took, so that a build can show (and a test can assert) that nothing was embedded twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from station.pipeline.patchcore.bank import PatchFeatures
from station.pipeline.patchcore.model import PatchModel

ModelKey = tuple[str, int]  # (backbone name, input size)


def model_key(model: PatchModel) -> ModelKey:
    return model.name, int(model.input_size)


@dataclass
class FeatureCache:
    """Patch features by (model, image key); see the module docstring. Not thread-safe: one build uses it."""

    _store: dict[ModelKey, dict[Hashable, tuple[np.ndarray, np.ndarray]]] = field(default_factory=dict)
    computed: Counter[tuple[ModelKey, Hashable]] = field(default_factory=Counter)  # backbone runs per image
    backbone_seconds: float = 0.0  # time spent computing features (all models)

    def features(self, model: PatchModel, keys: Sequence[Hashable], image_of: Callable[[Hashable], np.ndarray],
                 batch_size: int = 8) -> PatchFeatures:
        """The features of ``keys`` in that order; the missing ones are computed from ``image_of(key)`` in
        batches of ``batch_size`` and kept."""
        mk = model_key(model)
        store = self._store.setdefault(mk, {})
        missing = list(dict.fromkeys(k for k in keys if k not in store))
        for s in range(0, len(missing), batch_size):
            part = missing[s:s + batch_size]
            started = time.perf_counter()
            feats = model.embed([image_of(k) for k in part])
            self.backbone_seconds += time.perf_counter() - started
            for i, k in enumerate(part):
                store[k] = (feats.grid[i], feats.pooled[i])
                self.computed[(mk, k)] += 1
        if not keys:
            return PatchFeatures(grid=np.zeros((0, 0, 0, model.embedding_dim), np.float32),
                                 pooled=np.zeros((0, model.embedding_dim), np.float32))
        return PatchFeatures(grid=np.stack([store[k][0] for k in keys]), pooled=np.stack([store[k][1] for k in keys]))

    def count_missing(self, mk: ModelKey, keys: Sequence[Hashable]) -> int:
        """How many of ``keys`` the model ``mk`` would still have to embed."""
        store = self._store.get(mk, {})
        return sum(1 for k in dict.fromkeys(keys) if k not in store)

    def retain(self, keep: set[ModelKey], key_filter: Callable[[Hashable], bool] | None = None) -> None:
        """Forgets every model's features but those of ``keep`` (and of those, the keys ``key_filter``
        rejects): their memory goes back as soon as the build moves on."""
        for mk in [m for m in self._store if m not in keep]:
            del self._store[mk]
        if key_filter is not None:
            for store in self._store.values():
                for k in [k for k in store if not key_filter(k)]:
                    del store[k]

    def times_computed(self) -> int:
        """The most times any image was embedded by the same model (1 when nothing was done twice)."""
        return max(self.computed.values(), default=0)
