"""What the command line needs from the adapters, wired here so that ``station.cli`` itself imports no
adapter (see the import contracts in pyproject.toml): databases, repositories behind services, manual
parsing and guidance, schema migration, backups, sync credentials and recovery, model providers."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from station.adapters.db import central_upkeep, migrate
from station.adapters.db.backup import backup_postgres, backup_sqlite
from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.engine import make_engine, redact
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.guidance.embedder import load_embedder
from station.adapters.guidance.llm.generator import load_generator
from station.adapters.sync.credentials import SECRET_NAMES, store_keyring_secret
from station.adapters.sync.recovery import recover_local_store
from station.adapters.storage.local import LocalFolderStore
from station.app.admin import build_users
from station.app.guidance import build_guidance_service
from station.app.station import open_local_store
from station.app.storage import build_object_store, build_object_target
from station.config import Settings
from station.domain.guidance import Language
from station.services.admin import UserService, import_defect_mapping
from station.services.guidance import GuidanceService, ManualService

__all__ = [
    "SECRET_NAMES", "Database", "SqlReportReader", "archive_target", "backup_postgres", "backup_sqlite",
    "catalog_import", "central_upkeep", "guidance_service",
    "make_engine", "manual_parser", "manual_service", "migrate", "model_providers", "open_database",
    "open_local_store", "recover_local_store", "redact", "store_keyring_secret", "user_service",
]

MODEL_PROVIDERS: tuple[str, ...] = (
    "station.adapters.guidance.llm.models",  # GGUF LLMs for guides (SmolLM2, Qwen2.5-Coder-1.5B)
    "station.adapters.engine.vision_models",  # PatchCore backbones and CLIP for the inspection engine
)


def model_providers() -> list[ModuleType]:
    """The modules that list and fetch model weights (``station models``)."""
    return [importlib.import_module(name) for name in MODEL_PROVIDERS]


def archive_target(settings: Settings, folder: Path | None) -> tuple[central_upkeep.ArchiveTarget, str]:
    """Where retention archives: ``folder`` (a folder store) if given, else the configured object store
    (``storage_backend``: the storage folder, or the S3 bucket); with a line naming it."""
    if folder is not None:
        return LocalFolderStore(folder), f"folder {folder}"
    if settings.storage_backend == "s3":
        return build_object_target(settings), f"bucket {settings.s3_bucket}"  # type: ignore[return-value]
    return LocalFolderStore(settings.resolved_storage_dir), f"folder {settings.resolved_storage_dir}"


def user_service(db: Database) -> UserService:
    return build_users(db)


def catalog_import(db: Database, path: Path) -> dict[str, int]:
    """Products and defect types from ``defect_mapping.json`` into ``db`` (idempotent)."""
    return import_defect_mapping(SqlCatalogRepository(db), path)


def manual_parser() -> DocumentManualParser:
    return DocumentManualParser()


def manual_service(settings: Settings, db: Database) -> ManualService:
    return ManualService(SqlCatalogRepository(db), SqlManualRepository(db), DocumentManualParser(),
                         build_object_store(settings), SqlDeploymentLog(db), load_embedder())


def guidance_service(settings: Settings, db: Database, *, model: str | None = None, use_llm: bool = True,
                     language: Language | None = None) -> GuidanceService:
    generator = load_generator(settings.resolved_models_dir, model) if use_llm else None
    return build_guidance_service(settings, SqlCatalogRepository(db), SqlManualRepository(db), SqlDeploymentLog(db),
                                  load_embedder(), generator, language or settings.language)
