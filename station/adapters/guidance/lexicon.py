"""The English word list the guide checks read: the frequency dictionary of ``pyspellchecker`` (a pinned
package; about 160,000 words with their inflected forms), loaded once on first use.

British spellings are accepted through their American form (``mould`` -> ``mold``, ``colour`` ->
``color``, ``organise`` -> ``organize``), since the list is American. Without the package
:func:`load_lexicon` returns None and the station says the word check is off.
"""

from __future__ import annotations

import importlib.util
import re
import threading

_BRITISH = ((re.compile(r"ould"), "old"), (re.compile(r"our(s?|ed|ing)$"), r"or\1"),
            (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"), (re.compile(r"tre(s?)$"), r"ter\1"),
            (re.compile(r"ll(ed|ing|er)$"), r"l\1"), (re.compile(r"ae"), "e"), (re.compile(r"oe"), "e"),
            (re.compile(r"yse(s|d)?$"), r"yze\1"), (re.compile(r"ogue$"), "og"), (re.compile(r"ence$"), "ense"))


class SpellcheckerLexicon:
    """``known(word)``: the lower-cased word (or its American spelling) is in the English word list."""

    name = "pyspellchecker-en"

    def __init__(self) -> None:
        self._words: frozenset[str] | None = None
        self._lock = threading.Lock()

    def _list(self) -> frozenset[str]:
        with self._lock:
            if self._words is None:
                from spellchecker import SpellChecker

                self._words = frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)
            return self._words

    def known(self, word: str) -> bool:
        words = self._list()
        lowered = word.lower()
        if lowered in words:
            return True
        for pattern, american in _BRITISH:
            changed = pattern.sub(american, lowered)
            if changed != lowered and changed in words:
                return True
        return False


def load_lexicon() -> SpellcheckerLexicon | None:
    """The station's English word list, or None when ``pyspellchecker`` is not installed."""
    if importlib.util.find_spec("spellchecker") is None:
        return None
    return SpellcheckerLexicon()
