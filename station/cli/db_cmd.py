"""``station db``: schema upgrade/downgrade/current and import of ``defect_mapping.json``."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.app.cli_assembly import catalog_import, make_engine, migrate, redact
from station.cli.common import add_url_option, database_from, settings_from


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database schema and data import")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    up = sub.add_parser("upgrade", help="create or upgrade the schema (local store when no --url)")
    add_url_option(up)
    up.add_argument("--revision", default="head")
    up.set_defaults(func=_upgrade)

    down = sub.add_parser("downgrade", help="downgrade the schema (default: remove everything)")
    add_url_option(down)
    down.add_argument("--revision", default="base")
    down.set_defaults(func=_downgrade)

    cur = sub.add_parser("current", help="print the schema revision")
    add_url_option(cur)
    cur.set_defaults(func=_current)

    imp = sub.add_parser("import-mapping", help="products and defect types from defect_mapping.json (idempotent)")
    imp.add_argument("path", type=Path)
    add_url_option(imp)
    imp.set_defaults(func=_import_mapping)


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    url = args.url or settings_from(args).resolved_local_db_url
    return make_engine(url), url


def _upgrade(args: argparse.Namespace) -> int:
    engine, url = _engine(args)
    rev = migrate.upgrade(engine, args.revision)
    print(f"{redact(url)}: schema at revision {rev}")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    engine, url = _engine(args)
    rev = migrate.downgrade(engine, args.revision)
    print(f"{redact(url)}: schema at revision {rev or 'base (empty)'}")
    return 0


def _current(args: argparse.Namespace) -> int:
    engine, url = _engine(args)
    migrate.check_connection(engine)
    print(f"{redact(url)}: revision {migrate.current_revision(engine) or 'none'} (head {migrate.head_revision()})")
    return 0


def _import_mapping(args: argparse.Namespace) -> int:
    db = database_from(args)
    counts = catalog_import(db, args.path)
    print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
    return 0
