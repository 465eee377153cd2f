"""Details the bench shows for a recorded inspection: the serial number read from the frame, which the
inspection stores with its test image (``image_metadata.exif_data``, key ``serial``) in the same transaction."""

from __future__ import annotations

from sqlalchemy import select

from station.adapters.db.database import Database
from station.adapters.db.models import ImageMetadata


class SqlInspectionNotes:
    def __init__(self, db: Database) -> None:
        self._db = db

    def serial_of(self, test_image_id: int) -> str | None:
        with self._db.session() as session:
            data = session.scalar(select(ImageMetadata.exif_data).where(ImageMetadata.image_id == test_image_id)
                                  .order_by(ImageMetadata.metadata_id).limit(1))
            return None if not data else data.get("serial")
