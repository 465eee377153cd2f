"""Verification of a structured guide against the manual excerpts it cites, and its quality score.

Each cause/action item must cite excerpts that were given to the model (and, for a known defect, are
that defect's own sections), be supported by a sentence of those excerpts (lexical overlap of character
n-grams, or semantic similarity through the multilingual embedder, which also carries a translation),
be written in the requested language and script (Hangul for Korean; no untranslated Korean in an English
guide; no CJK ideographs or kana inside words, as in ``과程``), say something (a bare heading, title or
defect name is not a cause) and name no other defect. Status and prevention items get the script and
other-defect checks. An unsupported item is dropped; a cause/action section left with too few items is
filled with the manual's own sentences (``origin="manual"``).

The score (0..1) is the faithfulness of what the model wrote: 0.5 x share of its cause/action items
that pass + 0.35 x coverage (>= 1 faithful cause, >= 2 faithful actions) + 0.15 x share of its
status/prevention items that pass. Manual fill-ins never raise it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from station.domain.guidance import GuideItem, GuideRequest, Language, ManualExcerpt, StructuredGuide
from station.services.guidance.ports import Lexicon, TextEmbedder
from station.services.guidance.terms import gloss
from station.services.guidance.text import (
    CJK_RE,
    HANGUL_RE,
    LATIN_RE,
    char_ngrams,
    column_kind,
    excerpt_lines,
    row_values,
)
from station.services.guidance.wording import (
    WordCheck,
    dangling_end,
    english_words,
    says_nothing,
    starts_mid_sentence,
)

SEMANTIC_SUPPORT = 0.45
LEXICAL_SUPPORT = 0.5
WEAK_SEMANTIC, WEAK_LEXICAL = 0.35, 0.1
MIN_ITEMS = {"cause": 1, "action": 2}
_WORD = re.compile(r"\S+")
_NORMALISE = re.compile(r"[\s\W_]+", re.UNICODE)
_HEADING_WORDS = {"발생원인", "원인", "조치", "조치가이드", "대책", "상황", "예방", "cause", "causes", "rootcause",
                  "rootcauses", "action", "actions", "correctiveaction", "countermeasures", "status", "prevention",
                  "summary", "요약", "요약매핑테이블"}


@dataclass(frozen=True)
class ItemCheck:
    section: str
    item: GuideItem
    ok: bool
    problems: tuple[str, ...] = ()
    support: float = 0.0


@dataclass(frozen=True)
class Verification:
    """The checked guide (``guide``: unsupported items dropped, empty sections filled from the manual),
    the per-item findings, the score and the issues in words."""

    guide: StructuredGuide
    checks: tuple[ItemCheck, ...]
    score: float
    issues: tuple[str, ...]
    faithful_share: float
    filled: dict[str, int] = field(default_factory=dict)

    def count(self, problem: str) -> int:
        return sum(1 for c in self.checks if any(p.startswith(problem) for p in c.problems))


def script_problem(text: str, language: Language) -> str | None:
    """Why ``text`` is not in the requested script, or None."""
    for word in _WORD.findall(text):
        if CJK_RE.search(word):
            return f"mixed script: {word!r}"
    hangul = len(HANGUL_RE.findall(text))
    latin = len(LATIN_RE.findall(text))
    if language == "ko":
        if hangul == 0 or hangul < 0.5 * (hangul + latin):
            return "not written in Korean"
    elif hangul > 0.1 * (hangul + latin):
        return "untranslated Korean in an English guide"
    return None


def _norm(text: str) -> str:
    return _NORMALISE.sub("", text.lower())


def _overlap(item: str, line: str) -> float:
    """Share of the item's character n-grams that occur in the manual line."""
    a, b = char_ngrams(item), char_ngrams(line)
    total = sum(a.values())
    return sum(min(n, b[g]) for g, n in a.items()) / total if total else 0.0


def support_lines(excerpt: ManualExcerpt) -> list[str]:
    """The manual's sentences in an excerpt (a summary row's ``column: value`` gives its values)."""
    out = []
    for line in excerpt_lines(excerpt.text):
        label, sep, value = line.partition(":")
        if sep and excerpt.reason == "summary" and value.strip():
            out += row_values(value)
        else:
            out.append(line)
    return out


