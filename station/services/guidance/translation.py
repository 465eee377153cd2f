"""Manual lines in the worker's language: a Korean manual's lines in English, an English manual's in
Korean, translated one line at a time by the local LLM and checked before a guide uses them.

The model gets the line with the glossary's terms it holds listed before it (``금형 = die (mould)``)
and is held by a grammar to the target script. A translation is kept only when it passes
every check: the target script (no Hangul in English; Latin words in Korean only units or the line's
own), every word a known word (the English word list, the line's own words, the glossary), every
glossary term of the line carried over, every number kept, no dangling end, and not far from the
line in meaning (the multilingual embedder, when installed). A refused translation is tried again, up
to three tries, each told what was refused and what to do instead; when every try fails the line stays
in its own language, marked as untranslated by whoever shows it. Checked translations are kept in a :class:`TranslationStore`, keyed by model,
glossary and line, so a manual is translated once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence

import numpy as np

from station.domain.guidance import Language, LineTranslation, PromptParts
from station.services.guidance.ports import GuideGenerator, Lexicon, TextEmbedder, TranslationStore
from station.services.guidance.terms import TERMS, glossary_lines, missing_terms
from station.services.guidance.text import CJK, FULLWIDTH, HANGUL_RE, LATIN_RE
from station.services.guidance.wording import WordCheck, dangling_end, english_words

log = logging.getLogger(__name__)

MIN_MEANING = 0.3  # cosine of the line and its translation (multilingual embedder) below which it is refused
MAX_LINE_CHARS = 400
ATTEMPTS = 3
SYSTEM = {
    "en": ("You translate lines of a Korean manufacturing manual into plain English for shop-floor workers. "
           "Translate the whole line faithfully and add nothing. Use the English given for the listed terms. "
           "Answer with the English line only.\n"
           "Example:\nTerms (Korean = English): 금형 = die (mould); 재연마 = regrinding (regrind)\n"
           "Korean: 금형 표면 청소 후 재연마\nEnglish: Clean the die surface, then regrind it."),
    "ko": ("제조 매뉴얼의 영어 문장을 현장 작업자가 읽을 자연스러운 한국어로 옮깁니다. 문장 전체를 빠짐없이 옮기고 "
           "덧붙이지 마세요. 주어진 용어는 그 한국어로 옮깁니다. 한국어 문장만 답하세요.\n"
           "예:\n용어 (영어 = 한국어): die = 금형; regrind = 재연마\n"
           "영어: Clean the die surface, then regrind it.\n한국어: 금형 표면을 청소한 후 재연마합니다."),
}
_LABELS = {"en": ("Korean", "English"), "ko": ("영어", "한국어")}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# a number with its unit, and the ways a translation may write each unit
_MEASURE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(°C|℃|°F|%|mm|cm|µm|um|m/min|L/min|l/min|m|MPa|kPa|bar|rpm|Nm|kN|N|kg|g|"
                      r"minutes?|min|seconds?|sec|s|hours?|h|V|A|W|Hz)(?![A-Za-z])")
_UNIT_FORMS = {
    "°c": ("°c", "℃", "degrees c", "degrees celsius", "도"), "℃": ("°c", "℃", "degrees c", "degrees celsius", "도"),
    "%": ("%", "percent", "퍼센트", "프로"), "mm": ("mm", "밀리미터", "밀리"), "cm": ("cm", "센티미터", "센티"),
    "m": ("m", "미터"), "µm": ("µm", "um", "마이크로미터", "미크론"), "um": ("µm", "um", "마이크로미터", "미크론"),
    "m/min": ("m/min", "미터/분", "m/분", "분당"), "l/min": ("l/min", "리터/분", "l/분", "분당"),
    "min": ("min", "minute", "분"), "minute": ("min", "minute", "분"), "minutes": ("min", "minute", "분"),
    "s": ("s", "sec", "second", "초"), "sec": ("s", "sec", "second", "초"), "second": ("s", "sec", "second", "초"),
    "seconds": ("s", "sec", "second", "초"), "h": ("h", "hour", "시간"), "hour": ("h", "hour", "시간"),
    "hours": ("h", "hour", "시간"), "kg": ("kg", "킬로그램", "킬로"), "g": ("g", "그램"),
}
# English words too general to demand a particular Korean rendering
_GENERAL_WORDS = frozenset({"when", "if", "case", "time", "times", "part", "parts", "process", "state", "use",
                            "work", "need", "shift", "check", "area", "portion", "section", "condition"})


def needs_translation(line: str, language: Language) -> bool:
    """True when ``line`` is written in the other language than ``language``."""
    hangul, latin = len(HANGUL_RE.findall(line)), len(LATIN_RE.findall(line))
    if language == "en":
        return hangul > 0 and hangul >= 0.2 * (hangul + latin)
    return latin > 0 and hangul < 0.2 * (hangul + latin)


def glossary_version() -> str:
    return hashlib.sha256(json.dumps(TERMS, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]


def _english_index() -> dict[str, set[str]]:
    """English glossary phrase -> the Korean terms it translates."""
    index: dict[str, set[str]] = {}
    for korean, english in TERMS.items():
        for phrase in english:
            if phrase.lower() not in _GENERAL_WORDS and len(phrase) > 2:
                index.setdefault(phrase.lower(), set()).add(korean)
    return index


@functools.cache
def _english_patterns() -> tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]:
    """Each English glossary phrase (longest first) with its pattern (a word may take a plural or -ed/-ing
    ending) and the Korean terms it translates."""
    out = []
    for phrase, korean in sorted(_english_index().items(), key=lambda kv: len(kv[0]), reverse=True):
        words = phrase.split()
        if words:
            pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) + r"(?:s|es|ed|d|ing)?" for w in words) + r"\b")
            out.append((phrase, pattern, frozenset(korean)))
    return tuple(out)


def english_terms_in(text: str) -> list[tuple[str, frozenset[str]]]:
    """The glossary's English phrases in an English line (longest first, non-overlapping) with their
    Korean terms."""
    lowered = f" {text.lower()} "
    found: list[tuple[str, frozenset[str]]] = []
    for phrase, pattern, korean in _english_patterns():
        match = pattern.search(lowered)
        if match:
            found.append((phrase, korean))
            lowered = lowered[:match.start()] + " " * (match.end() - match.start()) + lowered[match.end():]
    return found


def translation_grammar(language: Language) -> str:
    """One line in the target script: printable ASCII (and ° ± µ ×) for English; for Korean any printable
    character but CJK ideographs, kana and full-width forms."""
    if language == "en":
        return 'root ::= [A-Za-z0-9(±] char{2,240}\nchar ::= [ -~°±µ×]\n'
    return f'root ::= [^ \\x00-\\x1F\\[\\]{CJK}{FULLWIDTH}] char{{2,240}}\nchar ::= [^\\x00-\\x1F{CJK}{FULLWIDTH}]\n'


def _separators(text: str) -> int:
    """Commas and the marks a manual separates listed words with (``마찰·취급``, ``로더/언로더``)."""
    return sum(text.count(mark) for mark in ",、·;/")


def _unit_kept(number: str, unit: str, text: str) -> bool:
    """``number`` is followed in ``text`` by ``unit`` or another way of writing it."""
    forms = _UNIT_FORMS.get(unit.lower(), (unit.lower(),))
    lowered = text.lower()
    for match in re.finditer(re.escape(number) + r"(?!\d)", lowered):
        after = lowered[match.end():match.end() + 24].lstrip()
        if any(after.startswith(form) for form in forms):
            return True
    return False


class TranslationCheck:
    """The checks of one translated line (see the module docstring)."""

    def __init__(self, lexicon: Lexicon | None, embedder: TextEmbedder | None = None) -> None:
        self.lexicon = lexicon
        self.embedder = embedder

    def problems(self, source: str, text: str, language: Language) -> list[str]:
        problems: list[str] = []
        if not text.strip():
            return ["empty translation"]
        if re.search(f"[{CJK}]", text):
            problems.append("mixed script")
        words = WordCheck(self.lexicon, english_words(source))
        if language == "en":
            if HANGUL_RE.search(text):
                problems.append("untranslated Korean")
            missing = missing_terms(source, text)
            if missing:
                problems.append("terms not carried over: " + ", ".join(missing))
            syllables = len(HANGUL_RE.findall(source))
            if len(english_words(text)) < max(1, syllables // 4):
                problems.append("much shorter than the line")
        else:
            if not HANGUL_RE.search(text):
                problems.append("not written in Korean")
            # an English word has many Korean renderings (and one word many senses: a work shift, a
            # misalignment), so up to a third of the terms may be rendered by words the glossary lacks
            found = english_terms_in(source)
            lost = [phrase for phrase, korean in found if not any(k in text for k in korean)]
            if lost and len(lost) * 3 > len(found):
                problems.append("terms not carried over: " + ", ".join(lost))
        if _separators(text) >= _separators(source) + 2:
            problems.append("a list of words, not the line")
        unknown = words.unknown_words(text, language)
        if unknown:
            problems.append("unknown words: " + ", ".join(unknown))
        numbers = [n for n in _NUMBER.findall(source) if n not in _NUMBER.findall(text)]
        if numbers:
            problems.append("numbers not kept: " + ", ".join(numbers))
        units = [f"{number} {unit}" for number, unit in _MEASURE.findall(source) if number not in numbers
                 and not _unit_kept(number, unit, text)]
        if units:
            problems.append("units not kept: " + ", ".join(units))
        end = dangling_end(text, language)
        if end:
            problems.append(f"ends mid-phrase ({end})")
        if self.embedder is not None and not problems and len(source.split()) >= 3:  # (short: too noisy)
            vectors = np.asarray(self.embedder.embed([source, text]), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
            if float(vectors[0] @ vectors[1]) < MIN_MEANING:
                problems.append("far from the line in meaning")
        return problems


class ManualTranslator:
    """Translates manual lines with a local LLM and keeps the checked translations in ``store``."""

    def __init__(self, generator: GuideGenerator, store: TranslationStore | None, lexicon: Lexicon | None,
                 embedder: TextEmbedder | None = None) -> None:
        self.generator = generator
        self.store = store
        self.check = TranslationCheck(lexicon, embedder)
        self._memory: dict[str, LineTranslation] = {}

    def key(self, line: str, language: Language) -> str:
        text = f"{self.generator.model_name}|{glossary_version()}|{language}|{line}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def cached(self, lines: Iterable[str], language: Language) -> dict[str, LineTranslation]:
        """The stored translations of ``lines`` (no model work)."""
        out = {}
        for line in lines:
            key = self.key(line, language)
            found = self._memory.get(key)
            if found is None and self.store is not None:
                data = self.store.get(key)
                if data:
                    found = LineTranslation(data["source"], data["text"], data["language"], bool(data["verified"]),
                                            tuple(data.get("problems") or ()))
                    if found.verified:  # checked again: a stored translation the current checks refuse is not used
                        problems = self.check.problems(line, found.text, language)
                        if problems:
                            found = LineTranslation(line, line, language, False, tuple(problems))
                    self._memory[key] = found
            if found is not None:
                out[line] = found
        return out

    def translate(self, lines: Sequence[str], language: Language) -> dict[str, LineTranslation]:
        """Each line in ``language``: stored ones read back, the others translated, checked and stored."""
        wanted = list(dict.fromkeys(line for line in lines if needs_translation(line, language)))
        out = self.cached(wanted, language)
        fresh: dict[str, dict] = {}
        for line in wanted:
            if line in out:
                continue
            result = self._translate_line(line, language)
            out[line] = result
            key = self.key(line, language)
            self._memory[key] = result
            fresh[key] = result.as_dict()
        if fresh and self.store is not None:
            try:
                self.store.put(fresh)
            except OSError as exc:
                log.warning("translations not stored: %s", exc)
        return out

    def _translate_line(self, line: str, language: Language) -> LineTranslation:
        if len(line) > MAX_LINE_CHARS:
            return LineTranslation(line, line, language, False, ("line too long to translate",))
        source_label, target_label = _LABELS[language]
        terms = (glossary_lines([line]) if language == "en"
                 else [f"{phrase} = {sorted(korean, key=len)[0]}" for phrase, korean in english_terms_in(line)])
        heading = "Terms (Korean = English): " if language == "en" else "용어 (영어 = 한국어): "
        listed = f"{heading}{'; '.join(terms)}\n" if terms else ""
        problems: list[str] = []
        refused: list[str] = []
        for _ in range(ATTEMPTS):
            note = retry_note(line, refused, problems, language) if problems else ""
            prompt = PromptParts(system=SYSTEM[language], stable="",
                                 variable=f"{note}{listed}{source_label}: {line}\n{target_label}:",
                                 grammar=translation_grammar(language))
            generation = self.generator.generate(prompt, max_tokens=min(200, 24 + 2 * len(line)))
            text = " ".join(generation.text.split())
            problems = self.check.problems(line, text, language)
            if not problems:
                return LineTranslation(line, text, language, True)
            refused.append(text)
        return LineTranslation(line, line, language, False, tuple(problems))


def retry_note(line: str, refused: Sequence[str], problems: Sequence[str], language: Language) -> str:
    """What the next try is told: the refused answers and, per problem, what to do instead."""
    asks = []
    for problem in problems:
        detail = problem.split(":", 1)[1].strip() if ":" in problem else ""
        if problem.startswith("terms not carried over"):
            wanted = [entry for entry in (glossary_lines([term])[0] for term in detail.split(", ")
                                          if glossary_lines([term]))] if language == "en" else [detail]
            asks.append(("Translate these terms with the given English: " if language == "en" else
                         "이 용어를 옮기세요: ") + "; ".join(wanted or [detail]))
        elif problem.startswith("a list of words"):
            asks.append("Write one sentence, not a list of words." if language == "en"
                        else "단어 나열이 아니라 한 문장으로 쓰세요.")
        elif problem.startswith("unknown words"):
            asks.append(f"Do not use these words: {detail}." if language == "en" else f"이 단어는 쓰지 마세요: {detail}.")
        elif problem.startswith(("numbers not kept", "units not kept")):
            asks.append(f"Keep these numbers and units: {detail}." if language == "en"
                        else f"이 숫자와 단위를 그대로 쓰세요: {detail}.")
        elif problem.startswith("ends mid-phrase"):
            asks.append("Finish the sentence." if language == "en" else "문장을 끝까지 쓰세요.")
        else:
            asks.append(problem)
    wrong = "; ".join(f'"{text}"' for text in refused[-2:])
    if language == "en":
        return f"(Refused translations: {wrong}. {' '.join(asks)})\n"
    return f"(거부된 번역: {wrong}. {' '.join(asks)})\n"
