"""Manual parsing: DOCX, PDF (page numbers), Markdown and text split into cause/action/other sections
per defect type, linked by code, English or Korean name however the headings write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.adapters.guidance.manuals.headings import DefectMatcher, section_kind_of
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.domain.catalog import load_defect_mapping
from tests.support.manuals import KOREAN_MARKDOWN, PRODUCT, make_docx, make_pdf

PARSER = DocumentManualParser()


def kinds_by_defect(manual) -> dict[str | None, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str | None, list[str]] = {}
    for s in manual.sections:
        out.setdefault(s.defect_code, []).append(s.section_type)
    return out


def section(manual, code: str, kind: str):  # type: ignore[no-untyped-def]
    found = [s for s in manual.sections if s.defect_code == code and s.section_type == kind]
    assert found, f"no {kind} section for {code}: {[(s.defect_code, s.section_type) for s in manual.sections]}"
    return found[0]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["prod1_manual.docx", "prod1_manual.pdf"])
def test_real_manual_yields_cause_and_action_for_every_defect(shared_data: Path, name: str) -> None:
    products = {p.code: p for p in load_defect_mapping(shared_data / "defect_mapping.json")}
    manual = PARSER.parse_file(shared_data / "manuals" / name, products["prod1"].defects)
    for code in ("hole", "burr", "scratch"):
        assert "원인" in section(manual, code, "cause").title
        assert "조치" in section(manual, code, "action").title
        summary = section(manual, code, "other")
        assert "요약 매핑 테이블" in summary.title  # the summary table row is linked too
    assert "탈기" in section(manual, "hole", "action").text
    assert "금형 접합면" in section(manual, "burr", "cause").text
    assert manual.unlinked_headings == ()
    if name.endswith(".pdf"):
        assert manual.page_count == 2
        assert section(manual, "hole", "cause").page == 1
        assert section(manual, "scratch", "action").page == 2  # its text starts on the second page
        # wrapped PDF lines are joined back into their bullet
        assert "남아 생긴 내부 공극" in section(manual, "hole", "cause").text


def test_docx_with_mixed_heading_styles(tmp_path: Path) -> None:
    manual = PARSER.parse_file(make_docx(tmp_path / "m.docx"), PRODUCT.defects)
    assert manual.title == "주조 시험품 수리 매뉴얼" or manual.title == "m"
    kinds = kinds_by_defect(manual)
    assert {"cause", "action"} <= set(kinds["hole"])  # emoji keycap heading, Korean 발생 원인/조치 가이드
    assert {"cause", "action"} <= set(kinds["burr"])  # Heading styles with English Cause/Action
    assert {"cause", "action"} <= set(kinds["metal"])  # "Metal Contamination Defect (금속 이물 오염 불량)"
    assert section(manual, "metal", "action").text == "• 자석으로 이물 제거 후 공구 교체"
    assert "hole (기공) — 발생 원인" == section(manual, "hole", "cause").title
    # summary table rows: linked by the English class name; columns kept
    scratch_rows = [s for s in manual.sections if s.defect_code == "scratch" and s.section_type == "other"]
    assert "주요 원인: 마찰·취급 불량" in scratch_rows[0].text
    # scratch has no cause/action section of its own: they come from the table's columns
    assert section(manual, "scratch", "cause").text == "마찰·취급 불량"
    assert section(manual, "scratch", "action").text == "코팅·이송 속도 제어"
    # the introduction stays a general section
    assert kinds[None] == ["other"]
    assert [s.chunk_index for s in manual.sections] == list(range(len(manual.sections)))


@pytest.mark.parametrize("font", ["cid", "nanum"])
def test_pdf_keeps_page_numbers(tmp_path: Path, font: str) -> None:
    manual = PARSER.parse_file(make_pdf(tmp_path / "m.pdf", font=font), PRODUCT.defects)
    assert manual.file_type == "pdf" and manual.page_count == 2
    cause = section(manual, "hole", "cause")
    assert cause.page == 1 and "응고 중에 남아 생긴 내부 공극" in cause.text
    action = section(manual, "scratch", "action")
    assert action.page == 2 and "TiN" in action.text
    rows = [s for s in manual.sections if s.section_type == "other" and s.defect_code]
    assert {s.defect_code for s in rows} == {"hole", "scratch"} and all(s.page == 2 for s in rows)


def test_markdown_and_text(tmp_path: Path) -> None:
    md = tmp_path / "m.md"
    md.write_text(KOREAN_MARKDOWN, encoding="utf-8")
    manual = PARSER.parse_file(md, PRODUCT.defects)
    assert manual.title == "시험품 매뉴얼"
    assert section(manual, "scratch", "cause").text == "• 탈형 시 금형면 마찰"  # "3. 긁힘 (Scratch)"
    assert section(manual, "burr", "action").text == "• regrind the die"  # "Burr defects", **Corrective action**
    txt = tmp_path / "m.txt"
    txt.write_text("기공\n원인\n가스 포획\n조치\n탈기 강화\n\f날개 버\n원인\n금형 마모\n조치\n재연마\n", encoding="cp949")
    manual = PARSER.parse_file(txt, PRODUCT.defects)
    assert section(manual, "hole", "action").text == "탈기 강화"
    assert section(manual, "burr", "cause").page == 2  # form feed = next page


def test_without_defect_types_codes_are_guessed(tmp_path: Path) -> None:
    manual = PARSER.parse_file(make_pdf(tmp_path / "m.pdf"), ())
    assert {(s.defect_code, s.section_type) for s in manual.sections} >= {
        ("hole", "cause"), ("hole", "action"), ("scratch", "cause"), ("scratch", "action")}


def test_heading_naming_an_unknown_defect_is_reported(tmp_path: Path) -> None:
    md = tmp_path / "m.md"
    md.write_text("## 4. crack (균열)\n### 원인\n- 열충격\n### 조치\n- 예열\n", encoding="utf-8")
    manual = PARSER.parse_file(md, PRODUCT.defects)
    assert manual.unlinked_headings == ("crack (균열)",)
    assert {(s.defect_code, s.section_type) for s in manual.sections} == {(None, "cause"), (None, "action")}


def test_long_sections_are_chunked(tmp_path: Path) -> None:
    lines = [f"- 조치 항목 {i}: 금형 표면을 점검하고 필요하면 재연마한다" for i in range(120)]
    md = tmp_path / "long.md"
    md.write_text("## hole\n### 조치\n" + "\n".join(lines) + "\n", encoding="utf-8")
    manual = PARSER.parse_file(md, PRODUCT.defects)
    chunks = [s for s in manual.sections if s.section_type == "action"]
    assert len(chunks) > 1 and all(len(c.text) <= 1200 for c in chunks)
    assert all(c.defect_code == "hole" for c in chunks)
    assert "".join(c.text for c in chunks).count("조치 항목") == 120


@pytest.mark.parametrize(("line", "code"), [
    ("1️⃣ hole (기공)", "hole"), ("2️⃣ burr (날개 버, 얇은 돌출)", "burr"), ("Scratches", "scratch"),
    ("Metal Contamination Defect (금속 이물 오염 불량)", "metal"), ("기공 불량", "hole"), ("날개버", "burr"),
])
def test_defect_matcher(line: str, code: str) -> None:
    match = DefectMatcher(PRODUCT.defects).match(line)
    assert match is not None and match.code == code


@pytest.mark.parametrize(("line", "kind"), [
    ("발생 원인", "cause"), ("원인:", "cause"), ("Root causes", "cause"), ("조치 가이드", "action"),
    ("대책", "action"), ("Corrective action", "action"), ("**Countermeasures**", "action"),
    ("원인 및 조치", None), ("금형 온도가 높으면 원인이 된다", None),
])
def test_section_headings(line: str, kind: str | None) -> None:
    assert section_kind_of(line) == kind


def test_bundled_demo_manual_covers_the_demo_product() -> None:
    from station.resources import resources_dir

    demo = resources_dir() / "demo"
    product = load_defect_mapping(demo / "demo_product.json")[0]
    manual = PARSER.parse_file(demo / "demo_manual.md", product.defects)
    for defect in product.defects:
        assert {"cause", "action", "other"} <= set(kinds_by_defect(manual)[defect.code])
