"""``station sync``: run a sync pass, show its state, store a secret in the OS keyring, recover a
damaged local store.

``python -m station.cli.sync_cmd ...`` runs the same commands without loading the rest of the
station (no ML libraries): a fast start for a headless sync service or a cron job.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
from typing import Any

from station.app.cli import (
    SECRET_NAMES, Database, open_local_store, recover_local_store, store_keyring_secret,
)
from station.app.sync import build_sync
from station.cli.common import print_json, settings_from
from station.cli.progress import ProgressReporter
from station.config import Settings
from station.domain.errors import ConfigurationError, StationError, ValidationError
from station.domain.sync import SyncError


def register(subparsers: argparse._SubParsersAction) -> None:
    _add_actions(subparsers.add_parser("sync", help="sync with the central PostgreSQL and object store"))


def _add_actions(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)

    run = sub.add_parser("run", help="push everything queued, pull the catalogue, upload pending files")
    run.add_argument("--no-pull", action="store_true", help="push only")
    run.add_argument("--batch-size", type=int, default=4000, help="outbox entries per central transaction")
    run.add_argument("--watch", action="store_true", help="keep syncing (as the GUI does) until interrupted")
    run.add_argument("--interval", type=float, default=15.0, help="seconds between passes with --watch")
    run.add_argument("--json", action="store_true", help="print the report as JSON")
    run.set_defaults(func=_run)

    status = sub.add_parser("status", help="pending counts, last success, last error, the station's disk")
    status.add_argument("--json", action="store_true",
                        help="machine-readable: pending, last_success, last_error, disk (free, watermark, ...)")
    status.set_defaults(func=_status)

    secret = sub.add_parser("set-secret", help="store a password/key in the OS keyring (read from the terminal)")
    secret.add_argument("name", choices=SECRET_NAMES)
    secret.set_defaults(func=_set_secret)

    recover = sub.add_parser("recover-local", help="rebuild a damaged local store from its readable rows")
    recover.add_argument("--force", action="store_true", help="rebuild even when no damage is found")
    recover.set_defaults(func=_recover)


def main(argv: list[str] | None = None) -> int:
    """``station sync`` alone (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="station-sync", description="station sync without the GUI stack")
    parser.add_argument("--home", help="directory for all local data (default: $STATION_HOME)")
    parser.add_argument("--verbose", "-v", action="store_true", help="mirror the log to stderr")
    _add_actions(parser)
    args = parser.parse_args(argv)
    from station.cli.main import start_logging

    start_logging(args.home, verbose=args.verbose)
    try:
        return int(args.func(args) or 0)
    except StationError as exc:
        print(f"station: error: {exc}", file=sys.stderr)
        return 2


def _local(settings: Settings) -> Database:
    return open_local_store(settings)


def _run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise ValidationError("--batch-size must be at least 1")
    settings = settings_from(args)
    db = _local(settings)
    service = build_sync(settings, db, batch_size=args.batch_size, interval=args.interval)
    if not service.status().configured:
        db.dispose()
        raise ConfigurationError("no central database configured: set central_db_url (STATION_CENTRAL_DB_URL)")
    try:
        if args.watch:
            return _watch(service)
        with ProgressReporter(not args.json) as progress:
            report = service.run_once(pull=not args.no_pull, progress=progress)
    finally:
        db.dispose()
    if args.json:
        print_json(report.to_dict())
    else:
        rows = ", ".join(f"{t} {n}" for t, n in report.pushed_rows.items()) or "nothing new"
        print(f"pushed {report.pushed_entries} queued change(s): {rows}")
        if report.pulled:
            print("pulled: " + ", ".join(f"{t} {n}" for t, n in report.pulled.items()))
        print(f"files: {report.files_stored} stored, {report.files_failed} failed")
    if report.error:
        raise SyncError(report.error)
    return 0


def _watch(service: Any) -> int:
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    service.start()
    print("syncing; Ctrl-C to stop", file=sys.stderr)
    try:
        while not done.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    service.stop()
    return 0


def _status(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db = _local(settings)
    try:
        status = build_sync(settings, db).status()
    finally:
        db.dispose()
    if args.json:
        print_json(status.to_dict())
        return 0
    print(f"pending: {status.pending} ({', '.join(f'{t} {n}' for t, n in status.pending_rows.items()) or 'no rows'}; "
          f"{status.pending_files} file(s))")
    print(f"last success: {status.last_success or 'never'}")
    print(f"last error: {status.last_error or 'none'}")
    if status.failed_files:
        print(f"files that cannot be provided: {status.failed_files} (see object_files.last_error)")
    if not status.configured:
        print("no central database configured (central_db_url): the station works local-only")
    if status.disk is not None:
        from station.cli.storage_cmd import status_lines

        for line in status_lines(status.disk):
            print(line)
    return 0


def _set_secret(args: argparse.Namespace) -> int:
    value = getpass.getpass(f"{args.name}: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if not value:
        raise ValidationError("empty secret: nothing stored")
    store_keyring_secret(args.name, value)
    print(f"{args.name} stored in the OS keyring")
    return 0


def _recover(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    report = recover_local_store(settings.local_db_path, force=args.force)
    print(f"the damaged file is kept as {report.damaged_copy}")
    for table, n in report.copied.items():
        lost = report.lost.get(table, 0)
        note = " (table unreadable)" if lost < 0 else (f", {lost} unreadable" if lost else "")
        if n or lost:
            print(f"  {table}: {n} row(s) recovered{note}")
    print(f"{report.queued} change(s) queued for the centre: run `station sync run` (repeats are harmless)")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the fault tests as a subprocess
    sys.exit(main())
