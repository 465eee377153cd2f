"""Details the bench adds to a recorded inspection: the serial number read from the frame, kept in the
test image's ``image_metadata.exif_data`` (key ``serial``)."""

from __future__ import annotations

from sqlalchemy import select

from station.adapters.db.database import Database
from station.adapters.db.models import ImageMetadata


class SqlInspectionNotes:
    def __init__(self, db: Database) -> None:
        self._db = db

    def set_serial(self, test_image_id: int, serial: str) -> None:
        with self._db.session() as session:
            row = session.scalar(select(ImageMetadata).where(ImageMetadata.image_id == test_image_id)
                                 .order_by(ImageMetadata.metadata_id).limit(1))
            if row is None:
                session.add(ImageMetadata(image_id=test_image_id, exif_data={"serial": serial[:200]}))
            else:
                row.exif_data = {**(row.exif_data or {}), "serial": serial[:200]}

    def serial_of(self, test_image_id: int) -> str | None:
        with self._db.session() as session:
            data = session.scalar(select(ImageMetadata.exif_data).where(ImageMetadata.image_id == test_image_id)
                                  .order_by(ImageMetadata.metadata_id).limit(1))
            return None if not data else data.get("serial")
