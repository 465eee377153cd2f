"""Ranking of manual sections for an inspection: the detected defect's cause and action sections first,
then its other sections (summary-table rows), then sections that are semantically or lexically close.

Lexical similarity uses character 2/3-grams with IDF over the product's sections, which works for
Korean without a morphological analyser; semantic similarity uses the embedder's stored vectors.
Embeddings are stored as ``<8-byte model tag><float32 little-endian vector>``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from station.domain.guidance import ManualExcerpt
from station.domain.manuals import StoredSection
from station.services.guidance.text import char_ngrams, section_text

TAG_BYTES = 8
SEMANTIC_WEIGHT = 0.6
MIN_RELATED_SCORE = 0.12
_ORDER = {"cause": 0, "action": 1, "other": 2}


def pack_embedding(tag: str, vector: np.ndarray) -> bytes:
    head = tag.encode("ascii")[:TAG_BYTES].ljust(TAG_BYTES, b"\0")
    return head + np.asarray(vector, dtype="<f4").tobytes()


def unpack_embedding(data: bytes | None, tag: str) -> np.ndarray | None:
    """The vector if it was made by the embedder ``tag``; None for missing or foreign vectors."""
    if not data or len(data) <= TAG_BYTES:
        return None
    if data[:TAG_BYTES].rstrip(b"\0").decode("ascii", "replace") != tag[:TAG_BYTES]:
        return None
    return np.frombuffer(data[TAG_BYTES:], dtype="<f4")


class LexicalIndex:
    """TF-IDF cosine over character n-grams of a fixed set of texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._docs = [char_ngrams(t) for t in texts]
        df: Counter[str] = Counter()
        for grams in self._docs:
            df.update(grams.keys())
        n = max(len(self._docs), 1)
        self._idf = {g: math.log((n + 1) / (c + 0.5)) for g, c in df.items()}
        self._default_idf = math.log((n + 1) / 0.5)
        self._vectors = [self._weigh(g) for g in self._docs]

    def _weigh(self, grams: Counter[str]) -> dict[str, float]:
        vector = {g: (1 + math.log(c)) * self._idf.get(g, self._default_idf) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items()}

    def scores(self, query: str) -> list[float]:
        q = self._weigh(char_ngrams(query))
        return [sum(w * d.get(g, 0.0) for g, w in q.items()) for d in self._vectors]


@dataclass(frozen=True)
class RankedSection:
    section: StoredSection
    score: float
    reason: str


def rank_sections(
    sections: Sequence[StoredSection], defect_code: str | None, query: str, *,
    query_vector: np.ndarray | None = None, embedder_tag: str | None = None, related_limit: int = 3,
) -> list[RankedSection]:
    """Sections in the order a worker should read them (see the module docstring)."""
    own = [s for s in sections if defect_code and s.defect_code == defect_code]
    own_ids = {s.section_id for s in own}
    primary = sorted((s for s in own if s.section_type in ("cause", "action")),
                     key=lambda s: (_ORDER[s.section_type], s.manual_id, s.chunk_index))
    summary = sorted((s for s in own if s.section_type == "other"), key=lambda s: (s.manual_id, s.chunk_index))
    rest = [s for s in sections if s.section_id not in own_ids]
    ranked = [RankedSection(s, 1.0, "defect") for s in primary] + [RankedSection(s, 0.9, "summary") for s in summary]
    if not rest or related_limit <= 0:
        return ranked
    index = LexicalIndex([section_text(s) for s in sections])
    lexical_all = index.scores(query)
    position = {id(s): i for i, s in enumerate(sections)}
    scored = []
    for section in rest:
        lexical = lexical_all[position[id(section)]]
        semantic = None
        if query_vector is not None and embedder_tag:
            vector = unpack_embedding(section.embedding, embedder_tag)
            if vector is not None and vector.shape == query_vector.shape:
                semantic = float(np.dot(vector, query_vector))
        score = lexical if semantic is None else SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * lexical
        if score >= MIN_RELATED_SCORE:
            scored.append(RankedSection(section, round(score, 4), "related"))
    scored.sort(key=lambda r: (-r.score, _ORDER.get(r.section.section_type, 3), r.section.chunk_index))
    return ranked + scored[:related_limit]


def to_excerpts(ranked: Sequence[RankedSection]) -> list[ManualExcerpt]:
    return [
        ManualExcerpt(
            ref=i, section_id=r.section.section_id, manual_id=r.section.manual_id,
            manual_title=r.section.manual_title, file_name=r.section.file_name,
            defect_code=r.section.defect_code, section_type=r.section.section_type, title=r.section.title,
            text=r.section.text, page=r.section.page, score=r.score, reason=r.reason,
        )
        for i, r in enumerate(ranked, start=1)
    ]
