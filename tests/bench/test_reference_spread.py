"""The nearest good reference's distance measured against the good references' own spread: near 1 for a
part like the good ones, far above for an unlike one, none when there are too few references; the cosine
similarity alone is near 1 for all of them."""

from __future__ import annotations

import numpy as np

from station.pipeline.retrieval.knn import RetrievalIndex, l2_normalise, nearest_other_distances


def _index(goods: np.ndarray) -> RetrievalIndex:
    n = len(goods)
    return RetrievalIndex(method="test", good_ids=np.arange(n), good_keys=tuple(f"k{i}" for i in range(n)),
                          good_vectors=l2_normalise(goods), defect_ids=np.zeros(0, np.int64),
                          defect_type_ids=np.zeros(0, np.int64), defect_codes=(),
                          defect_vectors=np.zeros((0, 4), np.float32), unknown_threshold=0.5)


def _goods(rng: np.random.Generator, n: int = 40, dim: int = 64) -> np.ndarray:
    """Pooled, non-negative features of one product: one strong common direction plus small variation."""
    return np.abs(5.0 + rng.normal(0.0, 0.3, size=(n, dim))).astype(np.float32)


def test_spread_tells_a_like_part_from_an_unlike_one_where_similarity_cannot() -> None:
    rng = np.random.default_rng(7)
    goods = _goods(rng)
    index = _index(goods[:-1])
    like = goods[-1]                                  # another good part, not in the index
    unlike = like.copy()
    unlike[:16] += 4.0                                # a part that differs over a quarter of its features
    _, _, sim_like = index.nearest_reference(like)    # type: ignore[misc]
    _, _, sim_unlike = index.nearest_reference(unlike)  # type: ignore[misc]
    assert sim_like > 0.99 and sim_unlike > 0.95, "cosine similarity alone hardly separates them"
    spread_like, spread_unlike = index.reference_spread(like), index.reference_spread(unlike)
    assert spread_like is not None and spread_unlike is not None
    assert 0.5 < spread_like < 1.6, spread_like
    assert spread_unlike > 3 * spread_like, (spread_like, spread_unlike)
    assert index.reference_spread(goods[0]) == 0.0, "a reference itself is at distance 0"


def test_no_spread_with_too_few_or_identical_references() -> None:
    rng = np.random.default_rng(3)
    assert _index(_goods(rng, n=2)).reference_spread(_goods(rng, n=1)[0]) is None
    same = np.repeat(_goods(rng, n=1), 5, axis=0)
    assert _index(same).reference_spread(same[0]) is None


def test_nearest_other_distances_leave_each_row_out() -> None:
    vectors = l2_normalise(np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
    d = nearest_other_distances(vectors, chunk=2)
    assert d[0] == d[1] > 0 and d[2] > d[0]
