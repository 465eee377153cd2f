"""Manual lines in the worker's language: the checks a translated line must pass (hand-made good and
bad translations, both directions, with the real English word list), and the translator around a
scripted local LLM (the model is the outer edge here; a real one writes these lines in the benchmark):
checked translations are kept in the station's file and read back without the model, a refused one is
tried again, told why, and otherwise marked untranslated, and guides use them — the prompt, the
verifier and the basic guide in English from a Korean manual."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from station.adapters.guidance.lexicon import load_lexicon
from station.adapters.guidance.translations import FileTranslationStore
from station.domain.guidance import Generation, PromptParts
from station.services.guidance import build_prompt, split_guide_sections
from station.services.guidance.translation import ManualTranslator, TranslationCheck, needs_translation
from tests.support.manuals import PRODUCT, build_station, make_docx

LEXICON = load_lexicon()


@pytest.mark.parametrize(("source", "text", "problem"), [
    ("직조 공정 중 바늘 또는 샤프트 파손", "A needle or shaft breaks during weaving.", None),
    ("탈형 시 금형면 또는 핀에 의한 마찰 흠집", "Friction scratches from the die surface or pins during demoulding.",
     None),
    ("용탕 온도 관리 자동화: ±5℃ 유지", "Automate molten metal temperature control and keep it within ±5 °C.", None),
    ("직조 공정 중 바늘 또는 샤프트 파손", "A broken barbell or sharpener during the straightening process.",
     "terms not carried over"),
    ("용탕 온도 관리 자동화: ±5℃ 유지", "Automate molten metal temperature control.", "numbers not kept"),
    ("금형 접합면의 틈새로 용탕이 새어나와 얇은 판 모양 돌출 형성", "Molten metal leaks through the molot gap.",
     "unknown words: molot"),
    ("금형 접합면의 틈새로 용탕이 새어나와 얇은 판 모양 돌출 형성", "금형 parting surface leaks molten metal.",
     "untranslated Korean"),
    ("주형(몰드) 가스 배출구가 막히거나, 탈기 불량", "The gas vent of the casting mould is blocked, or", "ends mid-phrase"),
    ("Clean the mould vents every shift", "매 교대마다 금형 배기구를 청소합니다.", None),
    ("Clean the mould vents every shift", "Clean the vents.", "not written in Korean"),
])
def test_a_translation_is_kept_only_when_it_passes_every_check(source: str, text: str, problem: str | None) -> None:
    language = "en" if needs_translation(source, "en") else "ko"
    problems = TranslationCheck(LEXICON).problems(source, text, language)  # type: ignore[arg-type]
    if problem is None:
        assert problems == []
    else:
        assert any(p.startswith(problem) for p in problems), problems


class ScriptedModel:
    """A local LLM that answers each translation prompt from a table (by the source line it holds)."""

    model_name = "scripted"
    languages = ("en", "ko")

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.prompts: list[PromptParts] = []

    def generate(self, prompt: PromptParts, on_token=None, cancel=None, max_tokens: int = 512) -> Generation:  # type: ignore[no-untyped-def]
        self.prompts.append(prompt)
        asked = _bare(prompt.variable.split(":", 1)[-1] if "Refused" not in prompt.variable
                      else prompt.variable.split("\n", 1)[1])
        for source, replies in self.answers.items():
            if _bare(source) and _bare(source) in asked:
                tries = sum(1 for p in self.prompts if _bare(source) in _bare(p.variable))
                return Generation(replies[min(tries, len(replies)) - 1], self.model_name, 10, 5, 0, 0.01, 0.02)
        return Generation("", self.model_name, 10, 0, 0, None, 0.01)

    def warm(self, prompt: PromptParts) -> None:
        pass


def _bare(text: str) -> str:
    """The Hangul of ``text`` (the prompt writes the glossary's English beside the Korean terms)."""
    return re.sub(r"[^가-힣]", "", text)


def test_checked_translations_are_kept_and_read_back_without_the_model(tmp_path: Path) -> None:
    model = ScriptedModel({
        "주형 가스 배출구 막힘": ["Blocked gas vents of the casting mould."],
        "탈기 장치 점검": ["Inspect the molot unit.", "Inspect the degassing unit."],  # refused, then accepted
        "용탕 온도 유지": ["Keep it."],  # refused on every try: stays untranslated
    })
    store = FileTranslationStore(tmp_path / "translations.json")
    translator = ManualTranslator(model, store, LEXICON)  # type: ignore[arg-type]
    found = translator.translate(["주형 가스 배출구 막힘", "탈기 장치 점검", "용탕 온도 유지", "Check the vents"], "en")
    assert set(found) == {"주형 가스 배출구 막힘", "탈기 장치 점검", "용탕 온도 유지"}  # the English line needs none
    assert found["주형 가스 배출구 막힘"].verified and found["주형 가스 배출구 막힘"].text.startswith("Blocked gas vents")
    assert found["탈기 장치 점검"].verified and found["탈기 장치 점검"].text == "Inspect the degassing unit."
    retry = [p.variable for p in model.prompts if "탈기" in p.variable][1]
    assert "Refused translations" in retry and "Do not use these words: molot" in retry  # told why and what to do
    kept = found["용탕 온도 유지"]
    assert not kept.verified and kept.text == "용탕 온도 유지" and kept.problems
    assert "탈기 = degassing" in model.prompts[1].variable  # the glossary's term listed before the line
    calls = len(model.prompts)
    again = ManualTranslator(model, FileTranslationStore(tmp_path / "translations.json"), LEXICON)  # type: ignore[arg-type]
    assert again.translate(["주형 가스 배출구 막힘", "탈기 장치 점검"], "en") == {
        k: found[k] for k in ("주형 가스 배출구 막힘", "탈기 장치 점검")}
    assert len(model.prompts) == calls  # read back from the file, no model work
    assert json.loads((tmp_path / "translations.json").read_text(encoding="utf-8"))


def test_an_unreadable_translation_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "translations.json"
    path.write_text("{not json", encoding="utf-8")
    store = FileTranslationStore(path)
    assert store.get("x") is None
    store.put({"x": {"source": "a", "text": "b", "language": "en", "verified": True}})
    assert FileTranslationStore(path).get("x")["text"] == "b"
    assert path.with_suffix(".unreadable").read_text(encoding="utf-8") == "{not json"


@pytest.fixture
def station(tmp_path: Path):  # type: ignore[no-untyped-def]
    station = build_station(tmp_path)
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual.docx")])
    return station


def test_an_english_guide_from_a_korean_manual_uses_the_checked_translations(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    korean = station.guidance.build_request(PRODUCT.code, "hole", language="ko")
    lines = sorted({line for e in korean.excerpts for line in e.text.splitlines()})
    answers = {"응고 중에 남아 생긴 내부 공극": ["Internal voids left when gas stays in the melt during solidification."],
               "탈기 장치 점검 및 아르곤 탈기 강화": ["Inspect the degassing unit and strengthen argon degassing."]}
    model = ScriptedModel(answers)
    station.guidance.generator = model
    station.guidance.lexicon = LEXICON
    station.guidance._translation_store = FileTranslationStore(tmp_path / "t.json")
    request = station.guidance.build_request(PRODUCT.code, "hole", language="en")
    assert lines and request.translations
    verified = {t.source: t.text for t in request.translations.values() if t.verified}
    assert any("Inspect the degassing unit" in text for text in verified.values()), verified
    prompt = build_prompt(request)
    assert "Inspect the degassing unit and strengthen argon degassing." in prompt.stable
    guide = station.guidance.template_guide(request)
    sections = split_guide_sections(guide.content)
    assert "Inspect the degassing unit and strengthen argon degassing. [2]" in sections["action"]
    for line in sections["cause"].splitlines() + sections["action"].splitlines():
        body = line.split(" [")[0]
        assert not any("가" <= ch <= "힣" for ch in body) or body.startswith("- (untranslated) "), line
