"""Retrieval ranking: the detected defect's cause and action sections first, then its summary rows,
then semantically / lexically close sections; lexical-only retrieval (labelled) without the embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from station.domain.manuals import StoredSection
from station.services.guidance import (
    LexicalIndex,
    char_ngrams,
    pack_embedding,
    rank_sections,
    unpack_embedding,
)
from tests.support.manuals import PRODUCT, build_station, make_docx, shared_embedder

REGIONS = [{"bbox": {"x": 40, "y": 40, "width": 12, "height": 9}, "area_pct": 0.8, "location": "center",
            "max_score": 0.97, "mean_score": 0.8}]


def test_defect_sections_come_first_then_related(tmp_path: Path) -> None:
    station = build_station(tmp_path, embedder=shared_embedder())
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual.docx")])
    excerpts = station.guidance.excerpts(PRODUCT.code, "hole", REGIONS, {"anomaly": 0.91})
    assert [e.ref for e in excerpts] == list(range(1, len(excerpts) + 1))
    head = [(e.defect_code, e.section_type, e.reason) for e in excerpts[:3]]
    assert head == [("hole", "cause", "defect"), ("hole", "action", "defect"), ("hole", "other", "summary")]
    related = excerpts[3:]
    assert related and all(e.reason == "related" and e.defect_code != "hole" for e in related)
    assert [e.score for e in related] == sorted((e.score for e in related), reverse=True)
    assert station.guidance.retrieval_mode == "semantic+lexical"

    scratch = station.guidance.excerpts(PRODUCT.code, "scratch")
    assert [(e.section_type, e.reason) for e in scratch[:3]] == [
        ("cause", "defect"), ("action", "defect"), ("other", "summary")]


def test_lexical_only_without_embedder(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual.docx")])
    assert station.guidance.retrieval_mode == "lexical only (embedder not installed)"
    excerpts = station.guidance.excerpts(PRODUCT.code, "metal")
    assert [(e.section_type, e.reason) for e in excerpts[:2]] == [("cause", "defect"), ("action", "defect")]
    # an embedder added later embeds the stored sections on first use
    with_embedder = build_station(tmp_path, embedder=shared_embedder())
    with_embedder.guidance.excerpts(PRODUCT.code, "metal")
    sections = with_embedder.repo.active_sections(with_embedder.catalog.get_product(PRODUCT.code).product_id)
    assert all(unpack_embedding(s.embedding, "usem3v3") is not None for s in sections)
    assert with_embedder.manuals.list_manuals(PRODUCT.code)[0].vector_indexed


def test_no_manual_gives_no_excerpts(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    assert station.guidance.excerpts(PRODUCT.code, "hole") == []


def _section(i: int, code: str | None, kind: str, text: str, vector: np.ndarray | None = None) -> StoredSection:
    return StoredSection(section_id=i, manual_id=1, manual_title="m", file_name="m.pdf", defect_type_id=None,
                         defect_code=code, section_type=kind, title=f"{code} {kind}", text=text, page=1,
                         chunk_index=i, embedding=pack_embedding("t", vector) if vector is not None else None)


def test_ranking_uses_semantic_and_lexical_similarity() -> None:
    axis = np.eye(4, dtype=np.float32)
    sections = [
        _section(1, "burr", "cause", "금형 마모", axis[1]),
        _section(2, "hole", "action", "탈기 강화", axis[0]),
        _section(3, "hole", "cause", "가스 포획", axis[0]),
        _section(4, None, "other", "안전 수칙: 보호구 착용", axis[3]),
        _section(5, "scratch", "cause", "주조 가스 배출 불량으로 생긴 기공과 비슷한 흠", axis[2]),
    ]
    ranked = rank_sections(sections, "hole", "기공 가스", query_vector=axis[2], embedder_tag="t", related_limit=2)
    assert [r.section.section_id for r in ranked[:2]] == [3, 2]  # cause before action
    assert ranked[2].section.section_id == 5  # semantically and lexically closest of the rest
    assert len(ranked) <= 4
    lexical = rank_sections(sections, "hole", "기공 가스", related_limit=3)
    assert lexical[2].section.section_id == 5


def test_char_ngrams_match_korean_without_spaces() -> None:
    index = LexicalIndex(["금형 접합면의 틈새", "탈기 장치 점검", "표면 코팅"])
    scores = index.scores("탈기장치")
    assert scores.index(max(scores)) == 1
    assert "탈기" in char_ngrams("탈기 장치") and "w:hole" in char_ngrams("Hole defect")


@pytest.mark.parametrize("tag", ["t", "usem3v3"])
def test_embedding_packing(tag: str) -> None:
    vector = np.arange(8, dtype=np.float32)
    data = pack_embedding(tag, vector)
    assert np.array_equal(unpack_embedding(data, tag), vector)
    assert unpack_embedding(data, "other") is None and unpack_embedding(None, tag) is None


def test_excerpts_of_a_known_defect_do_not_depend_on_the_regions(tmp_path: Path) -> None:
    """The prompt part built from them must be identical across inspections to reuse its cached state."""
    station = build_station(tmp_path, embedder=shared_embedder())
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual.docx")])
    edge = [{**REGIONS[0], "location": "edge"}]
    assert station.guidance.excerpts(PRODUCT.code, "burr", REGIONS) == station.guidance.excerpts(
        PRODUCT.code, "burr", edge)
    unknown = station.guidance.excerpts(PRODUCT.code, None, REGIONS)
    assert unknown and all(e.reason == "related" for e in unknown)
