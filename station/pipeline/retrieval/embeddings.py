"""Retrieval embeddings: the vectors a product's retrieval index holds, made the same way for the index and
for an inspected image.

With an open_clip model installed (an :class:`ImageEmbedder`), global vectors are CLIP embeddings of the
(preprocessed) image and defect vectors CLIP embeddings of a crop around the most anomalous patches. Without
one, both come from the PatchCore backbone: the mean patch embedding of the whole image, and of its most
anomalous patches. :func:`build_index` makes a product's index from its good and labelled defect images.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from station.domain.engine import CancelToken, Progress, ProgressCallback
from station.pipeline.patchcore.bank import MemoryBank, RawScore
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.retrieval.knn import RetrievalIndex, l2_normalise, peak_box, region_descriptor, unknown_threshold


class ImageEmbedder(Protocol):
    """A retrieval embedder (open_clip); ``method`` names it, e.g. ``"open_clip:ViT-B-32"``."""

    method: str

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """(B, E) L2-normalised embeddings of uint8 grey/BGR images of any size."""
        ...


BATCH = 16  # good images embedded per CLIP call
SCORE_BATCH = 8  # labelled defect images scored per call (the batch a bank build uses)


def global_vector(clip: ImageEmbedder | None, image: np.ndarray, raw: RawScore) -> np.ndarray:
    """The whole image's vector (nearest good reference): CLIP's embedding, else the mean patch embedding."""
    if clip is not None:
        return clip.embed([image])[0]
    return l2_normalise(raw.pooled)


def defect_vector(clip: ImageEmbedder | None, image: np.ndarray, raw: RawScore) -> np.ndarray:
    """The anomalous area's vector (defect-type vote): CLIP's embedding of a crop around the most anomalous
    patches, else their mean patch embedding."""
    if clip is not None:
        x, y, w, h = peak_box(raw.patch_scores, image.shape[1], image.shape[0])
        return clip.embed([image[y:y + h, x:x + w]])[0]
    return region_descriptor(raw.grid, raw.patch_scores)


def build_index(
    model: PatchModel, bank: MemoryBank, clip: ImageEmbedder | None, goods: list[tuple[Any, np.ndarray]],
    pooled: np.ndarray, defects: list[tuple[Any, np.ndarray]], codes: dict[int, str],
    progress: ProgressCallback, cancel: CancelToken | None,
) -> RetrievalIndex:
    """``goods``/``defects`` are (ImageInfo, prepared image) pairs; ``pooled`` the goods' mean patch
    embeddings from the bank build. Defect images without a defect type are skipped."""
    method = clip.method if clip is not None else f"backbone_pooled:{model.name}"
    if clip is not None:
        vectors = []
        for s in range(0, len(goods), BATCH):
            if cancel:
                cancel.raise_if_cancelled()
            vectors.append(clip.embed([img for _, img in goods[s:s + BATCH]]))
            progress(Progress("index", min(s + BATCH, len(goods)), len(goods), "embedding good references"))
        good_vectors = np.concatenate(vectors) if vectors else np.zeros((0, 1), np.float32)
    else:
        good_vectors = l2_normalise(pooled)
    handle = model.prepare_bank(bank.features)
    labelled = [(row, img) for row, img in defects if row.defect_type_id is not None]
    d_vectors, d_ids, d_types, d_codes = [], [], [], []
    for s in range(0, len(labelled), SCORE_BATCH):
        if cancel:
            cancel.raise_if_cancelled()
        part = labelled[s:s + SCORE_BATCH]
        for (row, img), raw in zip(part, model.score([img for _, img in part], handle), strict=True):
            d_vectors.append(defect_vector(clip, img, raw))
            d_ids.append(row.image_id)
            d_types.append(row.defect_type_id)
            d_codes.append(codes.get(row.defect_type_id, str(row.defect_type_id)))
        progress(Progress("index", s + len(part), len(labelled), "embedding labelled defects"))
    dim = good_vectors.shape[1] if good_vectors.size else model.embedding_dim
    defect_vectors = np.stack(d_vectors) if d_vectors else np.zeros((0, dim), np.float32)
    types = np.array(d_types, dtype=np.int64)
    return RetrievalIndex(
        method=method, good_ids=np.array([row.image_id for row, _ in goods], dtype=np.int64),
        good_keys=tuple(row.file_path for row, _ in goods), good_vectors=good_vectors.astype(np.float32),
        defect_ids=np.array(d_ids, dtype=np.int64), defect_type_ids=types, defect_codes=tuple(d_codes),
        defect_vectors=defect_vectors.astype(np.float32),
        unknown_threshold=unknown_threshold(defect_vectors, types),
        info={"n_good": len(goods), "n_defect": len(d_ids), "bank_backbone": bank.backbone},
    )
