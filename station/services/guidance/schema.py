"""The guide structure the model fills (status, causes, actions, prevention; each item a short text and
the excerpt numbers it rests on): the llama.cpp grammar (GBNF) that enforces it while decoding, with the
citation numbers limited to the excerpts actually given (per section), a reader for the model's JSON
that also works on a truncated answer and turns it into Markdown as the tokens come, and the Markdown
rendering of a finished structure.

The grammar also keeps the item texts in the requested script: no CJK ideographs or kana in either
language (garbled words such as ``과程`` cannot be decoded), and no Hangul in an English guide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from station.domain.guidance import GUIDE_SECTIONS, SECTION_HEADINGS, GuideItem, Language, StructuredGuide

# (min, max) items per section; the targets of a guide for a known defect are >= 1 cause, >= 2 actions
ITEM_COUNTS: dict[str, tuple[int, int]] = {"status": (1, 2), "cause": (1, 3), "action": (2, 3),
                                           "prevention": (1, 2)}
TEXT_CHARS = (6, 120)
MANUAL_MARK = "※ "  # (a glyph every bundled font draws) an item that is the manual's own sentence (filled in or replacing the model's)
_ITEM_RE = re.compile(r"^\s*[-*]\s+(?P<text>.*?)\s*(?P<refs>(?:\[\d{1,2}\]\s*)*)$")
_FOREIGN = r"\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFF60"
_HANGUL = r"\u1100-\u11FF\u3130-\u318F\uAC00-\uD7A3"


def _alternatives(refs: Iterable[int]) -> str:
    return " | ".join(f'"{n}"' for n in sorted(set(refs)))


STRUCTURE_OPENING = '{"status": [{"text": "'  # the answer's start when the station opens the first status item


def guide_grammar(language: Language, refs_by_section: dict[str, Sequence[int]], *,
                  status_opened: int | None = None) -> str:
    """GBNF for the guide JSON. ``refs_by_section[key]`` are the excerpt numbers items of that section
    may cite; cause and action items must cite at least one when there are any, status and prevention
    items may cite none. ``status_opened``: the answer already holds :data:`STRUCTURE_OPENING` and that
    many characters of the first status item's text (written by the station); the grammar continues
    from there."""
    excluded = _FOREIGN + (_HANGUL if language == "en" else "")
    sections = [f'"\\"{key}\\":" ws {key}-list' for key in GUIDE_SECTIONS]
    if status_opened is None:
        root = 'root ::= "{" ws ' + ' "," ws '.join(sections) + ' ws "}"'
    else:
        high = ITEM_COUNTS["status"][1]
        fewest, most = max(0, TEXT_CHARS[0] - status_opened), max(0, TEXT_CHARS[1] - status_opened)
        root = (f'root ::= status-opened ("," ws status-item){{0,{high - 1}}} ws "]" "," ws '
                + ' "," ws '.join(sections[1:]) + ' ws "}"\n'
                f'status-opened ::= char{{{fewest},{most}}} "\\"" "," ws "\\"refs\\":" ws "[" "]" ws "}}"')
    rules = [
        root,
        f'text ::= "\\"" char{{{TEXT_CHARS[0]},{TEXT_CHARS[1]}}} "\\""',
        f'char ::= [^"\\\\\\x00-\\x1F\\[\\]{excluded}] | "\\\\" ["\\\\/nt]',
        "ws ::= [ \\n]{0,3}",
    ]
    for key in GUIDE_SECTIONS:
        low, high = ITEM_COUNTS[key]
        more = f'("," ws {key}-item){{{low - 1},{high - 1}}}'
        rules.append(f'{key}-list ::= "[" ws {key}-item {more} ws "]"')
        refs = list(refs_by_section.get(key) or ())
        if not refs:
            ref_list = '"[" "]"'
        elif key in ("cause", "action"):
            rules.append(f"{key}-ref ::= {_alternatives(refs)}")
            ref_list = f'"[" {key}-ref ("," ws {key}-ref)? "]"'
        else:
            rules.append(f"{key}-ref ::= {_alternatives(refs)}")
            ref_list = f'"[" ({key}-ref ("," ws {key}-ref)?)? "]"'
        rules.append(f'{key}-item ::= "{{" ws "\\"text\\":" ws text "," ws "\\"refs\\":" ws {ref_list} ws "}}"')
    return "\n".join(rules) + "\n"


def render_markdown(guide: StructuredGuide, language: Language) -> str:
    """The four sections under their headings, one ``- text [n]`` line per item."""
    headings = SECTION_HEADINGS[language]
    blocks = []
    for key in GUIDE_SECTIONS:
        lines = [f"## {headings[key]}"]
        lines += [f"- {MANUAL_MARK if item.origin == 'manual' else ''}{item.text}{_cite(item.refs)}"
                  for item in guide.section(key)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _cite(refs: Sequence[int]) -> str:
    return (" " + "".join(f"[{n}]" for n in refs)) if refs else ""


def markdown_structure(markdown: str) -> StructuredGuide:
    """The structure of a Markdown guide in the four-heading form (the template guide's): ``- text [n]``."""
    from station.services.guidance.quality import split_guide_sections

    sections = split_guide_sections(markdown)
    out = {}
    for key in GUIDE_SECTIONS:
        items = []
        for line in sections.get(key, "").splitlines():
            match = _ITEM_RE.match(line)
            if match and match.group("text").strip():
                refs = tuple(int(n) for n in re.findall(r"\d+", match.group("refs")))
                items.append(GuideItem(match.group("text").strip(), refs, origin="manual" if refs else "station"))
        out[key] = tuple(items)
    return StructuredGuide(**out)


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
        self._headings = SECTION_HEADINGS[language]
        self._stack: list[list] = []  # [kind, key-or-index]; kind "obj" / "arr"
        self._expect_key = False
        self._in_string = False
        self._string_is_key = False
        self._escape = ""
        self._buffer: list[str] = []
        self._number = ""
        self._sections: dict[str, list[dict]] = {}
        self._current: dict | None = None
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
            out.append(f"## {self._headings[path[0]]}")
            self._sections.setdefault(path[0], [])
        if kind == "obj" and len(path) == 2 and path[0] in self._sections:
            self._current = {"text": "", "refs": []}
            self._sections[path[0]].append(self._current)
            out.append("\n")
        self._stack.append([kind, 0 if kind == "arr" else None])
        self._expect_key = kind == "obj"

    def _close(self, out: list[str]) -> None:
        if not self._stack:
            return
        path = self._path()
        if len(path) == 4 and path[2] == "refs" and self._current is not None:
            out.append(_cite(tuple(dict.fromkeys(self._current["refs"]))))  # [1, 1] cites [1] once, as parsed
        self._stack.pop()
        if len(self._path()) == 2:
            self._current = None
        self._expect_key = False

    def _end_number(self) -> None:
        path = self._path()
        if len(path) == 4 and path[2] == "refs" and self._current is not None:
            self._current["refs"].append(int(self._number))
        self._number = ""

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
