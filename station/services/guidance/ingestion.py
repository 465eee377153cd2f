"""Manual ingestion: parse, link to the product's defect types, embed, store file and sections,
and record a ``rag_indexing`` deployment. All files of one call are parsed before anything is stored,
so a manual that cannot be parsed stores nothing. What one manual indexes is bounded
(:mod:`station.services.guidance.bounds`): too large a file is refused unread, too many sections are cut
with one line saying what was cut."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from station.domain.engine import Progress, ProgressCallback
from station.domain.enums import DeploymentStatus, DeploymentType
from station.domain.errors import NotFoundError, ValidationError
from station.domain.manuals import (
    IngestReport,
    ManualInfo,
    NewManual,
    ParsedManual,
    SectionToStore,
)
from station.services.guidance.bounds import MAX_MANUAL_BYTES, bound_sections
from station.services.guidance.ports import ManualParser, ManualRepository, TextEmbedder
from station.services.guidance.retrieval import pack_embedding
from station.services.guidance.text import section_text
from station.services.shared.ports import CatalogReader, DeploymentLog, ObjectStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Parsed:
    path: Path
    data: bytes
    manual: ParsedManual
    note: str | None = None  # what was cut to bound the indexing


class ManualService:
    def __init__(self, catalog: CatalogReader, repo: ManualRepository, parser: ManualParser, store: ObjectStore,
                 deployments: DeploymentLog, embedder: TextEmbedder | None = None) -> None:
        self._catalog = catalog
        self._repo = repo
        self._parser = parser
        self._store = store
        self._deployments = deployments
        self._embedder = embedder

    def parse(self, product_code: str, path: Path) -> ParsedManual:
        """Sections of a manual file linked to the product's defect types (nothing stored)."""
        product = self._catalog.get_product(product_code)
        return self._parser.parse(_read(path), Path(path).name, product.defect_types)

    def ingest(self, product_code: str, paths: Sequence[Path], *, user_id: int | None = None,
               progress: ProgressCallback | None = None) -> list[IngestReport]:
        """Ingests manuals of a product; raises a StationError (nothing stored) if any cannot be parsed.
        ``progress`` hears ``parse`` then ``index`` (parse, embed, store) per file."""
        if not paths:
            raise ValidationError("no manual files given")
        report = progress or (lambda _p: None)
        product = self._catalog.get_product(product_code)
        parsed = []
        for done, path in enumerate(paths):
            report(Progress("parse", done, len(paths), Path(path).name))
            data = _read(path)
            manual, note = bound_sections(self._parser.parse(data, Path(path).name, product.defect_types),
                                          Path(path).name)
            if note:
                log.warning("%s", note)
            parsed.append(_Parsed(Path(path), data, manual, note))
        report(Progress("parse", len(paths), len(paths), "parsed"))
        stored = []
        for done, item in enumerate(parsed):
            report(Progress("index", done, len(parsed), item.path.name))
            stored.append(self._store_one(product.product_id, product.defect_types, item, user_id))
        report(Progress("index", len(parsed), len(parsed), "stored"))
        return stored

    def _store_one(self, product_id: int, defect_types, item: _Parsed, user_id: int | None) -> IngestReport:  # type: ignore[no-untyped-def]
        key = self._store.put_bytes(item.data, kind="manual", suffix=item.path.suffix)
        existing = self._repo.find_by_file(product_id, key)
        if existing is not None:
            return _report(existing, item.manual, defect_types, None, already=True, note=item.note)
        config = {"file_name": item.path.name, "file_path": key, "sections": len(item.manual.sections),
                  "embedder": self._embedder.name if self._embedder else None}
        deployment_id = self._deployments.start(DeploymentType.RAG_INDEXING.value, product_id, config, user_id)
        try:
            vectors = self._embed(item.manual)
            ids = {d.code: d.defect_type_id for d in defect_types}
            sections = tuple(
                SectionToStore(s, ids.get(s.defect_code) if s.defect_code else None,
                               pack_embedding(self._embedder.name, vectors[i]) if vectors is not None
                               and self._embedder is not None else None)
                for i, s in enumerate(item.manual.sections))
            info = self._repo.add_manual(NewManual(
                product_id=product_id, title=item.manual.title, file_name=item.path.name, file_path=key,
                file_size=len(item.data), file_type=item.manual.file_type, uploaded_by=user_id, sections=sections))
        except Exception as exc:
            self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, error_message=str(exc)[:2000])
            raise
        report = _report(info, item.manual, defect_types, self._embedder.name if self._embedder else None,
                         deployment_id=deployment_id, note=item.note)
        self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value, {
            "manual_id": info.manual_id, "version": info.version, "sections": report.sections,
            "linked": report.linked, "missing": report.missing, "vector_indexed": info.vector_indexed,
            "unlinked_headings": list(item.manual.unlinked_headings), "notes": report.notes})
        return report

    def _embed(self, manual: ParsedManual):  # type: ignore[no-untyped-def]
        if self._embedder is None:
            return None
        try:
            return self._embedder.embed([section_text(s) for s in manual.sections])
        except Exception as exc:  # stored without vectors: retrieval embeds them later or stays lexical
            log.warning("embedding failed, manual stored for lexical retrieval: %s", exc)
            return None

    def list_manuals(self, product_code: str | None = None) -> list[ManualInfo]:
        product_id = self._catalog.get_product(product_code).product_id if product_code else None
        return self._repo.list_manuals(product_id)


def _read(path: Path) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_MANUAL_BYTES:
            raise ValidationError(f"manual {Path(path).name} is {size / 1e6:.1f} MB; at most "
                                  f"{MAX_MANUAL_BYTES / 1e6:.0f} MB is accepted: split it into several files")
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"manual file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise ValidationError(f"{path} is a folder, not a manual file") from exc
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _report(info: ManualInfo, manual: ParsedManual, defect_types, embedder: str | None, *,  # type: ignore[no-untyped-def]
            already: bool = False, deployment_id: int | None = None, note: str | None = None) -> IngestReport:
    linked: dict[str, list[str]] = {}
    for section in manual.sections:
        if section.defect_code:
            kinds = linked.setdefault(section.defect_code, [])
            if section.section_type not in kinds:
                kinds.append(section.section_type)
    missing = [d.code for d in defect_types
               if not {"cause", "action"} <= set(linked.get(d.code, []))]
    return IngestReport(manual=info, sections=len(manual.sections), linked=linked, missing=missing,
                        embedder=embedder, already_present=already, deployment_id=deployment_id,
                        notes=[note] if note else [])
