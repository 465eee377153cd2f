"""The word checks of guide items on hand-made good and bad items in both languages: garbled English
words, a Korean item's stray Latin words, mixed script, dangling phrases and empty items; the real
English word list (British spellings too); and the verifier refusing such items with a reason the
worker reads."""

from __future__ import annotations

import pytest

from station.adapters.guidance.lexicon import load_lexicon
from station.domain.guidance import GuideItem, GuideRequest, ManualExcerpt
from station.services.guidance import GuideVerifier
from station.services.guidance.live import struck_reason
from station.services.guidance.wording import WordCheck, dangling_end, manual_words, says_nothing

MANUAL = ("탈기(De-gassing) 장치 점검 및 아르곤 탈기 공정 강화", "금형 표면 경도 코팅(TiN 등) 적용")


@pytest.fixture(scope="module")
def words() -> WordCheck:
    lexicon = load_lexicon()
    assert lexicon is not None, "pyspellchecker is a pinned dependency"
    return WordCheck(lexicon, manual_words(MANUAL))


@pytest.mark.parametrize(("text", "unknown"), [
    ("Remove the burr and regrind the mould's parting surface.", []),
    ("Check the colour of the coating and the degassing unit.", []),
    ("Apply a TiN coating to the die surface.", []),  # TiN: a word of the manual
    ("A small crack or protrusion due to the molot.", ["molot"]),
    ("Look for signs ofZ on the surface.", ["ofZ"]),
    ("Inspect the gas vents and clean the tray pads.", []),
])
def test_english_words_must_be_known(words: WordCheck, text: str, unknown: list[str]) -> None:
    assert words.unknown_words(text, "en") == unknown


@pytest.mark.parametrize(("text", "unknown"), [
    ("용탕 온도를 ±5 ℃ 이내로 유지합니다", []),
    ("금형 표면에 TiN 코팅을 적용합니다", []),  # the manual's own term
    ("탈기(De-gassing) 장치를 점검합니다", []),
    ("간격을 0.2 mm 이하로 맞춥니다", []),  # a unit
    ("금형의 burr를 제거합니다", ["burr"]),  # an English word the manual does not use
])
def test_korean_items_hold_only_units_and_the_manuals_latin_words(words: WordCheck, text: str,
                                                                  unknown: list[str]) -> None:
    assert words.unknown_words(text, "ko") == unknown


@pytest.mark.parametrize(("text", "language", "end"), [
    ("Porosity forming in the mold, or", "en", "or"),
    ("Regularly inspect the clamps and", "en", "and"),
    ("Keep the melt temperature within 5 degrees,", "en", ","),
    ("Check the vents (and the riser", "en", "("),
    ("Keep the melt temperature within 5 degrees.", "en", None),
    ("Regrind the die surface", "en", None),
    ("금형 마모 또는", "ko", "또는"),
    ("탈기 장치를 점검하거나", "ko", "점검하거나"),
    ("용탕 온도를", "ko", "온도를"),
    ("탈기 장치를 점검합니다.", "ko", None),
    ("클램프 압력 보정", "ko", None),
    ("작업 시 안전에 주의", "ko", None),
])
def test_dangling_ends(text: str, language: str, end: str | None) -> None:
    assert dangling_end(text, language) == end  # type: ignore[arg-type]


def test_an_item_of_only_marks_says_nothing() -> None:
    assert says_nothing("  ") and says_nothing("- ") and says_nothing("[1]") and says_nothing("3.")
    assert not says_nothing("탈기") and not says_nothing("Degas")


def _request(language: str) -> GuideRequest:
    excerpts = (
        ManualExcerpt(1, 10, 1, "m", "manual.md", "hole", "cause", "Hole — causes",
                      "- Gas trapped in the molten metal during solidification\n- Blocked vents in the mould", None, 1.0,
                      "defect"),
        ManualExcerpt(2, 20, 1, "m", "manual.md", "hole", "action", "Hole — actions",
                      "- Check the degassing unit and degas with argon\n- Clean the mould vents", None, 1.0, "defect"),
    )
    return GuideRequest(product_code="p1", product_name="Pump", defect_code="hole", defect_name_ko="기공",
                        defect_name_en="hole", severity=3, language=language, excerpts=excerpts)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "problem", "reason"), [
    ("Gas trapped in the molot during solidification", "unknown words: molot", "unknown words: molot"),
    ("Gas trapped in the molten metal during solidification, or", "ends mid-phrase", "ends mid-phrase"),
    ("Gas trapped in the molten 金属 during solidification", "mixed script", "mixed script"),
    ("- ", "empty item", "empty"),
    ("regrind it if necessary.", "starts mid-phrase", "starts mid-sentence"),
])
def test_the_verifier_refuses_garbled_items_with_a_reason(text: str, problem: str, reason: str) -> None:
    verifier = GuideVerifier(_request("en"), None, load_lexicon())
    check = verifier.check("cause", GuideItem(text, (1,)))
    assert not check.ok and any(p.startswith(problem) for p in check.problems), check.problems
    assert struck_reason(check.problems, "en").startswith(reason)


def test_a_faithful_english_item_passes_every_word_check() -> None:
    verifier = GuideVerifier(_request("en"), None, load_lexicon())
    check = verifier.check("cause", GuideItem("Gas trapped in the molten metal during solidification", (1,)))
    assert check.ok, check.problems


def test_reasons_are_in_the_workers_language() -> None:
    assert struck_reason(("unknown words: molot",), "ko") == "알 수 없는 단어: molot"
    assert struck_reason(("not supported by the cited excerpts",), "ko") == "인용한 매뉴얼 내용과 다름"
    assert struck_reason(("names another defect (burr)",), "en") == "about another defect (burr)"
