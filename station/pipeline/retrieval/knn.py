"""Retrieval maths: nearest good reference and defect type by k-NN vote, on L2-normalised embeddings.

Two embedding spaces are kept per product: a *global* one (whole image; finds the nearest good
reference) and a *defect* one (the anomalous area only: the mean patch embedding of the highest-scoring
patches with backbone features, or a CLIP embedding of a crop around them). Similarities are cosine
similarities clipped to [0, 1]. A query whose best defect similarity stays below the index's
``unknown_threshold`` gets the "unknown" type.

Whole-image embeddings of one product are all alike (cosine similarities of 0.99 and more), so the nearest
reference's similarity says little by itself. :meth:`RetrievalIndex.reference_spread` measures the distance
to the nearest good reference against the good references' own spread: the median distance of each good
reference to its nearest other good reference (leave-one-out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from station.domain.engine import DefectPrediction, Neighbour

DEFAULT_K = 5
FALLBACK_UNKNOWN_THRESHOLD = 0.5
INDEX_FORMAT = 1


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def top_patch_mask(patch_scores: np.ndarray, fraction: float = 0.03, min_patches: int = 4) -> np.ndarray:
    """Boolean (h, w) mask of the highest-scoring patches (at least ``min_patches``)."""
    flat = patch_scores.ravel()
    count = min(flat.size, max(min_patches, int(round(flat.size * fraction))))
    mask = np.zeros(flat.size, dtype=bool)
    mask[np.argpartition(-flat, count - 1)[:count]] = True
    return mask.reshape(patch_scores.shape)


def region_descriptor(grid: np.ndarray, patch_scores: np.ndarray) -> np.ndarray:
    """Mean embedding of the most anomalous patches: what the defect looks like, not the whole part."""
    mask = top_patch_mask(patch_scores)
    return l2_normalise(grid[mask].mean(0))


def peak_box(patch_scores: np.ndarray, width: int, height: int, min_side: int = 48) -> tuple[int, int, int, int]:
    """A square box (x, y, w, h) in image pixels around the highest-scoring patches, for CLIP crops."""
    mask = top_patch_mask(patch_scores)
    ys, xs = np.nonzero(mask)
    gh, gw = patch_scores.shape
    cx = (xs.mean() + 0.5) / gw * width
    cy = (ys.mean() + 0.5) / gh * height
    spread = max((xs.max() - xs.min() + 1) / gw * width, (ys.max() - ys.min() + 1) / gh * height)
    side = int(min(max(min_side, 2 * spread), width, height))
    x = int(np.clip(cx - side / 2, 0, width - side))
    y = int(np.clip(cy - side / 2, 0, height - side))
    return x, y, side, side


def similarities(query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    if vectors.size == 0:
        return np.zeros(0, dtype=np.float32)
    return np.clip(vectors @ l2_normalise(query), 0.0, 1.0)


def nearest_other_distances(vectors: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Each normalised row's Euclidean distance to its nearest other row (leave-one-out)."""
    n = len(vectors)
    out = np.empty(n, dtype=np.float32)
    for s in range(0, n, chunk):
        sims = vectors[s:s + chunk] @ vectors.T
        sims[np.arange(len(sims)), np.arange(s, s + len(sims))] = -np.inf
        out[s:s + chunk] = sims.max(1)
    return np.sqrt(np.maximum(0.0, 2.0 - 2.0 * out))


def unknown_threshold(vectors: np.ndarray, labels: np.ndarray, quantile: float = 0.05) -> float:
    """From the labelled defects themselves: each one's best similarity to another labelled defect of the
    same type (leave-one-out); a query less similar to every labelled defect than nearly all of these is
    "unknown". Falls back to :data:`FALLBACK_UNKNOWN_THRESHOLD` with fewer than 3 labelled defects."""
    n = len(vectors)
    if n < 3:
        return FALLBACK_UNKNOWN_THRESHOLD
    sims = np.clip(vectors @ vectors.T, 0.0, 1.0)
    np.fill_diagonal(sims, -1.0)
    best = []
    for i in range(n):
        same = labels == labels[i]
        same[i] = False
        if same.any():
            best.append(float(sims[i, same].max()))
    if not best:
        return FALLBACK_UNKNOWN_THRESHOLD
    return float(np.quantile(np.array(best), quantile)) * 0.98


