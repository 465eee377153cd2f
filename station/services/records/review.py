"""The supervisor's review of one recorded inspection: what the station recorded about the part (verdict,
scores, regions, verdict history, corrective actions, saved guide) and its pictures read from the object
store (folder or S3).

Call from a worker thread: both the store and the object storage are read here. An image that cannot be
read does not fail the review: :meth:`InspectionReviewService.images` says per image why it has no bytes,
so the screen shows the rest of the review and one line in place of that picture.
"""

from __future__ import annotations

import logging

from station.domain.errors import NotFoundError, StationError
from station.domain.review import InspectionReview, ReviewImage, ReviewImages
from station.domain.storage import NotKeptLocallyError
from station.services.records.ports import InspectionReviewReader
from station.services.shared.ports import ObjectStore

log = logging.getLogger(__name__)

# Images larger than this are not read into the review (one clear line instead).
MAX_IMAGE_BYTES = 64 * 1024 * 1024


class InspectionReviewService:
    def __init__(self, reader: InspectionReviewReader, storage: ObjectStore) -> None:
        self._reader = reader
        self._storage = storage

    def review(self, inspection_id: int) -> InspectionReview:
        """The recorded inspection; NotFoundError when this station has no such inspection."""
        review = self._reader.review(inspection_id)
        if review is None:
            raise NotFoundError(f"no inspection {inspection_id} on this station")
        return review

    def image(self, key: str | None) -> ReviewImage:
        """The stored object ``key`` as bytes, or the reason it has none (never raises for a missing or
        unreadable object)."""
        if not key:
            return ReviewImage(key, problem="none")
        try:
            data = self._storage.get_bytes(key)
        except NotFoundError as exc:
            return ReviewImage(key, problem="missing", detail=str(exc))
        except NotKeptLocallyError as exc:
            return ReviewImage(key, problem="pruned", detail=str(exc))
        except (StationError, OSError) as exc:
            log.warning("review image %s: %s", key, exc)
            return ReviewImage(key, problem="unavailable", detail=str(exc))
        if not data:
            return ReviewImage(key, problem="unreadable", detail="empty object")
        if len(data) > MAX_IMAGE_BYTES:
            return ReviewImage(key, problem="unreadable", detail=f"{len(data)} bytes")
        return ReviewImage(key, data=data)

    def images(self, review: InspectionReview) -> ReviewImages:
        """The recorded image, its anomaly heatmap and the nearest good reference of ``review``."""
        return ReviewImages(test=self.image(review.test_image_key), heatmap=self.image(review.heatmap_key),
                            reference=self.image(review.reference_image_key))
