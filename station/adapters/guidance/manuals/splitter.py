"""Splits a manual's blocks into sections per defect type: cause / action / other, plus summary-table rows.

Walks the blocks once, keeping the current defect (from defect headings) and the current section kind
(from ``발생 원인`` / ``조치 가이드`` / ``Cause`` / ``Action`` headings). A short line right before a
cause/action heading that named no known defect is taken as an unlinked defect heading (reported, or
turned into a guessed code when the product's defect types are not known).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from station.adapters.guidance.manuals.headings import (
    DefectMatch,
    DefectMatcher,
    display_heading,
    is_summary_heading,
    normalize,
    section_kind_of,
    words,
)
from station.adapters.guidance.manuals.readers import Block
from station.domain.manuals import DefectName, ParsedSection

MAX_CHUNK_CHARS = 1200
LONG_LINE_CHARS = 2000  # longer lines are never headings (the longest real heading is well under 200)
HEADING_PROBE_CHARS = 200
_SENTENCE_END_RE = re.compile(r"(?:[.!?。]|다|요|니다|음|함)\s*$")


@dataclass
class _Body:
    lines: list[tuple[str, int | None, str]] = field(default_factory=list)  # (text, page, kind)

    def add(self, block: Block) -> None:
        self.lines.append((block.text, block.page, block.kind))

    def text(self) -> str:
        """The lines, bullets marked, wrapped bullet tails (PDF line breaks) joined to their bullet."""
        joined: list[tuple[str, str]] = []
        for text, _, kind in self.lines:
            if kind == "para" and joined and joined[-1][1] == "bullet" and _continues(text):
                joined[-1] = (f"{joined[-1][0]} {text}", "bullet")
            else:
                joined.append((text, kind))
        return "\n".join(f"• {t}" if k == "bullet" else t for t, k in joined).strip()


@dataclass
class SplitResult:
    sections: list[ParsedSection]
    unlinked_headings: list[str]


class ManualSplitter:
    """One pass over the blocks of one manual. ``defects`` empty -> codes guessed from headings."""

    def __init__(self, defects: Sequence[DefectName], *, title: str, max_chunk_chars: int = MAX_CHUNK_CHARS):
        self._matcher = DefectMatcher(defects)
        self._guess = not defects
        self._title = title
        self._max = max_chunk_chars
        self._sections: list[ParsedSection] = []
        self._unlinked: list[str] = []
        self._unlinked_seen: set[str] = set()
        self._defect: str | None = None
        self._defect_heading = ""
        self._kind = "other"
        self._kind_title = ""
        self._general_title = title
        self._body = _Body()
        self._summary: str | None = None  # title of the summary table we are in
        self._summary_header: list[str] = []
        self._table_rows: list[tuple[str, tuple[str, ...], tuple[str, ...], int | None]] = []
        self._guessed: set[str] = set()  # codes guessed so far (no defect types given)

    def split(self, blocks: Sequence[Block]) -> SplitResult:
        for block in blocks:
            if len(block.text) > LONG_LINE_CHARS and block.kind != "row":
                self._long_line(block)
            elif block.kind == "row":
                self._row(block)
            else:
                self._line(block)
        self._flush()
        self._sections_from_table_columns()
        return SplitResult(self._sections, self._unlinked)

    # Blocks ------------------------------------------------------------------------------
    def _long_line(self, block: Block) -> None:
        """A line too long to be a heading is body text; a long "heading" is judged by its start, and its
        rest is kept as body text (nothing is lost, nothing scanned character by character for minutes)."""
        if block.kind != "heading":
            self._body.add(block)
            return
        self._line(Block(block.text[:HEADING_PROBE_CHARS], block.page, block.kind, block.level))
        self._body.add(Block(block.text[HEADING_PROBE_CHARS:], block.page, "para"))

    def _line(self, block: Block) -> None:
        text = block.text
        if block.kind != "bullet" and is_summary_heading(text):
            self._flush()
            self._enter_summary(display_heading(text))
            return
        match = self._matcher.match(text)
        kind = section_kind_of(text, extra_words=_alias_words(match))
        if kind is not None and block.kind in ("heading", "para", "numbered"):
            if match is not None:
                self._flush()
                self._set_defect(match.code, display_heading(text))
            elif (self._defect is None and not self._defect_heading) \
                    or (kind == "cause" and self._kind in ("cause", "action")) \
                    or (kind == "action" and self._kind == "action"):
                self._start_unlinked_defect()
            self._flush()
            self._summary = None
            self._kind, self._kind_title = kind, display_heading(text)
            return
        if self._summary is not None and block.kind != "heading":
            self._summary_line(block, match)
            return
        if match is not None and _is_defect_heading(block, match):
            self._flush()
            self._summary = None
            self._set_defect(match.code, display_heading(text))
            return
        if block.kind == "heading" or "\u20e3" in text:
            self._flush()
            self._summary = None
            self._defect, self._defect_heading, self._kind, self._kind_title = None, "", "other", ""
            self._general_title = display_heading(text)
            return
        self._body.add(block)

    def _row(self, block: Block) -> None:
        if not block.header:  # a header row starts a table; outside a defect's text it is a summary table
            if self._summary is None and self._defect is None:
                self._flush()
                self._enter_summary(self._general_title)
            self._summary_header = list(block.cells)
            return
        match = self._matcher.match(block.cells[0]) if block.cells else None
        if match is None and self._guess and block.cells and (
                self._summary is not None or _guess_code(block.cells[0]) in self._guessed):
            code = _guess_code(block.cells[0])
            match = DefectMatch(code, 1, 0, (), 0) if code else None
        lines = [f"{h}: {c}" for h, c in zip(block.header[1:], block.cells[1:]) if c]
        if match is None:
            self._body.add(Block("; ".join([block.cells[0], *lines]) if lines else block.text, block.page, "para"))
            return
        self._table_rows.append((match.code, block.header, block.cells, block.page))
        summary = self._summary or self._general_title
        self._emit(match.code, "other", f"{summary} — {display_heading(block.cells[0])}",
                   "\n".join(lines) or block.text, block.page, display_heading(block.cells[0]))

    def _summary_line(self, block: Block, match: DefectMatch | None) -> None:
        first_word = block.text.split(" ", 1)[0]
        if match is None and self._guess and normalize(first_word) in self._guessed:
            match = DefectMatch(normalize(first_word), 1, 0, (), 0)
        if match is not None and match.position == 0 and block.kind in ("para", "numbered"):
            self._flush()
            self._defect, self._kind = match.code, "other"
            self._defect_heading = f"{self._summary} — {display_heading(first_word)}"
            self._kind_title = ""
            header = " ".join(self._summary_header)
            self._body = _Body([(header, block.page, "para")] if header else [])
            self._body.add(block)
        elif self._defect is None:
            self._summary_header.append(block.text)
        else:
            self._body.add(block)

    # State -------------------------------------------------------------------------------
    def _enter_summary(self, title: str) -> None:
        self._summary = title or "Summary"
        self._summary_header = []
        self._defect, self._defect_heading, self._kind, self._kind_title = None, "", "other", ""

    def _set_defect(self, code: str, heading: str) -> None:
        self._defect, self._defect_heading = code, heading
        self._kind, self._kind_title = "other", ""

    def _start_unlinked_defect(self) -> None:
        """``X`` then ``발생 원인`` where X named no known defect: X was a defect heading we can't link
        (reported), or, without the product's defect types, the heading a code is guessed from."""
        if self._body.lines and _heading_like(self._body.lines[-1][0], self._body.lines[-1][2]):
            heading = display_heading(self._body.lines.pop()[0])
            self._flush()  # what came before the heading stays where it was
        elif self._defect is None and self._general_title != self._title:
            heading = self._general_title  # its intro text, still in the body, goes with it
        else:
            return
        self._defect = _guess_code(heading) if self._guess else None
        self._defect_heading = heading
        if self._defect:
            self._guessed.add(self._defect)
        if not self._guess and heading not in self._unlinked_seen:
            self._unlinked_seen.add(heading)
            self._unlinked.append(heading)

    def _flush(self) -> None:
        text = self._body.text()
        if text:
            page = next((p for _, p, _ in self._body.lines if p is not None), None)
            if self._defect_heading and (self._defect is not None or self._kind != "other"):
                title = f"{self._defect_heading} — {self._kind_title}" if self._kind_title else self._defect_heading
            else:
                title = self._kind_title or self._general_title or self._title
            self._emit(self._defect, self._kind, title, text, page, self._defect_heading)
        self._body = _Body()

    def _emit(self, code: str | None, kind: str, title: str, text: str, page: int | None, heading: str) -> None:
        for chunk in _chunks(text, self._max):
            self._sections.append(ParsedSection(code, kind, title[:200], chunk, page, len(self._sections), heading))

    def _sections_from_table_columns(self) -> None:
        """A defect with no cause/action section of its own gets them from its table row's columns."""
        present = {(s.defect_code, s.section_type) for s in self._sections}
        for code, header, cells, page in self._table_rows:
            for kind in ("cause", "action"):
                if (code, kind) in present:
                    continue
                values = [c for h, c in zip(header[1:], cells[1:]) if c and section_kind_of(h) == kind]
                columns = [h for h in header[1:] if section_kind_of(h) == kind]
                if values:
                    self._emit(code, kind, f"{display_heading(cells[0])} — {columns[0]}", "\n".join(values),
                               page, display_heading(cells[0]))


