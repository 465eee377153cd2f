"""``station backup``: compressed backup of the central PostgreSQL or the local store, with retention."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.app.cli import backup_postgres, backup_sqlite
from station.cli.common import settings_from
from station.domain.errors import ValidationError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("backup", help="pg_dump | gzip of the central DB (or the local store), with retention")
    p.add_argument("--url", help="PostgreSQL URL to back up (default: the local SQLite store)")
    p.add_argument("--dir", type=Path, help="backup directory (default: <home>/backups)")
    p.add_argument("--retention-days", type=int, default=30, help="delete backups older than this (default 30)")
    p.set_defaults(func=_backup)


def _backup(args: argparse.Namespace) -> int:
    if args.retention_days < 1:
        raise ValidationError("--retention-days must be at least 1")
    settings = settings_from(args)
    directory = args.dir or settings.home / "backups"
    if args.url:
        result = backup_postgres(args.url, directory, args.retention_days)
    else:
        result = backup_sqlite(settings.local_db_path, directory, args.retention_days)
    print(f"backup written: {result.path} ({result.size} bytes); {len(result.deleted)} old backup(s) deleted")
    return 0
