"""Guides without a local LLM (deterministic template from the excerpts, labelled, never empty), the
quality checks, and persistence on inspection_results."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.domain.errors import NotFoundError, ValidationError
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as InspectedImage
from station.services.guidance import (
    assess_guide,
    build_prompt,
    describe_regions,
    detection_text,
    fallback_notice,
    split_guide_sections,
)
from station.services.guidance.template import sources_footer
from tests.support.manuals import PRODUCT, build_station, make_docx

REGIONS = [{"bbox": {"x": 40, "y": 40, "width": 12, "height": 9}, "area_pct": 0.8, "location": "center",
            "max_score": 0.97}]


@pytest.fixture
def station(tmp_path: Path):  # type: ignore[no-untyped-def]
    station = build_station(tmp_path)
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual.docx")])
    return station


def test_template_guide_in_korean(station) -> None:  # type: ignore[no-untyped-def]
    request = station.guidance.build_request(PRODUCT.code, "hole", REGIONS, {"anomaly": 0.93, "confidence": 0.8},
                                             language="ko")
    guide = station.guidance.stream_guide(request)
    assert guide.source == "template" and guide.language == "ko"
    lines = guide.content.splitlines()
    assert lines[0].startswith("기본 가이드") and "station models fetch" in lines[1]
    sections = split_guide_sections(guide.content)
    assert set(sections) == {"status", "cause", "action", "prevention"}
    assert "중앙부" in sections["status"] and "심각도 4/5" in sections["status"] and "이상 점수 0.93" in sections["status"]
    assert "응고 중에 남아 생긴 내부 공극 [1]" in sections["cause"]
    assert "탈기 장치 점검 및 아르곤 탈기 강화 [2]" in sections["action"]
    assert "출처 (매뉴얼):" in guide.content and "[1] manual.docx — hole (기공) — 발생 원인" in guide.content
    assert guide.quality_score == 1.0 and guide.citations == (1, 2)


def test_template_guide_in_english_and_from_a_summary_row(station) -> None:  # type: ignore[no-untyped-def]
    request = station.guidance.build_request(PRODUCT.code, "scratch", language="en")
    guide = station.guidance.template_guide(request)
    assert guide.content.startswith("Basic guide")
    sections = split_guide_sections(guide.content)
    # from the summary table's cause column; without a local LLM to translate it, marked as untranslated
    assert sections["cause"] == "- (untranslated) 마찰·취급 불량 [1]"
    assert 1 in guide.citations and guide.quality_score >= 0.8


def test_guide_is_never_empty_without_a_manual(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    for language in ("ko", "en"):
        request = station.guidance.build_request(PRODUCT.code, "burr", REGIONS, language=language)
        guide = station.guidance.stream_guide(request)
        assert request.excerpts == () and guide.content.strip()
        assert set(split_guide_sections(guide.content)) == {"status", "cause", "action", "prevention"}
        assert "no citations of the manual" in guide.quality_issues
    with pytest.raises(NotFoundError):
        station.guidance.build_request(PRODUCT.code, "crack")


def test_guide_is_saved_on_the_inspection_result(station) -> None:  # type: ignore[no-untyped-def]
    product = station.catalog.get_product(PRODUCT.code)
    recorded = SqlInspectionRecorder(station.db, "ST01").record(InspectionRecord(
        product_id=product.product_id, image=InspectedImage(file_name="t.png", file_path="images/aa/t.png"),
        defect_detected=True, anomaly_score=0.93, defect_type_id=product.defect_by_code("hole").defect_type_id,
        detected_regions=REGIONS))
    assert station.repo.get_guide(recorded.result_id) == (None, False, None)
    guide = station.guidance.stream_guide(station.guidance.build_request(PRODUCT.code, "hole", REGIONS))
    station.guidance.save_guide(recorded.result_id, guide)
    assert station.repo.get_guide(recorded.result_id) == (guide.content, True, guide.quality_score)
    with pytest.raises(NotFoundError):
        station.repo.save_guide(recorded.result_id + 100, "x", 0.5)
    with pytest.raises(ValidationError):
        station.repo.save_guide(recorded.result_id, "  ", 0.5)


def test_prompt_parts(station) -> None:  # type: ignore[no-untyped-def]
    request = station.guidance.build_request(PRODUCT.code, "hole", REGIONS, {"anomaly": 0.93}, language="ko")
    prompt = build_prompt(request)
    assert '"status"' in prompt.system and '"cause"' in prompt.system and "JSON" in prompt.system
    assert "[1] (원인) hole (기공) — 발생 원인" in prompt.stable and "주조 시험품 (prodk)" in prompt.stable
    assert prompt.grammar and 'cause-ref ::= "1" | "3"' in prompt.grammar
    assert "심각도 4/5" in prompt.stable and "기공 / hole" in prompt.stable
    # nothing of the inspection in the prompt: up to the structure's opening it is the same for every
    # inspection of the defect (cached); sizes and scores are the station's own status line
    assert prompt.variable == "" and prompt.answer_stable == '{"status": [{"text": "' and prompt.answer_prefix == ""
    assert "status-opened ::= char{6,180}" in prompt.grammar and "12x9" not in prompt.stable
    assert detection_text(request) == "검출: 중앙부 12x9 px (면적 0.8%, 점수 0.97); 이상 0.93"
    other = build_prompt(station.guidance.build_request(PRODUCT.code, "hole", [], {"anomaly": 0.5}, language="ko"))
    assert other == prompt  # cacheable as a whole
    english = station.guidance.build_request(PRODUCT.code, "hole", REGIONS, {"anomaly": 0.97}, language="en")
    assert detection_text(english) == "Detected: center 12x9 px (area 0.8%, score 0.97)"


def test_english_prompt_lists_the_manual_terms_it_needs() -> None:
    from station.services.guidance import glossary_lines

    lines = glossary_lines(["- 금형 접합면의 틈새로 용탕이 새어나와", "- 클램프 압력 보정"])
    assert lines[:3] == ["금형 = die (mould)", "접합면 = parting surface (joint surface, parting face)",
                         "틈새 = gap (clearance, crevice)"]
    assert "압력 = pressure" in lines and not any(line.startswith("기공") for line in lines)
    assert glossary_lines(["no Korean here"]) == []


def test_region_description_accepts_engine_and_plain_layouts() -> None:
    regions = describe_regions([
        {"bbox": [1, 2, 30, 40], "area_ratio": 0.05, "position": "top-left", "score": 0.7},
        {"bbox": {"x": 0, "y": 0, "width": 5, "height": 6}, "area_percent": 2.0, "location_label": "edge"},
    ])
    assert (regions[0].width, regions[0].height, regions[0].area_ratio, regions[0].location) == (30, 40, 0.05,
                                                                                                 "top-left")
    assert (regions[1].width, regions[1].area_ratio, regions[1].location) == (5, 0.02, "edge")


@pytest.mark.parametrize(("text", "language", "score", "issue"), [
    ("## 상황\n- 기공 검출\n## 원인\n- 가스 [1]\n## 조치\n- 탈기 [2]\n## 예방\n- 점검 일정", "ko", 1.0, None),
    ("## Status\n- hole found\n## Cause\n- gas [1]\n## Action\n- degas [7]\n## Prevention\n- check", "en", None,
     "citations of unknown excerpts: [7]"),
    ("## 상황\n- 기공\n## 원인\n- 가스\n", "ko", None, "missing section 조치"),
    ("## Status\n- hole found\n## Cause\n- gas [1]\n## Action\n- degas [2]\n## Prevention\n- check", "ko", None,
     "not written in Korean"),
    ("Status:\n- 기공 발생\nCause:\n- 가스 [1]\nAction:\n- 탈기 [2]\nPrevention:\n- 점검", "ko", None, None),
])
def test_quality_checks(text: str, language: str, score: float | None, issue: str | None) -> None:
    report = assess_guide(text, language, [1, 2])  # type: ignore[arg-type]
    if score is not None:
        assert report.score == score and report.issues == ()
    if issue is not None:
        assert any(issue in i for i in report.issues) and report.score < 1.0
    else:
        assert set(report.sections) == {"status", "cause", "action", "prevention"}


def test_the_sources_are_the_cited_excerpts_only(station) -> None:  # type: ignore[no-untyped-def]
    request = station.guidance.build_request(PRODUCT.code, "hole", REGIONS, language="en")
    assert len(request.excerpts) >= 2
    first, second = request.excerpts[0], request.excerpts[1]
    footer = sources_footer(request, (first.ref,))
    assert footer.startswith("Sources (manual):") and first.citation() in footer
    assert second.citation() not in footer, "an excerpt the guide does not cite is not one of its sources"
    assert sources_footer(request, ()) == "", "no citation, no sources line"


def test_the_fallback_says_why_in_the_workers_language_without_scores() -> None:
    english = fallback_notice("en", 5, 3)
    assert english.startswith("3 of the 5 cause and action items written did not pass the checks (struck through)")
    assert "Write again" in english and "score" not in english and "\n" not in english
    korean = fallback_notice("ko", 4, 4)
    assert "4개 중 4개" in korean and "다시 작성" in korean and not any("a" <= ch <= "z" for ch in korean.lower())
    assert fallback_notice("en", 0, 0).startswith("The written guide had no cause or action items")
