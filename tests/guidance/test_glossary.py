"""The Korean -> English manufacturing glossary: its data (Hangul keys, real English words, no conflicting
duplicates, every domain covered), longest non-overlapping matching, the hint lines, glossing and
annotation, and the check that a translation carries every listed term of a Korean line."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from spellchecker import SpellChecker

from station.services.guidance import terms
from station.services.guidance.terms import (
    DOMAINS,
    IMPLICIT,
    TERMS,
    english_terms,
    gloss,
    glossary_lines,
    missing_terms,
    terms_in,
)

# acronyms and shop words the general word list lacks, allowed by name
ALLOWED = frozenset({
    "PCB", "SMT", "CNC", "TiN", "EDM", "TIG", "MIG", "HAZ", "ESD", "IC", "FIFO", "AGV", "CMM", "NDT", "PPE",
    "barcode", "electroless", "formability", "runout", "springback", "swarf",
})
PREFIXES = ("de", "re", "pre", "mis", "non", "un", "over", "under", "micro")
DOMAIN_WORDS = ("casting", "moulding", "machining", "welding", "press", "surface", "heat treatment", "assembly",
                "electronics", "textile", "glass and ceramics", "rubber and sealing", "film, paper and printing",
                "packaging", "handling", "maintenance", "inspection", "defects", "actions")


@pytest.fixture(scope="module")
def spell() -> SpellChecker:
    return SpellChecker(language="en")


def american(word: str) -> set[str]:
    """``word`` and its American spellings (colour, mould, normalise, centre, labelled, aesthetic)."""
    return {word, word.replace("our", "or"), word.replace("mould", "mold"), word.replace("aluminium", "aluminum"),
            re.sub(r"is(e|ed|es|ing|ation)", r"iz\1", word), re.sub(r"ys(e|ed|es|ing)$", r"yz\1", word),
            re.sub(r"([^aeiou])re(s?)$", r"\1er\2", word), word.replace("ll", "l"), word.replace("ae", "e"),
            word.replace("oe", "e")}


def bases(word: str) -> set[str]:
    """Base forms of an inflected ``word`` (scratches, cracked, tapping, assemblies)."""
    out = {word}
    for suffix, tails in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            out |= {stem + tail for tail in tails}
            if stem[-1] == stem[-2]:
                out.add(stem[:-1])
    return out


def known(word: str, spell: SpellChecker) -> bool:
    if word in ALLOWED:
        return True
    lowered = word.lower()
    candidates = {b for form in american(lowered) for b in bases(form)}
    candidates |= {c[len(p):] for c in set(candidates) for p in PREFIXES if c.startswith(p) and len(c) - len(p) >= 3}
    return bool(spell.known(candidates))


def test_every_key_is_hangul_and_every_english_word_is_a_known_word(spell: SpellChecker) -> None:
    assert all(re.fullmatch(r"[가-힣]+( [가-힣]+)*", term) for term in TERMS), \
        [t for t in TERMS if not re.fullmatch(r"[가-힣]+( [가-힣]+)*", t)]
    unknown = set()
    for english in TERMS.values():
        assert english and len(set(english)) == len(english)
        for alternative in english:
            assert alternative == alternative.strip() and len(alternative.split()) <= 5, alternative
            for word in re.split(r"[\s\-]+", alternative):
                if word != word.lower() and word not in ALLOWED and word not in ("O", "X"):
                    unknown.add(word)  # only acronyms are written in capitals
                elif word not in ("O", "X") and not known(word, spell):
                    unknown.add(word)
    assert not unknown, sorted(unknown)
    assert not known("goldalloy", spell) and not known("barbel1", spell)  # the check can fail


def test_domains_are_general_vocabulary_of_every_area_without_conflicts() -> None:
    assert set(DOMAINS) == set(DOMAIN_WORDS)
    assert 500 <= sum(len(table) for table in DOMAINS.values()) and 500 <= len(TERMS) <= 900
    assert {name: len(table) for name, table in DOMAINS.items() if len(table) < 15} == {}
    seen: dict[str, tuple[str, ...]] = {}
    for table in DOMAINS.values():
        for term, english in table.items():
            assert seen.setdefault(term, english) == english, term
    assert seen == TERMS and IMPLICIT <= set(TERMS)
    # a key written twice in the tables' source would silently replace the first meaning
    module = ast.parse(Path(terms.__file__).read_text(encoding="utf-8"))
    tables = next(n.value for n in module.body if isinstance(n, ast.AnnAssign) and ast.unparse(n.target) == "DOMAINS")
    assert isinstance(tables, ast.Dict)
    for table in tables.values:
        assert isinstance(table, ast.Dict)
        written = Counter(ast.literal_eval(key) for key in table.keys if key is not None)
        assert [term for term, count in written.items() if count > 1] == []
    for term, english in [("금형", ("die", "mould", "mold")), ("직조", ("weaving",)), ("편직", ("knitting",)),
                          ("봉제", ("sewing",)), ("지게차", ("forklift",)), ("베어링", ("bearing",)),
                          ("캘리퍼스", ("calliper", "caliper")), ("녹", ("rust",)), ("재작업", ("rework",)),
                          ("색상", ("colour", "color")), ("알루미늄", ("aluminium", "aluminum"))]:
        assert set(english) <= set(TERMS[term]), term
    assert TERMS["파손"][0] == "breakage" and {"break", "damage"} <= set(TERMS["파손"])


def test_terms_in_takes_the_longest_match_once_in_order_of_appearance() -> None:
    found = terms_in("사출 압력이 낮아 금형면에 날개 버 발생, 금형 교체 후 사출압력 재확인")
    assert [term for term, _ in found] == ["사출 압력", "금형면", "날개 버", "발생", "금형", "교체", "확인"]
    assert dict(found)["금형"] == TERMS["금형"]
    assert [t for t, _ in terms_in("금형 표면 점검")] == ["금형", "표면", "점검"]  # separately: each counted
    # a one-syllable term is a word of its own, not part of a longer word
    assert [t for t, _ in terms_in("버를 제거하고 녹이 없는지 확인")] == ["버", "제거", "녹", "확인"]
    assert [t for t, _ in terms_in("버튼 실시간 녹색")] == ["실시간"]
    assert terms_in("no Korean here") == []


def test_glossary_lines_and_gloss() -> None:
    lines = glossary_lines(["- 금형 접합면의 틈새로 용탕이 새어나와", "- 클램프 압력 보정"])
    assert lines[:4] == ["금형 = die (mould)", "접합면 = parting surface (joint surface, parting face)",
                         "틈새 = gap (clearance, crevice)", "용탕 = molten metal (melt)"]
    assert "압력 = pressure" in lines and "점검 = inspection (check)" in glossary_lines(["점검"])
    assert len(glossary_lines(["금형 접합면 틈새 용탕 클램프 압력 보정"], limit=3)) == 3
    assert glossary_lines(["no Korean here"]) == []
    assert gloss("금형 접합면의 틈새로 용탕이 새어나와") == "die parting surface 의 gap 로 molten metal 이 leaking 나와"
    assert gloss("탈기 장치 점검") == "degassing device inspection" and gloss("plain text") == "plain text"


def test_english_terms_are_the_lowercase_words_of_every_alternative() -> None:
    words = english_terms()
    assert {"die", "mould", "mold", "parting", "surface", "weaving", "forklift", "pcb", "ring"} <= words
    assert all(w == w.lower() and " " not in w and "-" not in w for w in words)
    assert "gold" not in words


@pytest.mark.parametrize(("korean", "english", "missing"), [
    ("직조 공정 중 바늘 또는 샤프트 파손", "A needle or shaft breaks during weaving", []),
    ("직조 공정 중 바늘 또는 샤프트 파손", "a broken barbell or sharpener during the straightening process",
     ["직조", "바늘", "샤프트"]),
    ("탈형 시 금형면 또는 핀에 의한 마찰 흠집", "Friction scratches from the die surface or pins during demoulding", []),
    ("탈형 시 금형면 또는 핀에 의한 마찰 흠집", "Scratches on the gold alloy surface",
     ["탈형", "금형면", "핀", "마찰"]),
    ("금형 온도 관리 및 정기 점검", "Control the mold temperature and inspect it regularly", []),
    ("금형 온도 관리 및 정기 점검", "Keep the gold temperature", ["금형 온도", "정기", "점검"]),
    ("변색 및 얼룩 제거, 부품 세척", "Remove discoloration and stains; clean the parts", []),
    ("라벨 누락 시 재작업", "Relabel missing labels, then rework", []),
    ("용탕 온도가 너무 높거나 낮을 때 응고 속도 차이로 발생",
     "When the melt temperature is too high or low, the solidification speed differs", []),
    ("용탕 온도가 너무 높거나 낮을 때 응고 속도 차이로 발생", "The temperature differs",
     ["용탕", "높거나", "응고", "속도"]),
    ("균열 발생", "Cracking", []),  # a generic word such as 발생 need not be carried
])
def test_missing_terms_of_good_and_bad_translations(korean: str, english: str, missing: list[str]) -> None:
    assert missing_terms(korean, english) == missing


def test_missing_terms_matches_whole_words_and_simple_inflections() -> None:
    assert missing_terms("긁힘", "scratches") == [] and missing_terms("점검", "Inspected daily") == []
    assert missing_terms("청소", "cleaning the nozzle") == [] and missing_terms("조립", "assemblies") == []
    assert missing_terms("색상", "COLOUR") == [] and missing_terms("절삭", "cutting") == []
    assert missing_terms("긁힘", "scratchy") == ["긁힘"] and missing_terms("핀", "spinning") == ["핀"]
    assert missing_terms("파팅 라인", "the line of parting") == []
    assert missing_terms("파팅 라인", "the line") == ["파팅 라인"]
    assert missing_terms("no Korean", "anything") == []
