"""A second corrective-action manual for the benchmarks, written in English: product ``tile`` (sintered ferrite
arc segments, the part of the public magnetic-tile image set in ../shared/data/magnetic_tile) with its five
defect types blowhole, break, crack, fray and uneven. It lets a benchmark measure Korean guides written from
an English manual, next to the Korean manual of ``prod1``.

``tile_manual_en.md`` has, per defect, a ``Causes`` and a ``Corrective actions`` section of one-sentence
bullets, then a summary table (defect, typical location, main causes, field actions); ``tile_product.json``
is the product and its defect types with Korean and English names, in the layout of ``defect_mapping.json``
(the product's ``name_en`` is for people reading the file; the import keeps the Korean name).

:func:`ingest_tile` creates the product in a station database and ingests the manual through the station's
own services, as the demo does for ``demo-cast``::

    db = open_database("sqlite:///bench.sqlite3", upgrade=True)
    report = ingest_tile(db, Path("objects"), embedder=load_embedder())
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.storage.local import LocalFolderStore
from station.domain.manuals import IngestReport
from station.services.admin import import_defect_mapping
from station.services.guidance import ManualService, TextEmbedder

HERE = Path(__file__).resolve().parent
PRODUCT = "tile"
MANUAL_FILE = HERE / "tile_manual_en.md"
PRODUCT_FILE = HERE / "tile_product.json"

__all__ = ["MANUAL_FILE", "PRODUCT", "PRODUCT_FILE", "ingest_tile", "tile_manual"]


def tile_manual() -> tuple[Path, dict[str, Any]]:
    """The English manual's path and the product definition (``tile_product.json`` as read)."""
    return MANUAL_FILE, json.loads(PRODUCT_FILE.read_text(encoding="utf-8"))


def ingest_tile(db: Database, objects_dir: Path, *, embedder: TextEmbedder | None = None,
                user_id: int | None = None) -> IngestReport:
    """Creates product ``tile`` and its defect types in ``db`` (nothing changes when they exist) and ingests
    the English manual, its file kept in a local object store under ``objects_dir``. Ingesting it again
    finds the same file and reports it as already present."""
    catalog = SqlCatalogRepository(db)
    import_defect_mapping(catalog, PRODUCT_FILE)
    service = ManualService(catalog, SqlManualRepository(db), DocumentManualParser(), LocalFolderStore(objects_dir),
                            SqlDeploymentLog(db), embedder)
    [report] = service.ingest(PRODUCT, [MANUAL_FILE], user_id=user_id)
    return report