class GuideVerifier:
    """Checks structured guides for one request; ``embedder`` None -> lexical support only."""

    def __init__(self, request: GuideRequest, embedder: TextEmbedder | None = None,
                 lexicon: Lexicon | None = None) -> None:
        self.request = request
        self.embedder = embedder
        self.grounding = {e.ref: e for e in request.grounding_excerpts()}
        self._lines = {ref: support_lines(e) for ref, e in self.grounding.items()}
        for ref, lines in self._lines.items():  # a line of the other language: also its checked translation
            translated = [t.text for t in (request.translations.get(line) for line in lines) if t and t.verified]
            self._lines[ref] = lines + [t for t in translated if t not in lines]
        if request.language == "en":  # an English item of a Korean manual: also against its words glossed
            for ref, lines in self._lines.items():
                glossed = [g for g in (gloss(line) for line in lines if HANGUL_RE.search(line)) if g not in lines]
                self._lines[ref] = lines + glossed
        names = [request.product_name, request.product_code, request.defect_name_en or "", request.defect_code or ""]
        self.words = WordCheck(lexicon, english_words(" ".join(
            [e.text + " " + e.title for e in request.excerpts] + names)))
        self._vectors: dict[str, np.ndarray] = {}
        names = [request.defect_code, request.defect_name_ko, request.defect_name_en]
        self._bare = {_norm(n) for n in names if n} | _HEADING_WORDS
        for e in self.grounding.values():
            self._bare |= {_norm(part) for part in re.split(r"[—\-:/]", e.title) if part.strip()}
            self._bare.add(_norm(e.title))
        self._bare.discard("")

    # Single checks ----------------------------------------------------------------------------
    def other_defect_named(self, text: str, refs: Sequence[int]) -> str | None:
        """The other defect's name in ``text`` (one that the cited excerpts do not use themselves)."""
        cited = " ".join(self.grounding[r].text.lower() for r in refs if r in self.grounding)
        lowered = text.lower()
        for names in self.request.other_defects:
            for name in names:
                term = name.lower().strip()
                if len(term) < 2 or term in cited:
                    continue
                if term.isascii():
                    if re.search(rf"\b{re.escape(term)}s?\b", lowered):
                        return name
                elif term in lowered:
                    return name
        return None

    def is_bare(self, text: str) -> bool:
        """A heading, title or defect name, or too short to say anything."""
        norm = _norm(text)
        if len(norm) < 4:
            return True
        return norm in self._bare or any(norm == b + c or norm == c + b for b in self._bare for c in self._bare)

    def _embed(self, texts: list[str]) -> dict[str, np.ndarray] | None:
        """Unit vectors of ``texts`` (the manual lines' are remembered); None without an embedder."""
        if self.embedder is None:
            return None
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            matrix = np.asarray(self.embedder.embed(missing), dtype=np.float32)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
            self._vectors.update(zip(missing, matrix))
        return self._vectors

    def _support(self, texts: list[str], refs_per_item: list[tuple[int, ...]]) -> list[float]:
        all_lines = sorted({line for lines in self._lines.values() for line in lines})
        vectors = self._embed(texts + all_lines) if texts and all_lines else None
        scores = []
        for text, refs in zip(texts, refs_per_item):
            best = 0.0
            for ref in refs:
                for line in self._lines.get(ref, ()):
                    lexical = _overlap(text, line)
                    semantic = float(vectors[text] @ vectors[line]) if vectors is not None else 0.0
                    value = max(lexical / LEXICAL_SUPPORT, semantic / SEMANTIC_SUPPORT)
                    if semantic >= WEAK_SEMANTIC and lexical >= WEAK_LEXICAL:
                        value = max(value, 1.0)
                    best = max(best, value)
            scores.append(min(best, 2.0) / 2.0 if best < 1.0 else 0.5 + min(best - 1.0, 1.0) / 2.0)
        return scores

    # One item ---------------------------------------------------------------------------------
    def check(self, key: str, item: GuideItem, support: float | None = None) -> ItemCheck:
        """The findings on one item of section ``key`` (cause and action items are also checked against
        their cited excerpts; ``support`` when already computed)."""
        language = self.request.language
        problems: list[str] = []
        if says_nothing(item.text):
            return ItemCheck(key, item, False, ("empty item",))
        if key in ("cause", "action"):
            own = self.request.defect_code
            if support is None:
                support = self._support([item.text], [item.refs])[0]
            invented = [r for r in item.refs if r not in self.grounding]
            if invented:
                problems.append("invented citation " + ", ".join(f"[{r}]" for r in invented))
            valid = [r for r in item.refs if r in self.grounding]
            if own and any(self.grounding[r].defect_code not in (own, None) for r in valid):
                problems.append("cites another defect's section")
            if not valid:
                problems.append("cites no excerpt given")
            if self.is_bare(item.text):
                problems.append("bare heading or title, not a " + key)
        else:
            valid = list(item.refs)
            if any(r not in self.grounding for r in item.refs):
                problems.append("invented citation")
        named = self.other_defect_named(item.text, valid)
        if named:
            problems.append(f"names another defect ({named})")
        script = script_problem(item.text, language)
        if script:
            problems.append(script)
        unknown = self.words.unknown_words(item.text, language)
        if unknown:
            problems.append("unknown words: " + ", ".join(unknown))
        end = dangling_end(item.text, language)
        if end:
            problems.append(f"ends mid-phrase ({end})")
        if starts_mid_sentence(item.text, language):
            problems.append("starts mid-phrase")
        if key in ("cause", "action") and valid and (support or 0.0) < 0.5:
            problems.append("not supported by the cited excerpts")
        return ItemCheck(key, item, not problems, tuple(problems), round(support or 0.0, 3))

    # The whole guide --------------------------------------------------------------------------
    def verify(self, guide: StructuredGuide) -> Verification:
        grounded = [(k, item) for k in ("cause", "action") for item in guide.section(k)]
        supports = self._support([item.text for _, item in grounded], [item.refs for _, item in grounded])
        checks = [self.check(key, item, support) for (key, item), support in zip(grounded, supports)]
        checks += [self.check(key, item) for key in ("status", "prevention") for item in guide.section(key)]
        return self._result(checks)

    def summarise(self, checks: list[ItemCheck]) -> Verification:
        """The result of items checked one by one (``check``), as ``verify`` gives it."""
        return self._result(checks)

    def _result(self, checks: list[ItemCheck]) -> Verification:
        kept: dict[str, list[GuideItem]] = {k: [] for k in ("status", "cause", "action", "prevention")}
        for check in checks:
            if check.ok:
                kept[check.section].append(check.item)
        filled = {}
        for key, minimum in MIN_ITEMS.items():
            missing = minimum - len(kept[key])
            if missing > 0:
                extra = self.manual_items(key, exclude=[i.text for i in kept[key]])[:missing]
                kept[key] += extra
                filled[key] = len(extra)
        if not kept["status"]:
            kept["status"] = [self.status_item()]
        grounded = [c for c in checks if c.section in ("cause", "action")]
        other = [c for c in checks if c.section not in ("cause", "action")]
        share = sum(c.ok for c in grounded) / len(grounded) if grounded else 0.0
        causes = sum(c.ok for c in grounded if c.section == "cause")
        actions = sum(c.ok for c in grounded if c.section == "action")
        coverage = 0.5 * min(causes, 1) + 0.5 * min(actions, 2) / 2
        other_share = sum(c.ok for c in other) / len(other) if other else 0.0
        score = round(0.5 * share + 0.35 * coverage + 0.15 * other_share, 3)
        issues = [f"{c.section} item {c.item.text[:40]!r}: {'; '.join(c.problems)}" for c in checks if not c.ok]
        issues += [f"{key}: {n} item(s) filled in from the manual" for key, n in filled.items() if n]
        if not grounded:
            issues.append("no cause/action items written")
        result = StructuredGuide(**{k: tuple(v) for k, v in kept.items()})
        return Verification(result, tuple(checks), score, tuple(issues), round(share, 3), filled)

    def manual_items(self, key: str, exclude: Sequence[str] = ()) -> list[GuideItem]:
        """The manual's own sentences for a section, from the defect's sections of that type first."""
        seen = {_norm(t) for t in exclude}
        ordered = sorted(self.grounding.values(), key=lambda e: (e.section_type != key, e.reason != "defect"))
        items = []
        for excerpt in ordered:
            if excerpt.section_type != key and not (excerpt.reason == "summary"):
                continue
            lines = support_lines(excerpt)
            if excerpt.reason == "summary":
                lines = [v for line in excerpt_lines(excerpt.text)
                         for label, _, value in [line.partition(":")] if column_kind(label) == key
                         for v in row_values(value)]
            for line in lines:
                if _norm(line) not in seen and not self.is_bare(line):
                    seen.add(_norm(line))
                    text, readable = self.request.line_text(line)
                    items.append(GuideItem(text, (excerpt.ref,), origin="manual" if readable else "untranslated"))
        return items

    def status_item(self) -> GuideItem:
        r = self.request
        text = (f"{r.product_name}: {r.defect_label()} 결함이 검출되었습니다." if r.language == "ko"
                else f"{r.product_name}: {r.defect_label()} detected.")
        return GuideItem(text, (), origin="station")
