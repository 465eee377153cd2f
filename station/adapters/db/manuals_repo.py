"""SQL repository of manuals (``manuals``, ``manual_sections``) and of stored guides
(``inspection_results.guide_content`` / ``guide_generated`` / ``guide_quality_score``)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, InspectionResult, Manual, ManualSection
from station.domain.enums import SectionType
from station.domain.errors import NotFoundError, ValidationError
from station.domain.inspection import PROVENANCE_KEYS
from station.domain.manuals import ManualInfo, NewManual, StoredSection


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class SqlManualRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def find_by_file(self, product_id: int, file_path: str) -> ManualInfo | None:
        with self._db.session() as session:
            row = session.scalar(select(Manual).where(
                Manual.product_id == product_id, Manual.file_path == file_path, Manual.is_active.is_(True)))
            return _info(row, _count(session, row.manual_id)) if row is not None else None

    def add_manual(self, manual: NewManual) -> ManualInfo:
        for item in manual.sections:
            SectionType(item.section.section_type)
        with self._db.session(user_id=manual.uploaded_by) as session:
            versions = session.scalars(select(Manual.version).where(Manual.product_id == manual.product_id))
            numbers = [int(v) for v in versions if v and v.isdigit()]
            session.execute(
                update(Manual).where(Manual.product_id == manual.product_id, Manual.file_name == manual.file_name,
                                     Manual.is_active.is_(True)).values(is_active=False))
            indexed = bool(manual.sections) and all(s.embedding is not None for s in manual.sections)
            row = Manual(
                product_id=manual.product_id, manual_title=manual.title[:200], file_name=manual.file_name[:255],
                file_path=manual.file_path, file_size=manual.file_size, file_type=manual.file_type,
                version=str(max(numbers, default=0) + 1), uploaded_by=manual.uploaded_by,
                vector_indexed=indexed, indexed_at=_utc_now() if indexed else None,
            )
            session.add(row)
            session.flush()
            for item in manual.sections:
                section = item.section
                session.add(ManualSection(
                    manual_id=row.manual_id, defect_type_id=item.defect_type_id,
                    section_type=section.section_type, section_title=section.title[:200] or None,
                    section_content=section.text, page_number=section.page, chunk_index=section.chunk_index,
                    embedding_vector=item.embedding,
                ))
            session.flush()
            return _info(row, len(manual.sections))

    def list_manuals(self, product_id: int | None = None, *, active_only: bool = True) -> list[ManualInfo]:
        with self._db.session() as session:
            query = select(Manual).order_by(Manual.manual_id)
            if product_id is not None:
                query = query.where(Manual.product_id == product_id)
            if active_only:
                query = query.where(Manual.is_active.is_(True))
            counts = dict(session.execute(
                select(ManualSection.manual_id, func.count()).group_by(ManualSection.manual_id)).all())
            return [_info(row, counts.get(row.manual_id, 0)) for row in session.scalars(query)]

    def active_sections(self, product_id: int) -> list[StoredSection]:
        with self._db.session() as session:
            rows = session.execute(
                select(ManualSection, Manual.manual_title, Manual.file_name, DefectType.defect_code)
                .join(Manual, Manual.manual_id == ManualSection.manual_id)
                .outerjoin(DefectType, DefectType.defect_type_id == ManualSection.defect_type_id)
                .where(Manual.product_id == product_id, Manual.is_active.is_(True))
                .order_by(Manual.manual_id, ManualSection.chunk_index, ManualSection.section_id)
            ).all()
            return [
                StoredSection(
                    section_id=s.section_id, manual_id=s.manual_id or 0, manual_title=title, file_name=file_name,
                    defect_type_id=s.defect_type_id, defect_code=code, section_type=s.section_type,
                    title=s.section_title or "", text=s.section_content, page=s.page_number,
                    chunk_index=s.chunk_index or 0, embedding=s.embedding_vector,
                )
                for s, title, file_name, code in rows
            ]

    def set_section_embeddings(self, embeddings: dict[int, bytes]) -> None:
        if not embeddings:
            return
        with self._db.session() as session:
            manual_ids = set()
            for section_id, vector in embeddings.items():
                row = session.get(ManualSection, section_id)
                if row is not None:
                    row.embedding_vector = vector
                    manual_ids.add(row.manual_id)
            session.flush()
            for manual_id in manual_ids:
                missing = session.scalar(select(func.count()).select_from(ManualSection).where(
                    ManualSection.manual_id == manual_id, ManualSection.embedding_vector.is_(None)))
                if not missing:
                    session.execute(update(Manual).where(Manual.manual_id == manual_id).values(
                        vector_indexed=True, indexed_at=_utc_now()))

    # Guides ----------------------------------------------------------------------------------
    def save_guide(self, result_id: int, content: str, quality_score: float | None, *,
                   manual_id: int | None = None, guide_model: str | None = None) -> None:
        """Stores the guide; ``manual_id`` (the manual the excerpts came from) and ``guide_model`` go into the
        result's provenance, the manual as its portable key (``sync_uuid``) and version."""
        if not content.strip():
            raise ValidationError("refusing to store an empty guide")
        if quality_score is not None and not 0.0 <= quality_score <= 1.0:
            raise ValidationError(f"guide quality score must be between 0 and 1, got {quality_score}")
        with self._db.session() as session:
            row = session.get(InspectionResult, result_id)
            if row is None:
                raise NotFoundError(f"no inspection result {result_id}")
            row.guide_content = content
            row.guide_generated = True
            row.guide_quality_score = quality_score
            manual = session.get(Manual, manual_id) if manual_id is not None else None
            provenance = dict.fromkeys(PROVENANCE_KEYS) | dict(row.provenance or {})
            provenance.update(manual_id=None if manual is None else manual.sync_uuid,
                              manual_version=None if manual is None else manual.version, guide_model=guide_model)
            row.provenance = provenance

    def get_guide(self, result_id: int) -> tuple[str | None, bool, float | None]:
        with self._db.session() as session:
            row = session.get(InspectionResult, result_id)
            if row is None:
                raise NotFoundError(f"no inspection result {result_id}")
            return row.guide_content, bool(row.guide_generated), row.guide_quality_score


def _count(session, manual_id: int) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(ManualSection).where(
        ManualSection.manual_id == manual_id)) or 0


def _info(row: Manual, sections: int) -> ManualInfo:
    return ManualInfo(
        manual_id=row.manual_id, product_id=row.product_id or 0, title=row.manual_title, file_name=row.file_name,
        file_path=row.file_path, file_type=row.file_type, version=row.version,
        vector_indexed=bool(row.vector_indexed), indexed_at=row.indexed_at, section_count=sections,
        is_active=bool(row.is_active) if row.is_active is not None else True,
    )
