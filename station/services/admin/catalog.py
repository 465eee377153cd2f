"""Product catalogue use cases: import of the original ``defect_mapping.json`` (document §7)."""

from __future__ import annotations

from pathlib import Path

from station.domain.catalog import load_defect_mapping
from station.services.admin.ports import CatalogRepository


def import_defect_mapping(repo: CatalogRepository, path: Path) -> dict[str, int]:
    """Products and defect types from ``path``; running it twice changes nothing the second time."""
    return repo.upsert_products(load_defect_mapping(path))
