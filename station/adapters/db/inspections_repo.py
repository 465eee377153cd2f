"""SQL recorder of inspections: image, metadata, inspection and result in one transaction.

After the commit the recorder calls ``on_recorded`` (the assembly passes the sync service's
``trigger``), so the new rows leave for the centre at once instead of at the next periodic pass.
A disk that fills during the transaction rolls it back whole and is reported as one
:class:`~station.domain.storage.DiskFullError` line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from station.adapters.db.database import Database
from station.adapters.db.models import Image, ImageMetadata, Inspection, InspectionResult
from station.domain.inspection import InspectionRecord, RecordedInspection, inspection_code
from station.domain.storage import DiskFullError


class SqlInspectionRecorder:
    def __init__(self, db: Database, station_id: str, on_recorded: Callable[[], None] | None = None) -> None:
        self._db = db
        self._station_id = station_id
        self.on_recorded = on_recorded

    def _next_code(self, session, day: datetime) -> str:  # type: ignore[no-untyped-def]
        prefix = inspection_code(day, self._station_id, 0)[:-4]
        last = session.scalar(
            select(Inspection.inspection_code).where(Inspection.inspection_code.like(f"{prefix}%"))
            .order_by(func.length(Inspection.inspection_code).desc(), Inspection.inspection_code.desc()).limit(1)
        )
        sequence = int(last[len(prefix):]) + 1 if last else 1
        return inspection_code(day, self._station_id, sequence)

    def record(self, record: InspectionRecord) -> RecordedInspection:
        when = record.inspected_at or datetime.now(timezone.utc).replace(tzinfo=None)
        for attempt in range(5):
            try:
                recorded = self._record_once(record, when)
            except IntegrityError as exc:  # another process took the same code: take the next one
                if "inspection_code" not in str(exc.orig) or attempt == 4:
                    raise
                continue
            except OperationalError as exc:  # SQLite rolled the transaction back: nothing was written
                if "full" not in str(exc.orig).lower():
                    raise
                raise DiskFullError("the disk is full: the inspection was not recorded (the local store is "
                                    "unchanged); free space or prune files already at the centre") from None
            if self.on_recorded is not None:
                self.on_recorded()
            return recorded
        raise AssertionError("unreachable")

    def _record_once(self, record: InspectionRecord, when: datetime) -> RecordedInspection:
        img = record.image
        with self._db.session(user_id=record.inspector_id) as session:
            image = Image(
                product_id=record.product_id, image_type="test", file_name=img.file_name,
                file_path=img.file_path, file_size=img.file_size, width=img.width, height=img.height,
                format=img.format, uploaded_by=record.inspector_id, view_code=record.view_code,
            )
            session.add(image)
            session.flush()
            session.add(ImageMetadata(
                image_id=image.image_id, exif_data=img.exif_data,
                preprocessing_applied=img.preprocessing_applied, embedding_vector=img.embedding,
                quality_score=img.quality_score,
            ))
            inspection = Inspection(
                inspection_code=self._next_code(session, when), product_id=record.product_id,
                test_image_id=image.image_id, reference_image_id=record.reference_image_id,
                inspector_id=record.inspector_id, inspection_date=when, status=record.status,
                processing_time=record.processing_time,
            )
            session.add(inspection)
            session.flush()
            result = InspectionResult(
                inspection_id=inspection.inspection_id, defect_detected=record.defect_detected,
                defect_type_id=record.defect_type_id, confidence_score=record.confidence_score,
                anomaly_score=record.anomaly_score, similarity_score=record.similarity_score,
                heatmap_path=record.heatmap_path, mask_path=record.mask_path,
                overlay_path=record.overlay_path, comparison_path=record.comparison_path,
                detected_regions=record.detected_regions, verdict=record.verdict,
                image_threshold=record.image_threshold, pixel_threshold=record.pixel_threshold,
                review_threshold=record.review_threshold, provenance=record.stored_provenance(),
                view_code=record.view_code, view_results=record.view_results,
            )
            result.defect_detected = record.stored_defect_detected
            session.add(result)
            session.flush()
            return RecordedInspection(
                inspection_id=inspection.inspection_id, inspection_code=inspection.inspection_code,
                result_id=result.result_id, test_image_id=image.image_id, verdict=record.verdict,
                image_threshold=record.image_threshold, pixel_threshold=record.pixel_threshold,
                review_threshold=record.review_threshold, provenance=result.provenance,
            )
