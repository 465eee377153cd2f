"""Image-library import: normal and defect images from files or folders into storage and ``images``.

Runs with a progress callback and a cancel check; each file goes in the way every library image does
(``station.services.engine.references.import_file``: decoded and validated, stored, then catalogued).
Images that cannot be decoded are skipped and reported, never half-stored (the object is written before its
row, and a row is only written for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from station.domain.enums import ImageType
from station.domain.errors import ValidationError
from station.pipeline.images.datasets import folder_images
from station.pipeline.images.decode import ImageInputError
from station.services.admin.browser import LibraryBrowser
from station.services.engine import import_file
from station.services.shared.ports import CatalogReader, ObjectStore


@dataclass
class ImportReport:
    imported: int = 0
    skipped: list[str] = field(default_factory=list)
    cancelled: bool = False


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given plus the image files inside given folders (recursively), sorted, no duplicates."""
    found: dict[Path, None] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.update(dict.fromkeys(folder_images(path, recursive=True)))
        elif path.is_file():
            found[path] = None
    return list(found)


def import_images(
    catalog: CatalogReader, storage: ObjectStore, product_id: int, image_type: str,
    paths: Iterable[Path], *, defect_type_id: int | None = None, uploaded_by: int | None = None,
    progress: Callable[[float, str], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    kind = ImageType(image_type)
    if kind is ImageType.DEFECT and defect_type_id is None:
        raise ValidationError("defect images need a defect type")
    if kind is not ImageType.DEFECT:
        defect_type_id = None
    files = expand_paths(paths)
    if not files:
        raise ValidationError("no image files found to import")
    report = ImportReport()
    for index, path in enumerate(files):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        try:
            import_file(catalog, storage, product_id, path, kind.value, defect_type_id=defect_type_id,
                        uploaded_by=uploaded_by)
        except ImageInputError:
            report.skipped.append(f"{path.name}: not a readable image")
        else:
            report.imported += 1
        if progress is not None:
            progress((index + 1) / len(files), path.name)
    return report


class ImageLibraryService:
    """:func:`import_images` with the station's catalogue and storage bound (for the GUI), and the library's
    ``browser`` (pages, thumbnails, relabel, remove) when the station wires one."""

    def __init__(self, catalog: CatalogReader, storage: ObjectStore, browser: LibraryBrowser | None = None) -> None:
        self._catalog = catalog
        self._storage = storage
        self.browser = browser

    def import_images(self, product_id: int, image_type: str, paths: Iterable[Path], *,
                      defect_type_id: int | None = None, uploaded_by: int | None = None,
                      progress: Callable[[float, str], None] | None = None,
                      cancelled: Callable[[], bool] | None = None) -> ImportReport:
        return import_images(self._catalog, self._storage, product_id, image_type, paths,
                             defect_type_id=defect_type_id, uploaded_by=uploaded_by, progress=progress,
                             cancelled=cancelled)
