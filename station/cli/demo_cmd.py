"""``station demo``: the embedded default — local SQLite store, local folder storage, demo product."""

from __future__ import annotations

import argparse

from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.cli.common import database_from, settings_from
from station.resources import resources_dir
from station.services.catalog import import_defect_mapping


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="set up the demo product on the local store and run it")
    p.add_argument("--headless", action="store_true", help="no window: print what was set up")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db = database_from(args)
    counts = import_defect_mapping(SqlCatalogRepository(db), resources_dir() / "demo" / "demo_product.json")
    print(f"local store: {settings.local_db_path}")
    print(f"object storage: {settings.resolved_storage_dir} (local folder)")
    print(f"demo product: {counts}")
    with db.session() as session:
        rows = session.execute(text("SELECT product_id, product_name, total_inspection_count FROM dashboard_stats"))
        for row in rows:
            print(f"  product {row.product_id} {row.product_name}: {row.total_inspection_count} inspections")
    return 0
