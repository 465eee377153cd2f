"""Word-level checks of a guide item or a translated manual line, in the words a worker reads.

* English: every word is in the English word list (``Lexicon``), or is a word of the manual, of the
  glossary or of the product's names; ``molot`` or ``signs ofZ`` is refused, a real word used wrongly is
  left to the support and glossary checks.
* Korean: a Latin word is a unit or one of the manual's own words (``TiN``, ``De-gassing``).
* Either: no dangling end (``..., or``, ``및``), no empty item; an English item starts a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from station.domain.guidance import Language
from station.services.guidance.ports import Lexicon
from station.services.guidance.terms import english_terms
from station.services.guidance.text import HANGUL_RE, LATIN_RE

ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
UNITS = frozenset({
    "mm", "cm", "m", "um", "nm", "km", "in", "ft", "kg", "g", "mg", "t", "n", "kn", "nm", "pa", "kpa", "mpa", "gpa",
    "bar", "psi", "rpm", "s", "sec", "ms", "min", "h", "hr", "hz", "khz", "mhz", "v", "kv", "mv", "a", "ma", "w",
    "kw", "c", "f", "k", "ppm", "l", "ml", "lux", "lx", "db", "x", "ra", "rz", "hv", "hrc", "hb", "ph", "ea", "pcs",
    "px",
})
_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s", "ly")
_DANGLING_EN = frozenset({
    "and", "or", "nor", "but", "of", "the", "a", "an", "to", "with", "for", "in", "on", "by", "from", "at", "as",
    "into", "onto", "via", "per", "than", "that", "which", "who", "whose", "while", "after", "before", "during",
    "if", "when", "because", "due", "including", "such", "is", "are", "be", "using", "its", "their", "your",
})
_DANGLING_KO_WORDS = frozenset({"또는", "및", "그리고", "혹은", "등의", "위해", "인해", "따라", "의해", "대한", "통해"})
_DANGLING_KO_ENDINGS = ("거나", "하고", "하며", "하여", "해서", "에서", "으로", "를", "을", "와", "및")
_KO_NOUNS_ENDING_LIKE_PARTICLES = frozenset({"마을", "주의", "회의", "정의", "문의", "합의"})
_OPENERS = "([{"
_CLOSERS = ")]}"


def english_words(text: str) -> list[str]:
    """The English words of ``text`` (``De-gassing`` gives ``De`` and ``gassing``)."""
    return ENGLISH_WORD.findall(text)


def manual_words(texts: Iterable[str]) -> frozenset[str]:
    """The Latin words of the manual's text, lower-cased: words a guide may use though no list has them."""
    return frozenset(w.lower() for text in texts for w in ENGLISH_WORD.findall(text))


class WordCheck:
    """Checks items of one guide: ``allowed`` words (the manual's, the product's names) pass as known in
    either language; the glossary's English words too in an English item."""

    def __init__(self, lexicon: Lexicon | None, allowed: Iterable[str] = ()) -> None:
        self.lexicon = lexicon
        self.allowed = frozenset(w.lower() for w in allowed)
        self.english = self.allowed | english_terms()
        self._english_stems = frozenset(stem for w in self.english for stem in _stems(w))

    def unknown_words(self, text: str, language: Language) -> list[str]:
        """Words that are neither in the word list nor allowed: English words of an English item (none
        without a word list), Latin words of a Korean item that are neither units nor the manual's own."""
        found: list[str] = []
        allowed = self.english if language == "en" else self.allowed
        for word in english_words(text):
            lowered = word.lower()
            if lowered in allowed or lowered in found:
                continue
            if lowered in UNITS:
                continue
            if language == "ko":
                found.append(word)
            elif self.lexicon is not None and not self._known_english(lowered):
                found.append(word)
        return found

    def _known_english(self, word: str) -> bool:
        """In the word list, or an inflection (``demoulded``) of a known or allowed word."""
        assert self.lexicon is not None
        if self.lexicon.known(word):
            return True
        if word.endswith("'s") and self.lexicon.known(word[:-2]):
            return True
        return any(stem in self._english_stems or self.lexicon.known(stem) for stem in _stems(word) if stem != word)


def _stems(word: str) -> set[str]:
    """The word and its bare forms without an inflection ending (``demoulded`` -> ``demould``, ``demoulde``)."""
    out = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            out |= {base, base + "e", base + "y"}
            if len(base) > 3 and base[-1] == base[-2]:  # stopped -> stop
                out.add(base[:-1])
    return out


def dangling_end(text: str, language: Language) -> str | None:
    """How ``text`` stops mid-phrase (its last word or mark), or None when it ends as a phrase can."""
    stripped = text.strip()
    if not stripped:
        return "(empty)"
    if stripped[-1] in ",;:-/&(":
        return stripped[-1]
    if sum(stripped.count(c) for c in _OPENERS) > sum(stripped.count(c) for c in _CLOSERS):
        return "("
    words = stripped.rstrip(".!?").split()
    if not words:
        return "(empty)"
    last = words[-1]
    if language == "en" or not HANGUL_RE.search(last):
        word = re.sub(r"[^A-Za-z']", "", last).lower()
        return last if word in _DANGLING_EN else None
    bare = re.sub(r"[^\uAC00-\uD7A3]", "", last)
    if bare in _DANGLING_KO_WORDS:
        return last
    if bare in _KO_NOUNS_ENDING_LIKE_PARTICLES or len(bare) < 2:
        return None
    return last if bare.endswith(_DANGLING_KO_ENDINGS) else None


def starts_mid_sentence(text: str, language: Language) -> bool:
    """An English item that begins with a lower-case word (the rest of a sentence cut into two items,
    ``regrind it if necessary.``); Korean has no such mark."""
    stripped = text.lstrip(" \"'(")
    return language == "en" and bool(stripped) and stripped[0].islower()


def says_nothing(text: str) -> bool:
    """An item without a letter of either script (an empty bullet, only marks or numbers)."""
    return not (HANGUL_RE.search(text) or LATIN_RE.search(text))
