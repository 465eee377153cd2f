"""The model's guide JSON read back: whole (``parse_guide``, which also takes a truncated or slightly
malformed answer), or character by character as the tokens arrive (``GuideStreamReader``: each item
as soon as its object closes, and the text of the item being written)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from station.domain.guidance import GUIDE_SECTIONS, GuideItem, Language, StructuredGuide
from station.services.guidance.markdown import section_heading
from station.services.guidance.text import cite


def parse_guide(raw: str) -> StructuredGuide:
    """The structure in the model's JSON; a truncated or slightly malformed answer gives what it holds."""
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return StructuredGuide(**{key: tuple(_items(data.get(key))) for key in GUIDE_SECTIONS})
    reader = GuideStreamReader("en")
    reader.feed(raw)
    return reader.structure()


def _items(value: object) -> Iterable[GuideItem]:
    for entry in value if isinstance(value, list) else ():
        if not isinstance(entry, dict):
            continue
        text = entry.get("text")
        refs = entry.get("refs") or []
        if isinstance(text, str) and text.strip():
            yield GuideItem(text.strip(), tuple(dict.fromkeys(int(r) for r in refs if isinstance(r, int)
                                                             and not isinstance(r, bool))))


class GuideStreamReader:
    """Reads the guide JSON character by character (as the tokens arrive) and writes the Markdown that
    ``render_markdown`` would write for what has been read so far: ``feed`` returns the new Markdown."""

    def __init__(self, language: Language) -> None:
        self._language = language
        self._stack: list[list] = []  # [kind, key-or-index]; kind "obj" / "arr"
        self._expect_key = False
        self._in_string = False
        self._string_is_key = False
        self._escape = ""
        self._buffer: list[str] = []
        self._number = ""
        self._sections: dict[str, list[dict]] = {}
        self._current: dict | None = None
        self._current_section: str | None = None
        self._completed: list[tuple[str, GuideItem]] = []
        self._started_sections = 0

    # The path of the value being read: (section, item index, field)
    def _path(self) -> tuple:
        return tuple(frame[1] for frame in self._stack)

    def feed(self, chunk: str) -> str:
        out: list[str] = []
        for ch in chunk:
            self._char(ch, out)
        return "".join(out)

    def _char(self, ch: str, out: list[str]) -> None:
        if self._in_string:
            self._string_char(ch, out)
            return
        if self._number and not (ch.isdigit()):
            self._end_number()
        if ch == '"':
            self._in_string = True
            self._string_is_key = bool(self._stack) and self._stack[-1][0] == "obj" and self._expect_key
            self._buffer = []
            path = self._path()
            if not self._string_is_key and len(path) == 3 and path[2] == "text" and self._current is not None:
                out.append("- ")
        elif ch == "{":
            self._open("obj", out)
        elif ch == "[":
            self._open("arr", out)
        elif ch in "}]":
            self._close(out)
        elif ch == ":":
            self._expect_key = False
        elif ch == ",":
            if self._stack and self._stack[-1][0] == "arr" and isinstance(self._stack[-1][1], int):
                self._stack[-1][1] += 1
            elif self._stack and self._stack[-1][0] == "obj":
                self._expect_key = True
        elif ch.isdigit():
            self._number += ch

    def _string_char(self, ch: str, out: list[str]) -> None:
        if self._escape:
            self._escape += ch
            if self._escape.startswith("\\u") and len(self._escape) < 6:
                return
            decoded = _unescape(self._escape)
            self._escape = ""
            self._string_piece(decoded, out)
            return
        if ch == "\\":
            self._escape = ch
            return
        if ch == '"':
            self._in_string = False
            text = "".join(self._buffer)
            if self._string_is_key:
                self._stack[-1][1] = text
            else:
                path = self._path()
                if len(path) == 3 and path[2] == "text" and self._current is not None:
                    self._current["text"] = text
            return
        self._string_piece(ch, out)

    def _string_piece(self, text: str, out: list[str]) -> None:
        self._buffer.append(text)
        path = self._path()
        if not self._string_is_key and len(path) == 3 and path[2] == "text" and self._current is not None:
            out.append(text.replace("\n", " "))

    def _open(self, kind: str, out: list[str]) -> None:
        path = self._path()
        if kind == "arr" and len(path) == 1 and path[0] in GUIDE_SECTIONS:
            if self._started_sections:
                out.append("\n\n")
            self._started_sections += 1
            out.append(section_heading(path[0], self._language))
            self._sections.setdefault(path[0], [])
        if kind == "obj" and len(path) == 2 and path[0] in self._sections:
            self._current = {"text": "", "refs": []}
            self._current_section = path[0]
            self._sections[path[0]].append(self._current)
            out.append("\n")
        self._stack.append([kind, 0 if kind == "arr" else None])
        self._expect_key = kind == "obj"

    def _close(self, out: list[str]) -> None:
        if not self._stack:
            return
        path = self._path()
        if len(path) == 4 and path[2] == "refs" and self._current is not None:
            out.append(cite(tuple(dict.fromkeys(self._current["refs"]))))  # [1, 1] cites [1] once, as parsed
        self._stack.pop()
        if len(self._path()) == 2:
            if self._current is not None and self._current_section is not None:
                self._completed.append((self._current_section, GuideItem(
                    self._current["text"].strip(), tuple(dict.fromkeys(self._current["refs"])))))
            self._current = None
        self._expect_key = False

    def _end_number(self) -> None:
        path = self._path()
        if len(path) == 4 and path[2] == "refs" and self._current is not None:
            self._current["refs"].append(int(self._number))
        self._number = ""

    def take_completed(self) -> list[tuple[str, GuideItem]]:
        """The items whose object closed since the last call, as (section, item), in order."""
        done, self._completed = self._completed, []
        return done

    def pending(self) -> tuple[str, str] | None:
        """(section, text so far) of the item being written, None between items."""
        if self._current is None or self._current_section is None:
            return None
        text = self._current["text"] or ("".join(self._buffer) if self._in_string and not self._string_is_key
                                         and self._path()[-1:] == ("text",) else "")
        return self._current_section, text

    def structure(self) -> StructuredGuide:
        sections = {}
        for key in GUIDE_SECTIONS:
            items = []
            for entry in self._sections.get(key, []):
                text = (entry["text"] or "".join(self._buffer) if entry is self._current else entry["text"]).strip()
                if text:
                    items.append(GuideItem(text, tuple(dict.fromkeys(entry["refs"]))))
            sections[key] = tuple(items)
        return StructuredGuide(**sections)


def _unescape(sequence: str) -> str:
    try:
        return json.loads(f'"{sequence}"')
    except ValueError:
        return ""
