"""Saved KV state of the guide prompts, so that the first guide of a fresh process starts in about a second.

For each language the model writes and each defect type of the product, the KV state of the system
prompt and of the defect's stable prompt part (product, defect, its manual excerpts) is computed and
saved beside the retrieval index, tagged with the model's sha256 and a hash of the product's active
manual sections. ``build`` runs when a manual is ingested or a model installed, as a ``rag_indexing``
deployment step (``config.step = "prompt_states"``) with progress; ``load`` reads the files at bench
start. A file of another model or manual version is refused (and computed again by ``load(...,
rebuild=True)``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from station.domain.engine import Progress, ProgressCallback
from station.domain.enums import DeploymentStatus
from station.domain.errors import StationError
from station.domain.guidance import Language
from station.domain.manuals import StoredSection
from station.services.guidance.ports import PromptStateCache
from station.services.shared.ports import DeploymentLog

log = logging.getLogger(__name__)
STEP = "prompt_states"


def manual_hash(sections: Sequence[StoredSection]) -> str:
    """sha256 of the product's active manual sections as the prompts use them (order-independent)."""
    rows = sorted((s.manual_id, s.chunk_index, s.defect_code or "", s.section_type, s.title, s.text, s.page or 0)
                  for s in sections)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


class PromptStates:
    """Builds and loads the saved prompt states of a :class:`GuidanceService`'s generator."""

    def __init__(self, guidance: Any, directory: Path, deployments: DeploymentLog | None = None) -> None:
        self.guidance = guidance
        self.directory = Path(directory)
        self._deployments = deployments

    @property
    def cache(self) -> PromptStateCache | None:
        generator = self.guidance.generator
        return generator if isinstance(generator, PromptStateCache) else None

    def build(self, product_code: str, languages: Sequence[Language] | None = None, *, user_id: int | None = None,
              progress: ProgressCallback | None = None) -> dict[str, Any]:
        """Computes and saves the states of every defect of the product in each language; recorded as a
        ``rag_indexing`` deployment (the step ``prompt_states``). Without a capable model: nothing."""
        cache = self.cache
        if cache is None:
            return {"step": STEP, "saved": 0, "skipped": "no local LLM installed"}
        langs = [lang for lang in (languages or cache.languages) if lang in cache.languages]
        prompts = [(lang, code, prompt) for lang in langs
                   for code, prompt in self.guidance.stable_prompts(product_code, lang)]
        digest = self.guidance.manual_hash(product_code)
        config = {"step": STEP, "model": cache.model_name, "model_sha256": cache.model_sha256,
                  "manual_hash": digest, "languages": langs, "directory": str(self.directory)}
        product_id = self.guidance.product_id(product_code)
        deployment_id = self._deployments.start("rag_indexing", product_id, config, user_id) \
            if self._deployments else None
        say = progress or (lambda report: None)
        files: list[str] = []
        try:
            for done, (lang, code, prompt) in enumerate(prompts, start=1):
                files += [str(p) for p in cache.save_prompt_state(prompt, self.directory, digest)]
                say(Progress(STEP, done, len(prompts), f"prompt state {lang}/{code}"))
        except Exception as exc:
            if deployment_id is not None:
                self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, None, str(exc)[:500])
            raise
        summary = {"step": STEP, "saved": len(prompts), "files": sorted(set(files)), "deployment_id": deployment_id}
        if deployment_id is not None:
            self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value,
                                     {"step": STEP, "saved": len(prompts), "languages": langs})
        return summary

    def load(self, product_code: str, language: Language, *, rebuild: bool = False) -> dict[str, Any]:
        """Loads the saved states of the product's defects for ``language``; a missing or refused file
        is listed (with the reason) and, with ``rebuild``, computed and saved now."""
        cache = self.cache
        if cache is None or language not in cache.languages:
            return {"loaded": [], "refused": {}, "rebuilt": []}
        digest = self.guidance.manual_hash(product_code)
        loaded, refused, rebuilt = [], {}, []
        for code, prompt in self.guidance.stable_prompts(product_code, language):
            try:
                if cache.load_prompt_state(prompt, self.directory, digest):
                    loaded.append(code)
                    continue
                refused[code] = "not saved yet"
            except (StationError, OSError) as exc:
                refused[code] = str(exc)
                log.info("saved prompt state of %s/%s refused: %s", language, code, exc)
            if rebuild:
                cache.save_prompt_state(prompt, self.directory, digest)
                rebuilt.append(code)
        return {"loaded": loaded, "refused": refused, "rebuilt": rebuilt}
