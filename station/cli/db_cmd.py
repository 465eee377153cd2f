"""``station db``: schema upgrade/downgrade/current and import of ``defect_mapping.json``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from station.app.cli import archive_target, catalog_import, central_upkeep, make_engine, migrate, redact
from station.cli.common import add_url_option, database_from, settings_from
from station.domain.errors import ConfigurationError


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

    keep = sub.add_parser("maintain", help="central upkeep: partitions ahead, VACUUM ANALYZE, REINDEX where bloated")
    add_url_option(keep)
    keep.add_argument("--months-ahead", type=int, default=3, help="monthly partitions made ahead (default 3)")
    keep.add_argument("--rebuild-stats", action="store_true", help="recount the dashboard aggregates")
    keep.set_defaults(func=_maintain)

    ret = sub.add_parser("retention", help="archive, then drop, central inspection partitions older than N months")
    add_url_option(ret)
    ret.add_argument("--older-than", type=int, required=True, metavar="MONTHS")
    ret.add_argument("--archive-dir", type=Path, default=None,
                     help="archive to this folder (default: the configured object store: storage_dir or the S3 bucket)")
    ret.set_defaults(func=_retention)

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


def _central_engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if not args.url:
        raise ConfigurationError("give --url of the central PostgreSQL (the local store is not partitioned)")
    engine = make_engine(args.url)
    migrate.check_connection(engine)
    return engine


def _maintain(args: argparse.Namespace) -> int:
    engine = _central_engine(args)
    report = central_upkeep.maintain(engine, months_ahead=args.months_ahead, rebuild_stats=args.rebuild_stats)
    print(f"partitions created: {', '.join(report.created) or 'none'}")
    print(f"vacuumed and analysed: {', '.join(report.vacuumed)}")
    print(f"reindexed: {', '.join(report.reindexed) or 'none (no bloated index)'}")
    return 0


def _retention(args: argparse.Namespace) -> int:
    engine = _central_engine(args)
    target, where = archive_target(settings_from(args), args.archive_dir)
    report = central_upkeep.retention(engine, args.older_than, target, date.today())
    for name, counts in report.archived.items():
        print(f"{name}: archived to {where} as {report.manifests[name]} "
              f"({', '.join(f'{t} {n}' for t, n in counts.items())}), read back and verified, and dropped")
    print(f"kept: {', '.join(report.kept) or 'none'}")
    return 0
