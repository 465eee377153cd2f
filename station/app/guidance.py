"""Wires the manual and guidance services: SQL manual repository, document parser, the offline
embedder (when installed) and the local LLM (when a model is in the models directory)."""

from __future__ import annotations

from dataclasses import dataclass

from station.adapters.db.database import Database
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.guidance.embedder import load_embedder
from station.adapters.guidance.llm.generator import load_generator
from station.config import Settings
from station.services.guidance import GuidanceService, ManualService, PromptStates
from station.services.shared.ports import CatalogReader, DeploymentLog, ObjectStore


@dataclass
class GuidanceParts:
    manuals: ManualService
    guidance: GuidanceService
    prompt_states: PromptStates


def prompt_states_dir(settings: Settings):  # type: ignore[no-untyped-def]
    """Where the saved KV state of the guide prompts lives: beside the retrieval index, in the home."""
    return settings.home / "rag_index" / "prompt_states"


def build_guidance(settings: Settings, db: Database, catalog: CatalogReader, storage: ObjectStore,
                   deployments: DeploymentLog) -> GuidanceParts:
    """Cheap: the embedder and the LLM load their weights on first use (in the worker thread)."""
    embedder = load_embedder()
    repo = SqlManualRepository(db)
    manuals = ManualService(catalog, repo, DocumentManualParser(), storage, deployments, embedder)
    guidance = GuidanceService(catalog, repo, embedder=embedder,
                               generator=load_generator(settings.resolved_models_dir), language=settings.language)
    guidance.states = PromptStates(guidance, prompt_states_dir(settings), deployments)
    return GuidanceParts(manuals=manuals, guidance=guidance, prompt_states=guidance.states)
