"""Text helpers shared by the guidance modules: the character ranges of the scripts (for the guide grammar
and the checks), the sentences of a manual excerpt, the values and column kinds of a summary-table row,
citation marks (``[n]``), the text of a manual section as it is embedded and indexed, and the character
n-grams that lexical retrieval and verification compare.

The ranges are written as regular-expression / GBNF character-class bodies (``\\uXXXX`` escapes), so the
grammar and the compiled patterns below use the very same sets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from station.domain.manuals import ParsedSection, StoredSection

# Hangul: jamo, compatibility jamo and syllables
HANGUL = r"\u1100-\u11FF\u3130-\u318F\uAC00-\uD7A3"
HANGUL_SYLLABLES = r"\uAC00-\uD7A3"
# kana and CJK ideographs: never part of a Korean or English guide's words (garbled words such as ``과程``)
CJK = r"\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF"
FULLWIDTH = r"\uFF00-\uFF60"

HANGUL_RE = re.compile(f"[{HANGUL}]")
HANGUL_SYLLABLE_RE = re.compile(f"[{HANGUL_SYLLABLES}]")
CJK_RE = re.compile(f"[{CJK}]")
LATIN_RE = re.compile(r"[A-Za-z]")

CITATION_RE = re.compile(r"\[(\d{1,2})\]")
_ROW_VALUE_SEPARATOR = re.compile(r"[,;]")
_NOT_WORD_CHAR = re.compile(rf"[^0-9a-z{HANGUL_SYLLABLES}\u3131-\u318e]+")


def excerpt_lines(text: str) -> list[str]:
    """The sentences of an excerpt, one per line, without bullets."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("•-*·").strip()
        if line:
            lines.append(line)
    return lines


def row_values(value: str) -> list[str]:
    """The values of one column of a summary-table row (``가스 포획, 수축`` -> two values)."""
    return [v.strip() for v in _ROW_VALUE_SEPARATOR.split(value) if v.strip()]


def column_kind(label: str) -> str | None:
    """'cause' or 'action' for a summary-table column label (Korean or English), else None."""
    text = label.lower()
    if "원인" in text or "cause" in text:
        return "cause"
    if "조치" in text or "대책" in text or "action" in text:
        return "action"
    return None


def cite(refs: Sequence[int]) -> str:
    """The citation marks that end a guide line: `` [1][3]``, nothing without refs."""
    return (" " + "".join(f"[{n}]" for n in refs)) if refs else ""


def citation_numbers(text: str) -> list[int]:
    """The excerpt numbers cited in ``text``, in order, repeats kept."""
    return [int(n) for n in CITATION_RE.findall(text)]


def section_text(section: ParsedSection | StoredSection) -> str:
    """A manual section as it is embedded and lexically indexed: its title, then its text."""
    return f"{section.title}\n{section.text}"


def char_ngrams(text: str, sizes: tuple[int, ...] = (2, 3)) -> Counter[str]:
    """Character n-grams within words (lower case, punctuation dropped), plus whole Latin words."""
    grams: Counter[str] = Counter()
    for word in _NOT_WORD_CHAR.sub(" ", text.lower()).split():
        if word.isascii() and len(word) > 1:
            grams[f"w:{word}"] += 1
        padded = f" {word} "
        for n in sizes:
            for i in range(len(padded) - n + 1):
                gram = padded[i:i + n]
                if gram.strip():
                    grams[gram] += 1
    return grams
