"""The image library as an administrator browses it: a filter, one page of images, and the labels an
image can be given (good, or defect with its type)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from station.domain.catalog import ImageInfo

# Library images are good ("normal") or defect images; "test" rows are inspected parts, not library images.
LIBRARY_TYPES = ("normal", "defect")


@dataclass(frozen=True)
class LibraryFilter:
    """``image_type`` None: good and defect images; ``defect_type_id`` narrows defect images to one type."""

    product_id: int
    image_type: str | None = None
    defect_type_id: int | None = None


@dataclass(frozen=True)
class LibraryImage(ImageInfo):
    """A catalogued image with what the browser shows besides: when it came and who still uses its file."""

    uploaded_at: datetime | None = None
    used_by_inspections: int = 0  # inspections that name this image (its object file is kept for them)


@dataclass(frozen=True)
class LibraryPage:
    images: tuple[LibraryImage, ...]
    total: int  # images matching the filter, on all pages
    offset: int
    limit: int

    @property
    def page(self) -> int:
        """0-based number of this page."""
        return self.offset // self.limit if self.limit else 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1
