"""Browsing the image library: pages of a product's good and defect images by label, small thumbnails,
relabelling (good <-> a defect type) and removal — each change validated and audited (who, old, new).

Removal takes images out of the library (the rows are retired, not deleted): the object files are
content-addressed and may back inspections, overrides or other rows, so no file is ever deleted here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, UnidentifiedImageError

from station.domain.enums import ImageType
from station.domain.errors import StationError, ValidationError
from station.domain.library import LibraryFilter, LibraryPage
from station.services.admin.ports import LibraryRepository
from station.services.shared.ports import AuditTrail, ObjectStore

PAGE_SIZE = 60  # images per page: 10 000 images are 167 pages, each one query and 60 thumbnails
MAX_PAGE_SIZE = 500
THUMB_SIZE = 96  # pixels, the longer side of a thumbnail
MAX_BATCH = 1000  # images relabelled or removed in one action


def _kind(label: str) -> ImageType:
    try:
        kind = ImageType(label)
    except ValueError:
        raise ValidationError(f"unknown image label {label!r}; use normal (good) or defect") from None
    if kind is ImageType.TEST:
        raise ValidationError("test images are inspected parts, not library images")
    return kind


def _ids(image_ids: Sequence[int]) -> list[int]:
    ids = sorted({int(i) for i in image_ids})
    if not ids:
        raise ValidationError("select one or more images first")
    if len(ids) > MAX_BATCH:
        raise ValidationError(f"{len(ids)} images selected; change at most {MAX_BATCH} at a time")
    return ids


class LibraryBrowser:
    def __init__(self, repo: LibraryRepository, storage: ObjectStore, audit: AuditTrail) -> None:
        self._repo = repo
        self._storage = storage
        self._audit = audit

    def page(self, product_id: int, label: str | None = None, defect_type_id: int | None = None, *,
             page: int = 0, page_size: int = PAGE_SIZE) -> LibraryPage:
        """``label``: None (all), ``"normal"`` (good) or ``"defect"`` (optionally one ``defect_type_id``)."""
        if label is not None:
            label = _kind(label).value
        if defect_type_id is not None and label != ImageType.DEFECT.value:
            label = ImageType.DEFECT.value
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        return self._repo.library_page(LibraryFilter(product_id, label, defect_type_id), max(0, page) * size, size)

    def thumbnail(self, key: str, size: int = THUMB_SIZE) -> np.ndarray | None:
        """An RGB uint8 thumbnail (longer side ``size``) of a stored image; None when it is missing or cannot
        be read (the browser shows a placeholder)."""
        try:
            data = self._storage.get_bytes(key)
            with Image.open(io.BytesIO(data)) as img:
                img.draft("RGB", (size, size))  # JPEG decodes at a reduced scale
                img = img.convert("RGB")
                img.thumbnail((size, size))
                return np.asarray(img, dtype=np.uint8).copy()
        except (StationError, OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
            return None

    def relabel(self, image_ids: Sequence[int], label: str, defect_type_id: int | None,
                by_user: int | None) -> int:
        """Relabels images as good (``"normal"``) or as a defect of ``defect_type_id``; returns how many."""
        kind = _kind(label)
        if kind is ImageType.DEFECT and defect_type_id is None:
            raise ValidationError("choose the defect type of the defect images")
        ids = _ids(image_ids)
        old, new = self._repo.relabel_images(ids, kind.value,
                                             defect_type_id if kind is ImageType.DEFECT else None, by_user)
        self._audit.record("images", "UPDATE", by_user, old, new)
        return len(ids)

    def remove(self, image_ids: Sequence[int], by_user: int | None) -> int:
        """Takes images out of the library; returns how many. Their object files stay in the store."""
        ids = _ids(image_ids)
        old, new = self._repo.retire_images(ids, by_user)
        self._audit.record("images", "UPDATE", by_user, old, new)
        return len(ids)
