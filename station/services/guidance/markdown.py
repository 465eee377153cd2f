"""The Markdown form of a guide: a structure rendered under the four headings (one ``- text [n]`` line per
item, the manual's own sentences marked), and a Markdown guide read back: its sections by heading, in
either language, and the items of the four-heading form."""

from __future__ import annotations

import re

from station.domain.guidance import GUIDE_SECTIONS, SECTION_HEADINGS, GuideItem, Language, StructuredGuide
from station.services.guidance.text import citation_numbers, cite

MANUAL_MARK = "※ "  # (a glyph every bundled font draws) an item that is the manual's own sentence (filled in or replacing the model's)
# a manual line shown in its own language because its translation was refused
UNTRANSLATED_MARK = {"en": "(untranslated) ", "ko": "(번역 안 됨) "}
_ITEM_RE = re.compile(r"^\s*[-*]\s+(?P<text>.*?)\s*(?P<refs>(?:\[\d{1,2}\]\s*)*)$")
_HEADING_RE = re.compile(r"^\s*(?:#{1,4}\s*|\*\*)?\s*([^\n*#:]{1,30}?)\s*(?:\*\*)?\s*:?\s*$")


def section_heading(key: str, language: Language) -> str:
    """The Markdown heading line of a guide section: ``## 원인``, ``## Cause``."""
    return f"## {SECTION_HEADINGS[language][key]}"


def render_markdown(guide: StructuredGuide, language: Language) -> str:
    """The four sections under their headings, one ``- text [n]`` line per item."""
    blocks = []
    for key in GUIDE_SECTIONS:
        lines = [section_heading(key, language)]
        lines += [f"- {MANUAL_MARK if item.origin == 'manual' else ''}{item.text}{cite(item.refs)}"
                  for item in guide.section(key)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def split_guide_sections(text: str) -> dict[str, str]:
    """Body text per guide section, by headings in either language (``## 원인``, ``**Cause**``, ``Cause:``)."""
    names = {v.lower(): k for lang in SECTION_HEADINGS.values() for k, v in lang.items()}
    names.update({"situation": "status", "causes": "cause", "actions": "action", "corrective action": "action",
                  "root cause": "cause", "상황 요약": "status", "예방 조치": "prevention", "재발 방지": "prevention"})
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _HEADING_RE.match(line)
        key = names.get(match.group(1).strip().lower()) if match else None
        if key is not None and (line.lstrip().startswith(("#", "**")) or line.rstrip().endswith(":")
                                or line.strip().lower() == match.group(1).strip().lower()):
            current = key
            sections.setdefault(key, [])
            continue
        if current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def markdown_structure(markdown: str) -> StructuredGuide:
    """The structure of a Markdown guide in the four-heading form (the template guide's): ``- text [n]``."""
    sections = split_guide_sections(markdown)
    out = {}
    for key in GUIDE_SECTIONS:
        items = []
        for line in sections.get(key, "").splitlines():
            match = _ITEM_RE.match(line)
            if match and match.group("text").strip():
                refs = tuple(citation_numbers(match.group("refs")))
                items.append(GuideItem(match.group("text").strip(), refs, origin="manual" if refs else "station"))
        out[key] = tuple(items)
    return StructuredGuide(**out)
