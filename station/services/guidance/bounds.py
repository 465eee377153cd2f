"""Bounds on what one manual puts in the index, so that any file is ingested (or refused) in seconds.

Parsing is linear and fast; the cost is in indexing — one embedding and one stored row per section. A
manual keeps at most :data:`MAX_INDEXED_SECTIONS` sections and :data:`MAX_INDEXED_CHARS` characters of
section text: sections linked to a defect type's cause or action first, then the others in manual order.
What is cut is reported in one line. Files over :data:`MAX_MANUAL_BYTES` are refused before they are read.
"""

from __future__ import annotations

from dataclasses import replace

from station.domain.manuals import ParsedManual, ParsedSection

MAX_MANUAL_BYTES = 32 * 1024 * 1024  # a DOCX/PDF with pictures; larger files are refused unread
MAX_INDEXED_SECTIONS = 250  # real manuals have tens of sections (each defect: cause, action, summary)
# Embedding costs about linearly in text length: this much (about 80 full-size chunks, a 50-page manual's
# text) embeds in seconds on a station's CPU.
MAX_INDEXED_CHARS = 100_000


def _priority(section: ParsedSection) -> int:
    if section.defect_code and section.section_type in ("cause", "action"):
        return 0
    return 1 if section.defect_code else 2


def bound_sections(manual: ParsedManual, file_name: str, *, max_sections: int = MAX_INDEXED_SECTIONS,
                   max_chars: int = MAX_INDEXED_CHARS) -> tuple[ParsedManual, str | None]:
    """The manual cut to the bounds (sections renumbered in manual order) and one line saying what was cut,
    or the manual unchanged and None."""
    sections = manual.sections
    total_chars = sum(len(s.text) for s in sections)
    if len(sections) <= max_sections and total_chars <= max_chars:
        return manual, None
    order = sorted(range(len(sections)), key=lambda i: (_priority(sections[i]), i))
    kept: set[int] = set()
    chars = 0
    for i in order:
        if len(kept) >= max_sections:
            break
        size = len(sections[i].text)
        if chars + size > max_chars:
            continue
        kept.add(i)
        chars += size
    chosen = tuple(replace(sections[i], chunk_index=n) for n, i in enumerate(sorted(kept)))
    cut_bytes = sum(len(sections[i].text.encode("utf-8")) for i in range(len(sections)) if i not in kept)
    note = (f"manual {file_name}: {len(sections):,} sections, indexed {len(chosen):,} "
            f"(limit {max_sections:,} sections, {max_chars:,} characters; defect causes and actions first); "
            f"{_size(cut_bytes)} of text beyond the limit was not indexed")
    return replace(manual, sections=chosen), note


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{max(1, round(size / 1e3))} kB"
