"""Retrieval: the nearest good reference and the defect type of an inspected part, by k-NN over embeddings
(``knn``: the index and its vote; ``embeddings``: how the vectors are made, for the index and for a query)."""

from station.pipeline.retrieval.embeddings import ImageEmbedder, build_index, defect_vector, global_vector
from station.pipeline.retrieval.knn import (
    RetrievalIndex, l2_normalise, peak_box, region_descriptor, similarities, top_patch_mask, unknown_threshold,
)

__all__ = [
    "ImageEmbedder", "RetrievalIndex", "build_index", "defect_vector", "global_vector", "l2_normalise",
    "peak_box", "region_descriptor", "similarities", "top_patch_mask", "unknown_threshold",
]
