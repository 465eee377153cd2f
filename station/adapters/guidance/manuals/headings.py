"""Recognises the headings of a repair manual, however they are written.

* section headings: ``발생 원인`` / ``원인`` / ``Cause`` -> cause, ``조치 가이드`` / ``대책`` / ``Corrective
  action`` -> action (also combined with a defect name: ``Hole - Cause``);
* defect headings: ``1️⃣ hole (기공)``, ``2️⃣ burr (날개 버, 얇은 돌출)``, ``Metal Contamination Defect
  (금속 이물 오염 불량)`` — linked to the product's defect types by code, English or Korean name;
* summary-table headings: ``📘 요약 매핑 테이블``, ``Summary``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from station.domain.manuals import DefectName

_PREFIX_RE = re.compile(r"^(?:#{1,6}\s*|\d{1,2}\s*[.):]\s*|\d\s+(?=\D)|[①-⑳]\s*|step\s*\d+\s*[.:)]?\s*|제\s*\d+\s*[장절]\s*)")
_WORD_RE = re.compile(r"[a-z]+|[\uac00-\ud7a3]+|\d+")

CAUSE_CORE = {"원인", "발생원인", "원인분석", "cause", "causes", "reason", "reasons", "why"}
ACTION_CORE = {"조치", "조치가이드", "조치방법", "대책", "개선대책", "대응", "처리", "해결", "해결방법",
               "action", "actions", "countermeasure", "countermeasures", "remedy", "remedies",
               "solution", "solutions", "fix", "fixes", "corrective"}
SECTION_FILLER = {"발생", "추정", "주요", "근본", "가이드", "방법", "현장", "및", "의", "사항", "분석", "개선",
                  "root", "possible", "probable", "likely", "main", "and", "the", "of", "guide", "measures",
                  "measure", "it", "happens", "to", "take", "what", "do", "steps", "recommended", "field"}
SUMMARY_WORDS = {"요약", "매핑", "테이블", "표", "정리", "총괄", "summary", "overview", "table", "mapping",
                 "quick", "reference", "cheat", "sheet"}
SUMMARY_CORE = {"요약", "summary", "overview", "매핑"}
DEFECT_FILLER = {"defect", "defects", "불량", "결함", "type", "유형", "class", "and", "및"}


_DROPPED_CATEGORIES = ("So", "Sk", "Cf", "Mn", "Me", "Co")
_ASCII_SYMBOLS = str.maketrans({"^": " ", "`": " "})  # the only ASCII characters in those categories
_ASCII_SYMBOLS_DROPPED = str.maketrans({"^": None, "`": None})


@lru_cache(maxsize=4096)  # the splitter asks several questions about the same line
def normalize(text: str) -> str:
    """Lower case, NFKC, without emoji/symbols, numbering and markdown markers."""
    if text.isascii():
        text = text.translate(_ASCII_SYMBOLS)
    else:
        text = unicodedata.normalize("NFKC", text)
        text = "".join(" " if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in text)
    text = " ".join(text.split()).strip().lower()
    text = _PREFIX_RE.sub("", text).strip()
    return text.strip(" :：-–—*_#")


def display_heading(text: str) -> str:
    """The heading as a person reads it, without emoji and keycap numbers."""
    if text.isascii():
        text = text.translate(_ASCII_SYMBOLS_DROPPED)
    else:
        text = unicodedata.normalize("NFKC", text)
        text = "".join("" if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in text)
    text = re.sub(r"^\s*\d(?=\s)", "", text)  # a keycap digit left after its emoji marks were dropped
    text = re.sub(r"^\s*(?:\d{1,2}[.)]|[①-⑳])\s+", "", text)  # "1. hole (기공)" -> "hole (기공)"
    return " ".join(text.split()).strip(" :：#*_")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(normalize(text))


def section_kind_of(text: str, extra_words: Sequence[str] = ()) -> str | None:
    """``cause`` / ``action`` when the line is (only) a section heading; ``extra_words`` are allowed too
    (the defect's names, for ``Hole - Cause``)."""
    tokens = words(text)
    if not tokens or len(tokens) > 8 or len(normalize(text)) > 40:
        return None
    allowed = CAUSE_CORE | ACTION_CORE | SECTION_FILLER | set(extra_words)
    if any(t not in allowed for t in tokens):
        return None
    has_cause = any(t in CAUSE_CORE for t in tokens)
    has_action = any(t in ACTION_CORE for t in tokens)
    if has_cause and not has_action:
        return "cause"
    if has_action and not has_cause:
        return "action"
    return None


def is_summary_heading(text: str) -> bool:
    tokens = words(text)
    return bool(tokens) and len(tokens) <= 6 and all(t in SUMMARY_WORDS for t in tokens) \
        and any(t in SUMMARY_CORE for t in tokens)


@dataclass(frozen=True)
class DefectMatch:
    code: str
    score: int
    position: int  # index of the first matched character in the normalized line
    aliases: tuple[str, ...]  # normalized aliases found in the line
    extra_words: int  # words outside parentheses that are not names, fillers or punctuation


class DefectMatcher:
    """Finds which of a product's defect types a line names (by code, English or Korean name)."""

    def __init__(self, defects: Sequence[DefectName]) -> None:
        self._aliases: list[tuple[str, str, int]] = []  # (code, alias, strength)
        for defect in defects:
            for alias, strength in _aliases_of(defect):
                self._aliases.append((defect.code, alias, strength))
        self._aliases.sort(key=lambda a: -len(a[1]))
        self.codes = [d.code for d in defects]

    def match(self, text: str) -> DefectMatch | None:
        line = normalize(text)
        if not line or not self._aliases:
            return None
        compact, index_map = _compact(line)
        found: dict[str, list[tuple[int, int, str]]] = {}
        for code, alias, strength in self._aliases:
            pos = _find_alias(line, compact, index_map, alias)
            if pos is not None:
                found.setdefault(code, []).append((strength, pos, alias))
        if not found:
            return None
        ranked = sorted(
            ((code, max(h[0] for h in hits) + len(hits) - 1, min(h[1] for h in hits), hits)
             for code, hits in found.items()),
            key=lambda r: (-r[1], r[2]))
        code, score, position, hits = ranked[0]
        aliases = tuple(h[2] for h in hits)
        return DefectMatch(code, score, position, aliases, _extra_words(line, aliases))


def _aliases_of(defect: DefectName) -> list[tuple[str, int]]:
    aliases: list[tuple[str, int]] = []
    latin = {defect.code, defect.name_en or ""}
    for name in latin:
        norm = normalize(name.replace("_", " ").replace("-", " "))
        if len(norm) >= 2:
            aliases.append((norm, 3))
    korean = [defect.name_ko or "", getattr(defect, "full_name_ko", None) or ""]
    for name in korean:
        norm = normalize(name)
        if len(norm.replace(" ", "")) >= 2:
            aliases.append((norm, 3))
        for part in re.split(r"[/·,()\[\]]", norm):
            part = part.strip()
            if len(part.replace(" ", "")) >= 2 and part != norm:
                aliases.append((part, 2))
    seen: set[str] = set()
    return [(a, s) for a, s in aliases if not (a in seen or seen.add(a))]


def _compact(line: str) -> tuple[str, list[int]]:
    chars, index = [], []
    for i, ch in enumerate(line):
        if not ch.isspace():
            chars.append(ch)
            index.append(i)
    return "".join(chars), index


def _find_alias(line: str, compact: str, index_map: list[int], alias: str) -> int | None:
    if alias.isascii():
        # whole words, allowing a plural "s"/"es": "hole", "holes", "scratches"
        match = re.search(rf"(?<![a-z]){re.escape(alias)}(?:e?s)?(?![a-z])", line)
        return match.start() if match else None
    pos = compact.find(alias.replace(" ", ""))  # Korean: spacing varies ("날개 버" / "날개버")
    return index_map[pos] if pos >= 0 else None


def _extra_words(line: str, aliases: tuple[str, ...]) -> int:
    outside = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", line)
    for alias in sorted(aliases, key=len, reverse=True):
        if alias.isascii():
            outside = re.sub(rf"(?<![a-z]){re.escape(alias)}(?:e?s)?(?![a-z])", " ", outside)
        else:
            outside = outside.replace(alias, " ").replace(alias.replace(" ", ""), " ")
    tokens = _WORD_RE.findall(outside)
    return sum(1 for t in tokens if t not in DEFECT_FILLER and not t.isdigit())
