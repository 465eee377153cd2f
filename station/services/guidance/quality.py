"""Quality score of a guide from checks: the four sections present and filled, citations valid and
used for cause/action, written in the UI language. The score (0..1) goes to ``guide_quality_score``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.guidance import GUIDE_SECTIONS, SECTION_HEADINGS, Language
from station.services.guidance.markdown import split_guide_sections
from station.services.guidance.text import CITATION_RE, HANGUL_SYLLABLE_RE, LATIN_RE, citation_numbers

WEIGHTS = {"sections": 0.4, "citations": 0.3, "language": 0.2, "substance": 0.1}


@dataclass(frozen=True)
class QualityReport:
    score: float
    issues: tuple[str, ...]
    sections: dict[str, str]
    citations: tuple[int, ...]


def language_share(text: str, language: Language) -> float:
    """Share of the letters written in the language's script (Hangul for ko, Latin for en)."""
    hangul = len(HANGUL_SYLLABLE_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    total = hangul + latin
    if total == 0:
        return 0.0
    return (hangul if language == "ko" else latin) / total


def assess_guide(text: str, language: Language, valid_refs: Sequence[int]) -> QualityReport:
    issues: list[str] = []
    sections = split_guide_sections(text)
    headings = SECTION_HEADINGS[language]
    present = [k for k in GUIDE_SECTIONS if k in sections]
    for key in GUIDE_SECTIONS:
        if key not in sections:
            issues.append(f"missing section {headings[key]}")
    section_score = len(present) / len(GUIDE_SECTIONS)

    filled = [k for k in present if len(sections[k]) >= 5]
    substance = len(filled) / len(GUIDE_SECTIONS)
    for key in present:
        if key not in filled:
            issues.append(f"section {headings[key]} is empty")

    cited = citation_numbers(text)
    valid = set(valid_refs)
    if not cited:
        citation_score = 0.0
        issues.append("no citations of the manual")
    else:
        bad = sorted({n for n in cited if n not in valid})
        if bad:
            issues.append("citations of unknown excerpts: " + ", ".join(f"[{n}]" for n in bad))
        citation_score = sum(1 for n in cited if n in valid) / len(cited)
        grounded = any(CITATION_RE.search(sections.get(k, "")) for k in ("cause", "action"))
        if not grounded:
            citation_score *= 0.5
            issues.append("cause/action cite no manual excerpt")

    share = language_share(text, language)
    target = 0.5 if language == "ko" else 0.7
    language_score = min(1.0, share / target)
    if language_score < 1.0:
        issues.append(f"not written in {'Korean' if language == 'ko' else 'English'} ({share:.0%} of letters)")

    score = (WEIGHTS["sections"] * section_score + WEIGHTS["citations"] * citation_score
             + WEIGHTS["language"] * language_score + WEIGHTS["substance"] * substance)
    return QualityReport(round(score, 3), tuple(issues), sections, tuple(dict.fromkeys(cited)))
