"""Wires the manual and guidance services: SQL manual repository, document parser, the offline
embedder (when installed), the local LLM (when a model is in the models directory), the English word
list and the file of translated manual lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.adapters.db.database import Database
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.guidance.embedder import load_embedder
from station.adapters.guidance.lexicon import load_lexicon
from station.adapters.guidance.llm.generator import load_generator
from station.adapters.guidance.translations import FileTranslationStore
from station.config import Settings
from station.domain.guidance import Language
from station.services.guidance import GuidanceService, ManualService, PromptStates
from station.services.guidance import GuideGenerator, ManualRepository, TextEmbedder
from station.services.shared.ports import CatalogReader, DeploymentLog, ObjectStore


@dataclass(frozen=True)
class GuidanceServices:
    manuals: ManualService  # manual ingestion (station manuals ingest, admin screens)
    guidance: GuidanceService  # manual excerpts and guides for an inspection (call from a worker thread)


def prompt_states_dir(settings: Settings) -> Path:
    """Where the saved KV state of the guide prompts lives: beside the retrieval index, in the home."""
    return settings.home / "rag_index" / "prompt_states"


def translations_path(settings: Settings) -> Path:
    """Where the checked translations of manual lines are kept: beside the retrieval index, in the home."""
    return settings.home / "rag_index" / "translations.json"


def build_guidance_service(settings: Settings, catalog: CatalogReader, manuals: ManualRepository,
                           deployments: DeploymentLog, embedder: TextEmbedder | None,
                           generator: GuideGenerator | None, language: Language) -> GuidanceService:
    """The guidance service with the saved KV state of its guide prompts (``guidance.states``), the English
    word list and the kept translations of manual lines."""
    guidance = GuidanceService(catalog, manuals, embedder=embedder, generator=generator, language=language,
                               lexicon=load_lexicon(), translations=FileTranslationStore(translations_path(settings)))
    guidance.states = PromptStates(guidance, prompt_states_dir(settings), deployments)
    return guidance


def build_guidance(settings: Settings, db: Database, catalog: CatalogReader, storage: ObjectStore,
                   deployments: DeploymentLog) -> GuidanceServices:
    """Cheap: the embedder and the LLM load their weights on first use (in the worker thread)."""
    embedder = load_embedder()
    repo = SqlManualRepository(db)
    manuals = ManualService(catalog, repo, DocumentManualParser(), storage, deployments, embedder)
    guidance = build_guidance_service(settings, catalog, repo, deployments, embedder,
                                      load_generator(settings.resolved_models_dir), settings.language)
    return GuidanceServices(manuals=manuals, guidance=guidance)
