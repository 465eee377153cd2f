"""Ports of guidance: the manual parser and store, the sentence embedder, the local LLM and its saved
prompt states, the English word list and the store of translated manual lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from station.domain.engine import CancelToken
from station.domain.guidance import Generation, PromptParts
from station.domain.manuals import (
    DefectName,
    ManualInfo,
    NewManual,
    ParsedManual,
    StoredSection,
)


class ManualParser(Protocol):
    def parse(self, data: bytes, file_name: str, defects: Sequence[DefectName]) -> ParsedManual:
        """Sections per defect type; raises a StationError for unreadable/encrypted/empty files."""
        ...


class TextEmbedder(Protocol):
    name: str  # stored with each vector: vectors of another embedder are not compared

    def embed(self, texts: Sequence[str]) -> Any:
        """A (len(texts), dim) float32 array of unit-length rows."""
        ...


class ManualRepository(Protocol):
    def find_by_file(self, product_id: int, file_path: str) -> ManualInfo | None:
        """The active manual of the product stored under that object key, if any."""
        ...

    def add_manual(self, manual: NewManual) -> ManualInfo:
        """Manual and its sections in one transaction; older active manuals with the same file name
        are deactivated; ``vector_indexed``/``indexed_at`` set when every section has an embedding."""
        ...

    def list_manuals(self, product_id: int | None = None, *, active_only: bool = True) -> list[ManualInfo]: ...

    def active_sections(self, product_id: int) -> list[StoredSection]: ...

    def set_section_embeddings(self, embeddings: dict[int, bytes]) -> None: ...

    def save_guide(self, result_id: int, content: str, quality_score: float | None, *,
                   manual_id: int | None = None, guide_model: str | None = None) -> None:
        """``inspection_results.guide_content``/``guide_generated``/``guide_quality_score``."""
        ...

    def get_guide(self, result_id: int) -> tuple[str | None, bool, float | None]: ...


class GuideGenerator(Protocol):
    """A local LLM that writes guides (llama.cpp)."""

    model_name: str
    languages: tuple[str, ...]

    def generate(self, prompt: PromptParts, on_token: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None, max_tokens: int = 512) -> Generation: ...

    def warm(self, prompt: PromptParts) -> None:
        """Evaluate and cache the system (and stable) part of the prompt ahead of time."""
        ...


@runtime_checkable
class PromptStateCache(Protocol):
    """A guide generator that can save and load the KV state of a prompt's fixed parts (llama.cpp)."""

    model_name: str
    languages: tuple[str, ...]

    @property
    def model_sha256(self) -> str: ...

    def save_prompt_state(self, prompt: PromptParts, directory: Path, manual_hash: str) -> list[Path]: ...

    def load_prompt_state(self, prompt: PromptParts, directory: Path, manual_hash: str) -> int: ...


class Lexicon(Protocol):
    """The English word list a guide item's words are checked against."""

    name: str

    def known(self, word: str) -> bool:
        """True for an English word (any case; British spellings too)."""
        ...


class TranslationStore(Protocol):
    """Checked translations of manual lines, kept between runs (keyed by model, glossary, language, line)."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, entries: dict[str, dict[str, Any]]) -> None:
        """Stores several entries at once (a failed write only costs the cache)."""
        ...
