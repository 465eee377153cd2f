"""Guide generation with llama.cpp (llama-cpp-python) from a local GGUF file.

* The model is loaded lazily (first ``warm``/``generate``) after its sha256 was checked. Its weights are
  read into process memory (``use_mmap=False``) rather than mapped: on the CPU llama.cpp copies most
  quantised weights into a faster interleaved layout anyway ("repack"), and a mapped file would stay resident
  beside that copy (1.06 GB of file pages beside 0.6 GB repacked for Qwen2.5-1.5B Q4_K_M); read, each
  weight is held once.
* GPU offload of all layers when llama.cpp was built with CUDA/Metal/Vulkan support, else CPU threads.
* The prompt is rendered with the model's own chat template and split into the fixed system part, the
  stable part (product, defect, manual excerpts, instructions, the answer's opening) and a variable part,
  empty for a known defect (the station writes the detection line itself). The KV state after the system
  part and after each recent stable part is snapshotted (``llama_state_get_data``) and restored
  (``llama_state_set_data``) instead of being evaluated again, so a guide only pays for its variable tokens
  (none for a known defect) and the last prompt token's logits. Snapshots can be saved to disk with the model's sha256 and the manual's hash
  (``save_prompt_state``, see ``state.py``) and loaded in a fresh process (``load_prompt_state``).
* A prompt with a ``grammar`` (GBNF) is decoded under it (``llama_cpp.LlamaGrammar``).
* Tokens are streamed to a callback as soon as they decode to whole characters; a cancel token stops
  generation between two tokens.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.adapters.guidance.llm.chat import ChatRenderer
from station.adapters.guidance.llm.models import LlmModelSpec, find_llm_model, verify_model
from station.adapters.guidance.llm.sampling import GrammarSampler, grammar_tokens
from station.adapters.guidance.llm.state import SavedState, StaleStateError, read_state, state_path, write_state
from station.domain.errors import ConfigurationError
from station.domain.guidance import Generation, PromptParts

DEFAULT_CTX = 4096
# Prompt tokens evaluated per step. llama.cpp sizes its compute buffer for the logits of a whole step
# (n_batch x n_vocab floats: 300 MB at 512 for Qwen2.5's 152k-token vocabulary) and llama-cpp-python keeps a
# logits array of the same size; 128 keeps both a quarter of that, and a guide prompt still takes few steps.
PROMPT_BATCH = 128


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.3
    top_k: int = 40
    top_p: float = 0.9
    min_p: float = 0.05
    repeat_penalty: float = 1.1


@dataclass
class _Snapshot:
    tokens: tuple[int, ...]
    state: bytes
    seed: int


class LlamaGuideGenerator:
    """A :class:`station.services.guidance.ports.GuideGenerator` backed by ``llama_cpp.Llama`` (thread-safe)."""

    def __init__(self, model_path: Path, *, model_name: str | None = None, spec: LlmModelSpec | None = None,
                 n_ctx: int = DEFAULT_CTX, n_threads: int | None = None, n_threads_batch: int | None = None,
                 n_gpu_layers: int | None = None, sampling: SamplingParams | None = None, seed: int = 7, prefix_cache_size: int = 8) -> None:
        self.model_path = Path(model_path)
        self.spec = spec
        self.model_name = model_name or (spec.name if spec else self.model_path.stem)
        self.languages: tuple[str, ...] = spec.languages if spec else ("en",)
        self._n_ctx = n_ctx
        self._n_threads = n_threads or default_threads()
        self._n_threads_batch = n_threads_batch or self._n_threads
        self._n_gpu_layers = n_gpu_layers
        self.sampling = sampling or SamplingParams()
        self._seed = seed
        self._cache_size = prefix_cache_size
        self.n_batch = min(PROMPT_BATCH, n_ctx)
        self._llm = None
        self._renderer: ChatRenderer | None = None
        self._snapshots: OrderedDict[tuple[int, ...], _Snapshot] = OrderedDict()
        self._lock = threading.RLock()
        self.gpu_layers = 0
        self.load_s: float | None = None
        # check only the sampled token against the grammar (llama.cpp's way) instead of the whole vocabulary
        self.lazy_grammar = True

    # Loading --------------------------------------------------------------------------------
    def _model(self):  # type: ignore[no-untyped-def]
        if self._llm is None:
            start = time.perf_counter()
            if not self.model_path.is_file():
                raise ConfigurationError(f"LLM model file not found: {self.model_path}")
            if self.spec is not None:
                _verify_once(self.model_path, self.spec)
            import llama_cpp

            gpu = self._n_gpu_layers
            if gpu is None:
                gpu = -1 if llama_cpp.llama_supports_gpu_offload() else 0
            try:
                self._llm = llama_cpp.Llama(
                    model_path=str(self.model_path), n_ctx=self._n_ctx, n_batch=self.n_batch,
                    n_threads=self._n_threads, n_threads_batch=self._n_threads_batch, n_gpu_layers=gpu,
                    seed=self._seed, use_mmap=False, verbose=False)
            except ValueError as exc:
                raise ConfigurationError(f"llama.cpp cannot load {self.model_path.name}: {exc}") from exc
            self.gpu_layers = gpu
            self._renderer = ChatRenderer.for_model(self._llm)
            self.load_s = time.perf_counter() - start
        return self._llm

    # Prefix cache ---------------------------------------------------------------------------
    def _tokens(self, prompt: PromptParts) -> tuple[list[int], list[int], list[int]]:
        self._model()
        assert self._renderer is not None
        return self._renderer.tokens(prompt)

    def _live_prefix(self, tokens: list[int]) -> int:
        llm = self._llm
        n = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens], tokens):
            if a != b:
                break
            n += 1
        return n

    def _snapshot(self, tokens: list[int]) -> None:
        """The live KV state (``llama_state_get_data``; ``Llama.save_state`` would also copy up to n_batch
        rows of logits, 78 MB for Qwen2.5, that nothing here reads)."""
        import llama_cpp

        ctx = self._llm._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_get_data(ctx, buffer, size)
        if written > size:
            raise RuntimeError("llama.cpp could not copy the prompt state")
        self._remember(_Snapshot(tuple(tokens), bytes(memoryview(buffer)[:written]), self._llm._seed))

    def _remember(self, snapshot: _Snapshot) -> None:
        self._snapshots[snapshot.tokens] = snapshot
        self._snapshots.move_to_end(snapshot.tokens)
        while len(self._snapshots) > self._cache_size + 1:  # +1: the system prompt's stays
            oldest = next(k for k in self._snapshots if k != self._system_key)
            del self._snapshots[oldest]

    def _restore(self, snapshot: _Snapshot) -> None:
        """Sets the KV cache to the snapshot with ``llama_state_set_data`` directly: ``Llama.load_state``
        also rewrites and scans its whole logits buffer (n_batch x n_vocab floats, 78 MB for Qwen2.5), which
        is unused here (logits_all is off)."""
        import llama_cpp

        llm = self._llm
        n = len(snapshot.tokens)
        size = len(snapshot.state)
        buffer = (ctypes.c_uint8 * size).from_buffer_copy(snapshot.state)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buffer, size) != size:
            raise RuntimeError("llama.cpp could not restore a cached prompt state")
        llm.input_ids[:n] = snapshot.tokens
        llm.n_tokens = n
        llm._seed = snapshot.seed
        self._snapshots.move_to_end(snapshot.tokens)

    _system_key: tuple[int, ...] = ()

    def _ensure_prefix(self, system: list[int], stable: list[int]) -> int:
        """Makes the live KV cache hold ``system + stable``; returns how many of those tokens were already
        there or restored from a snapshot (the rest is evaluated now and snapshotted for next time)."""
        llm = self._llm
        prefix = system + stable
        live = self._live_prefix(prefix)
        if live == len(prefix):
            return live
        snapshot = self._snapshots.get(tuple(prefix))
        if snapshot is not None:
            self._restore(snapshot)
            return len(prefix)
        reused = live
        if live < len(system):
            snapshot = self._snapshots.get(tuple(system))
            if snapshot is not None:
                self._restore(snapshot)
                reused = len(system)
            else:
                llm.n_tokens = live
                llm.eval(system[live:])
                self._system_key = tuple(system)
                self._snapshot(system)
            live = len(system)
        llm.n_tokens = live
        llm.eval(prefix[live:])
        self._snapshot(prefix)
        return reused

    def warm(self, prompt: PromptParts) -> None:
        with self._lock:
            system, stable, _ = self._tokens(prompt)
            self._ensure_prefix(system, stable)

    # Generation -----------------------------------------------------------------------------
    def generate(self, prompt: PromptParts, on_token: Callable[[str], None] | None = None,
                 cancel=None, max_tokens: int = 512) -> Generation:  # type: ignore[no-untyped-def]
        with self._lock:
            start = time.perf_counter()
            llm = self._model()
            system, stable, variable = self._tokens(prompt)
            tokens = system + stable + variable
            if len(tokens) + 8 >= self._n_ctx:
                raise ConfigurationError(f"guide prompt of {len(tokens)} tokens does not fit the context "
                                         f"({self._n_ctx}); fewer manual excerpts are needed")
            cached = self._ensure_prefix(system, stable)
            return self._stream(llm, tokens, cached, start, on_token, cancel,
                                min(max_tokens, self._n_ctx - len(tokens) - 1),
                                prompt.answer_stable + prompt.answer_prefix, prompt.grammar)

    def _stream(self, llm, tokens, cached, start, on_token, cancel, max_tokens, prompt_prefix,  # type: ignore[no-untyped-def]
                grammar_text=None):
        import llama_cpp

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        s = self.sampling
        pieces: list[str] = []
        generated: list[int] = []
        first: float | None = None
        cancelled = False
        if on_token is not None and prompt_prefix:
            on_token(prompt_prefix)
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        if grammar_text and self.lazy_grammar:
            sampler = GrammarSampler(llm, grammar_text, temperature=s.temperature, top_k=s.top_k, top_p=s.top_p,
                                     min_p=s.min_p, repeat_penalty=s.repeat_penalty, seed=self._seed)
            stream = grammar_tokens(llm, tokens, self._live_prefix(tokens), sampler)
        else:
            grammar = llama_cpp.LlamaGrammar.from_string(grammar_text, verbose=False) if grammar_text else None
            stream = llm.generate(tokens, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p, temp=s.temperature,
                                  repeat_penalty=s.repeat_penalty, grammar=grammar)
        try:
            for token in stream:
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                generated.append(token)
                # a few previous tokens are enough context for leading-space handling; the whole prompt
                # would be detokenized again for every token
                prev = (tokens[-8:] + generated[:-1])[-8:]
                text = decoder.decode(llm.detokenize([token], prev_tokens=prev))
                if text:
                    if first is None:
                        first = time.perf_counter() - start
                    pieces.append(text)
                    if on_token is not None:
                        on_token(text)
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    break
                if len(generated) >= max_tokens or _looping(generated):
                    break
        finally:
            stream.close()
        tail = decoder.decode(b"", final=True)
        if tail:
            pieces.append(tail)
        return Generation(text=prompt_prefix + "".join(pieces), model_name=self.model_name, prompt_tokens=len(tokens),
                          completion_tokens=len(generated), cached_tokens=cached, first_token_s=first,
                          total_s=time.perf_counter() - start, cancelled=cancelled, gpu_layers=self.gpu_layers)

    # Saved prompt state ---------------------------------------------------------------------
    @property
    def model_sha256(self) -> str:
        if self.spec is not None:
            return self.spec.sha256
        stat = self.model_path.stat()
        return f"unverified-{self.model_path.name}-{stat.st_size}-{stat.st_mtime_ns}"

    def save_prompt_state(self, prompt: PromptParts, directory: Path, manual_hash: str) -> list[Path]:
        """Evaluates the prompt's system and stable parts (when not cached yet) and writes their KV state
        to ``directory``: one file for the language's system prompt, one for the stable part
        (``prompt.key``). Returns the files written."""
        if not prompt.key:
            raise ValueError("a prompt without a key cannot be saved")
        with self._lock:
            system, stable, _ = self._tokens(prompt)
            self._ensure_prefix(system, stable)
            llm = self._llm
            language = prompt.key.split("/", 1)[0]
            written = []
            for key, tokens, digest in ((f"{language}/system", tuple(system), ""),
                                        (prompt.key, tuple(system + stable), manual_hash)):
                snapshot = self._snapshots.get(tokens)
                if snapshot is None:
                    continue
                saved = SavedState(key, self.model_sha256, digest, tokens, snapshot.seed, llm.n_ctx(), snapshot.state)
                written.append(write_state(state_path(directory, self.model_sha256, key), saved))
            return written

    def load_prompt_state(self, prompt: PromptParts, directory: Path, manual_hash: str) -> int:
        """Loads the saved KV state of the prompt's system prompt and stable part into the snapshot cache
        (the live context is restored from it when a guide starts). Returns how many prefix tokens are
        now cached (0 when the stable part's state is not saved); raises :class:`StaleStateError` for a file of another model or manual version, or
        one whose tokens are not this prompt's."""
        if not prompt.key:
            raise ValueError("a prompt without a key cannot be loaded")
        with self._lock:
            system, stable, _ = self._tokens(prompt)
            prefix = tuple(system + stable)
            if prefix in self._snapshots:
                return len(prefix)
            llm = self._llm
            language = prompt.key.split("/", 1)[0]
            best = 0
            for key, tokens, digest in ((f"{language}/system", tuple(system), ""), (prompt.key, prefix, manual_hash)):
                path = state_path(directory, self.model_sha256, key)
                if not path.is_file():
                    continue
                saved = read_state(path, model_sha256=self.model_sha256, manual_hash=digest, n_ctx=llm.n_ctx())
                if saved.tokens != tokens:
                    raise StaleStateError(f"{path.name} holds another prompt than the current one for {key}")
                if key.endswith("/system"):
                    self._system_key = tokens
                self._remember(_Snapshot(tokens, saved.state, saved.seed))
                best = len(tokens) if tokens == prefix else 0
            return best

    def close(self) -> None:
        with self._lock:
            self._snapshots.clear()
            if self._llm is not None:
                self._llm.close()
                self._llm = None


def default_threads() -> int:
    """Half the logical CPUs (the physical cores where there is SMT), at least one. On a 2-core station a
    second thread buys little when idle but slows decoding 5-8x as soon as anything else runs (camera,
    GUI, PatchCore): measured 16 vs 2-3 tokens/s for Qwen2.5-1.5B with 1 vs 2 threads under load."""
    return max(1, (os.cpu_count() or 2) // 2)
    # The same holds for prompt batches (``n_threads_batch``): a 26-token batch took 2.2-2.7 s with one
    # thread and 6.7-9.5 s with two on the 2-core machine at load 8; after a saved state a guide evaluates
    # only a few tokens, so the second thread would save little even when the machine is idle.


def _looping(tokens: list[int], window: int = 48, max_cycle: int = 8) -> bool:
    """True when the last ``window`` tokens repeat one short cycle (a degenerate small-model loop)."""
    if len(tokens) < window:
        return False
    tail = tokens[-window:]
    return any(all(tail[i] == tail[i % cycle] for i in range(window)) for cycle in range(1, max_cycle + 1))


def _verify_once(path: Path, spec: LlmModelSpec) -> None:
    """sha256 check, remembered in a stamp file next to the model (size + mtime) to skip re-hashing."""
    stat = path.stat()
    stamp = path.with_name(f".{path.name}.verified")
    expected = f"{spec.sha256} {stat.st_size} {stat.st_mtime_ns}"
    try:
        if stamp.read_text().strip() == expected:
            return
    except OSError:
        pass
    verify_model(path, spec)
    try:
        stamp.write_text(expected + "\n")
    except OSError:
        pass


def load_generator(models_dir: Path, preferred: str | None = None, **options) -> LlamaGuideGenerator | None:  # type: ignore[no-untyped-def]
    """A generator for the best installed model (or ``preferred``), None when no model is installed or
    llama-cpp-python is missing. Cheap: the model itself loads on first use."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return None
    found = find_llm_model(models_dir, preferred)
    if found is None:
        return None
    spec, path = found
    return LlamaGuideGenerator(path, spec=spec, **options)
