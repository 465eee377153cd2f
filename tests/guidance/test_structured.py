"""Structured guides from a real local LLM (SmolLM2-135M): the grammar gives valid JSON with valid
citations, the streamed Markdown is the rendering of it, saved KV state is reused by a fresh generator
and refused when the model or the manual differs, and the `station manuals guide --json` contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from station.adapters.guidance.llm.generator import LlamaGuideGenerator, load_generator
from station.adapters.guidance.llm.state import StaleStateError, read_state, state_path, write_state
from station.cli.main import main
from station.services.guidance import (
    ITEM_COUNTS,
    GuideVerifier,
    PromptStates,
    build_prompt,
    parse_guide,
    refs_by_section,
)
from tests.support.manuals import PRODUCT, build_station, make_docx
from tests.guidance.test_llm import ENGLISH_MANUAL, GREEDY, SPEC, smollm2  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow
REGIONS = [{"bbox": {"x": 10, "y": 12, "width": 8, "height": 8}, "area_pct": 1.5, "location": "center",
            "max_score": 0.95}]


def english_station(root: Path, gen: LlamaGuideGenerator | None):  # type: ignore[no-untyped-def]
    station = build_station(root, generator=gen, language="en")
    manual = root / "manual.md"
    manual.write_text(ENGLISH_MANUAL, encoding="utf-8")
    station.manuals.ingest(PRODUCT.code, [manual])
    return station


def test_grammar_gives_the_structure_with_valid_citations(smollm2: Path, tmp_path: Path) -> None:  # noqa: F811
    gen = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    station = english_station(tmp_path, gen)
    request = station.guidance.build_request(PRODUCT.code, "hole", REGIONS, {"anomaly": 0.93})
    streamed: list[str] = []
    guide = station.guidance.stream_guide(request, on_update=streamed.append, max_tokens=400)
    raw = guide.extra["llm_text"]
    data = json.loads(raw)  # the grammar makes the answer valid JSON of the fixed structure
    assert list(data) == ["status", "cause", "action", "prevention"]
    allowed = refs_by_section(request)
    for key, items in data.items():
        low, high = ITEM_COUNTS[key]
        assert low <= len(items) <= high
        for item in items:
            assert set(item) == {"text", "refs"} and item["text"].strip()
            assert set(item["refs"]) <= set(allowed[key])
            if key in ("cause", "action"):
                assert item["refs"]  # cause and action items always cite
            assert not re.search(r"[\uac00-\ud7a3\u4e00-\u9fff]", item["text"])  # English script only
    # each update is the whole guide so far; every settled line shown stays, the last update is stored
    from station.domain.guidance import GuideItem
    from station.services.guidance import detection_text

    detected = GuideItem(detection_text(request), (), origin="station")
    assert streamed[-1] == guide.content
    final = guide.content.splitlines()
    for text in streamed:
        assert text.splitlines()[0] == final[0]  # the label line comes first, from the first update
        for line in text.splitlines():
            if line.strip() and not line.rstrip().endswith("…"):
                assert line in final, line
    written = parse_guide(raw)
    shown_or_struck = sum(1 for line in final if line.startswith("- "))
    assert shown_or_struck >= sum(len(written.section(k)) for k in ("cause", "action"))  # none silently dropped
    assert guide.source == "llm" and 0.0 <= guide.quality_score <= 1.0
    assert guide.structure is not None and guide.structure.cause and len(guide.structure.action) >= 2
    assert guide.structure.status[0] == detected  # sizes and scores are the station's, not the model's
    for key in ("cause", "action"):  # what is shown unstruck passed the checks or is the manual's own line
        passed = {c.item.text for c in GuideVerifier(request, None).verify(written).checks if c.ok}
        assert all(i.text in passed or i.origin in ("manual", "untranslated") for i in guide.structure.section(key))
    gen.close()


def test_saved_prompt_state_is_reused_and_refused_for_another_model_or_manual(smollm2: Path,  # noqa: F811
                                                                              tmp_path: Path) -> None:
    gen = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    station = english_station(tmp_path, gen)
    states = PromptStates(station.guidance, tmp_path / "states", station.deployments)
    seen = []
    summary = states.build(PRODUCT.code, progress=seen.append)
    assert summary["saved"] == len(PRODUCT.defects) and seen[-1].done == seen[-1].total == len(PRODUCT.defects)
    history = station.deployments.history()
    assert history[0]["deployment_type"] == "rag_indexing" and history[0]["status"] == "completed"
    request = station.guidance.build_request(PRODUCT.code, "hole", REGIONS)
    expected = station.guidance.stream_guide(request, max_tokens=60)
    gen.close()

    fresh = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    station.guidance.generator = fresh
    report = states.load(PRODUCT.code, "en")
    assert sorted(report["loaded"]) == sorted(d.code for d in PRODUCT.defects) and not report["refused"]
    again = station.guidance.stream_guide(request, max_tokens=60)
    system, stable, variable = fresh._tokens(build_prompt(request))
    assert again.extra["cached_tokens"] == len(system) + len(stable)  # nothing of the prefix evaluated again
    # the saved state covers the whole prompt up to the structure's opening: no prompt token of the guide
    # itself is left to evaluate (only the last one again, for its logits)
    assert variable == [] and again.extra["prompt_tokens"] == again.extra["cached_tokens"]
    tail = fresh._renderer.llm.detokenize(stable[-16:], special=True).decode("utf-8", errors="replace")
    assert tail.endswith('assistant\n{"status": [{"text": "')
    # another inspection of the same defect (other regions and scores) has the very same prompt tokens
    other_regions = station.guidance.build_request(PRODUCT.code, "hole", [{"bbox": [1, 2, 30, 40],
                                                                           "location": "edge"}], {"anomaly": 0.5})
    assert fresh._tokens(build_prompt(other_regions)) == (system, stable, [])
    assert again.extra["llm_text"] == expected.extra["llm_text"]  # saved state == fresh evaluation

    # another model: a file whose header names another model's sha256 is refused
    prompt = build_prompt(request)
    path = state_path(tmp_path / "states", fresh.model_sha256, prompt.key)
    digest = station.guidance.manual_hash(PRODUCT.code)
    saved = read_state(path, model_sha256=fresh.model_sha256, manual_hash=digest)
    with pytest.raises(StaleStateError, match="another model"):
        read_state(path, model_sha256="0" * 64, manual_hash=digest)
    write_state(path, type(saved)(**{**saved.__dict__, "model_sha256": "f" * 64}))
    other = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    with pytest.raises(StaleStateError, match="another model"):
        other.load_prompt_state(prompt, tmp_path / "states", digest)
    station.guidance.generator = other
    assert "another model" in states.load(PRODUCT.code, "en", rebuild=True)["refused"]["hole"]
    assert states.load(PRODUCT.code, "en")["loaded"]  # rebuilt with this model: accepted again

    # another manual version: the manual hash differs, every defect's state is refused
    station.manuals.ingest(PRODUCT.code, [make_docx(tmp_path / "manual2.docx")])
    assert station.guidance.manual_hash(PRODUCT.code) != digest
    fourth = load_generator(smollm2.parent, "smollm2-135m", n_ctx=2048, sampling=GREEDY)
    station.guidance.generator = fourth
    refused = states.load(PRODUCT.code, "en")["refused"]
    assert set(refused) == {d.code for d in PRODUCT.defects}
    assert all("another version of the manual" in why for why in refused.values())
    for g in (fresh, other, fourth):
        g.close()


def test_guide_json_contract(smollm2: Path, _isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    models = _isolated_home / "models"
    models.mkdir()
    (models / SPEC.file_name).symlink_to(smollm2)
    english_station(_isolated_home, None)  # the station's own local database, with the manual ingested
    capsys.readouterr()
    assert main(["manuals", "guide", "--product", PRODUCT.code, "--defect", "hole", "--lang", "en", "--json",
                 "--max-tokens", "300"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"source", "model", "language", "first_token_s", "tokens_per_s", "quality_score",
                         "content", "sections", "excerpts"}
    assert data["source"] in ("llm", "template") and data["model"] == "smollm2-135m" and data["language"] == "en"
    assert data["first_token_s"] > 0 and 0.0 <= data["quality_score"] <= 1.0 and data["content"].strip()
    assert list(data["sections"]) == ["status", "cause", "action", "prevention"]
    refs = {e["ref"] for e in data["excerpts"]}
    for items in data["sections"].values():
        for item in items:
            assert set(item) == {"text", "refs"} and isinstance(item["text"], str)
            assert all(isinstance(r, int) for r in item["refs"])
    for key in ("cause", "action"):
        assert data["sections"][key] and all(set(i["refs"]) <= refs for i in data["sections"][key])
    first = data["excerpts"][0]
    assert set(first) == {"ref", "section_id", "defect_code", "section_type", "title", "text", "page"}
    assert {e["defect_code"] for e in data["excerpts"]} == {"hole"}  # grounded on the defect's own sections

    assert main(["manuals", "guide", "--product", PRODUCT.code, "--defect", "hole", "--lang", "ko", "--json",
                 "--no-llm"]) == 0
    template = json.loads(capsys.readouterr().out)
    assert template["source"] == "template" and template["content"].startswith("기본 가이드")
    # a Korean guide from the English manual without a model that writes Korean: the line, marked untranslated
    assert template["sections"]["cause"][0] == {
        "text": "(번역 안 됨) Gas trapped in the molten metal during solidification", "refs": [1]}