@dataclass(frozen=True)
class RetrievalIndex:
    """Embeddings of a product's good references and labelled defect images."""

    method: str
    good_ids: np.ndarray  # (n,) int64 image ids
    good_keys: tuple[str, ...]  # object-store keys
    good_vectors: np.ndarray  # (n, E) normalised
    defect_ids: np.ndarray  # (m,) int64
    defect_type_ids: np.ndarray  # (m,) int64
    defect_codes: tuple[str, ...]
    defect_vectors: np.ndarray  # (m, E') normalised
    unknown_threshold: float
    k: int = DEFAULT_K
    info: dict[str, Any] = field(default_factory=dict)

    def nearest_reference(self, query: np.ndarray) -> tuple[int, str, float] | None:
        sims = similarities(query, self.good_vectors)
        if sims.size == 0:
            return None
        best = int(np.argmax(sims))
        return int(self.good_ids[best]), self.good_keys[best], float(sims[best])

    @cached_property
    def good_spread(self) -> float | None:
        """The median distance of a good reference to its nearest other good reference; ``None`` with
        fewer than 3 references or when they are all identical."""
        if len(self.good_vectors) < 3:
            return None
        spread = float(np.median(nearest_other_distances(np.asarray(self.good_vectors, dtype=np.float32))))
        return spread if spread > 1e-6 else None

    def reference_spread(self, query: np.ndarray) -> float | None:
        """The distance from ``query`` to its nearest good reference in units of :attr:`good_spread`."""
        spread = self.good_spread
        if spread is None:
            return None
        best = float(np.max(self.good_vectors @ l2_normalise(query)))
        return float(np.sqrt(max(0.0, 2.0 - 2.0 * best))) / spread

    def vote(self, descriptor: np.ndarray, names: dict[int, str] | None = None) -> DefectPrediction:
        """k-NN vote over the labelled defects, weighted by similarity."""
        sims = similarities(descriptor, self.defect_vectors)
        if sims.size == 0:
            return DefectPrediction(None, None, None, 0.0, True, ())
        order = np.argsort(-sims)[: self.k]
        neighbours = tuple(
            Neighbour(int(self.defect_ids[i]), int(self.defect_type_ids[i]), self.defect_codes[i], float(sims[i]))
            for i in order
        )
        if sims[order[0]] < self.unknown_threshold:
            return DefectPrediction(None, None, None, 0.0, True, neighbours)
        weights: dict[int, float] = {}
        for n in neighbours:
            weights[n.defect_type_id or 0] = weights.get(n.defect_type_id or 0, 0.0) + n.similarity
        winner = max(weights, key=lambda t: weights[t])
        total = sum(weights.values())
        confidence = weights[winner] / total if total > 0 else 0.0
        code = next(n.defect_code for n in neighbours if n.defect_type_id == winner)
        name = (names or {}).get(winner, code)
        return DefectPrediction(winner, code, name, float(np.clip(confidence, 0, 1)), False, neighbours)

    def to_files(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays = {
            "good_ids": self.good_ids.astype(np.int64), "good_vectors": self.good_vectors.astype(np.float32),
            "defect_ids": self.defect_ids.astype(np.int64), "defect_type_ids": self.defect_type_ids.astype(np.int64),
            "defect_vectors": self.defect_vectors.astype(np.float32),
        }
        meta = {"format": INDEX_FORMAT, "method": self.method, "good_keys": list(self.good_keys),
                "defect_codes": list(self.defect_codes), "unknown_threshold": self.unknown_threshold,
                "k": self.k, "info": self.info}
        return arrays, meta

    @classmethod
    def from_files(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> RetrievalIndex:
        if meta.get("format") != INDEX_FORMAT:
            raise ValueError(f"unsupported retrieval index format {meta.get('format')!r}")
        return cls(
            method=str(meta["method"]), good_ids=arrays["good_ids"], good_keys=tuple(meta["good_keys"]),
            good_vectors=arrays["good_vectors"], defect_ids=arrays["defect_ids"],
            defect_type_ids=arrays["defect_type_ids"], defect_codes=tuple(meta["defect_codes"]),
            defect_vectors=arrays["defect_vectors"], unknown_threshold=float(meta["unknown_threshold"]),
            k=int(meta.get("k", DEFAULT_K)), info=dict(meta.get("info") or {}),
        )
