"""The guidance's shared text helpers: excerpt sentences, summary-row values, citation marks, the scripts'
character ranges (one set for the grammar and the checks) and the section text that is embedded."""

from __future__ import annotations

from station.domain.manuals import ParsedSection
from station.services.guidance import guide_grammar, script_problem
from station.services.guidance.markdown import section_heading
from station.services.guidance.text import (
    CJK,
    HANGUL,
    citation_numbers,
    cite,
    column_kind,
    excerpt_lines,
    row_values,
    section_text,
)


def test_excerpt_lines_drop_bullets_and_blank_lines() -> None:
    assert excerpt_lines("• 주형 가스 배출구 막힘\n\n- 용탕 온도 유지\n· 금형 예열\n  plain line ") == [
        "주형 가스 배출구 막힘", "용탕 온도 유지", "금형 예열", "plain line"]


def test_summary_row_values_and_column_kinds() -> None:
    assert row_values(" 가스 포획, 수축; 벤트 막힘 ,") == ["가스 포획", "수축", "벤트 막힘"]
    assert [column_kind(label) for label in ("발생 원인", "Root cause", "조치", "대책", "Action", "비고")] == [
        "cause", "cause", "action", "action", "action", None]


def test_citation_marks_round_trip() -> None:
    assert cite((1, 3)) == " [1][3]" and cite(()) == ""
    assert citation_numbers(f"- 탈기 강화{cite((2, 2, 5))}") == [2, 2, 5]


def test_the_grammar_excludes_the_scripts_the_checks_refuse() -> None:
    english, korean = guide_grammar("en", {}), guide_grammar("ko", {})
    assert CJK in english and CJK in korean and HANGUL in english and HANGUL not in korean
    assert script_problem("과程 온도 유지", "ko") == "mixed script: '과程'"
    assert script_problem("용탕 온도 유지", "en") == "untranslated Korean in an English guide"


def test_section_text_and_headings() -> None:
    section = ParsedSection("hole", "cause", "hole — 원인", "가스 포획", 1, 0)
    assert section_text(section) == "hole — 원인\n가스 포획"
    assert (section_heading("cause", "ko"), section_heading("prevention", "en")) == ("## 원인", "## Prevention")