def _alias_words(match: DefectMatch | None) -> list[str]:
    if match is None:
        return []
    return [w for alias in match.aliases for w in words(alias)] + \
        [w + "s" for alias in match.aliases for w in words(alias)] + ["defect", "불량", "결함"]


def _is_defect_heading(block: Block, match: DefectMatch) -> bool:
    text = normalize(block.text)
    if block.kind == "heading" or "\u20e3" in block.text:
        return True
    if block.kind == "bullet":
        return match.extra_words == 0 and len(text) <= 40
    if len(text) > 60 or _SENTENCE_END_RE.search(text):
        return False
    return match.position <= 3 and match.extra_words <= 3


def _heading_like(text: str, kind: str) -> bool:
    norm = normalize(text)
    return kind != "bullet" and 0 < len(norm) <= 60 and not _SENTENCE_END_RE.search(norm) \
        and len(words(norm)) <= 8


def _continues(text: str) -> bool:
    """A wrapped bullet tail: starts in lower case, Hangul or a bracket and is not a heading."""
    first = text[0]
    return (first.islower() or "\uac00" <= first <= "\ud7a3" or first in "(,·") and \
        section_kind_of(text) is None and not is_summary_heading(text)


def _guess_code(heading: str) -> str | None:
    latin = re.match(r"\s*([A-Za-z][A-Za-z0-9 _-]*)", heading)
    if latin:
        return "_".join(latin.group(1).lower().split()).strip("_-") or None
    base = heading.split("(")[0].strip()
    return "".join(base.split()) or None


def _chunks(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    chunks, current = [], ""
    for line in text.split("\n"):
        if len(line) > limit:  # cut in one pass (slicing the rest again and again is quadratic)
            if current:
                chunks.append(current)
                current = ""
            cut = len(line) - len(line) % limit or len(line) - limit
            chunks.extend(line[i:i + limit] for i in range(0, cut, limit))
            line = line[cut:]
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks
