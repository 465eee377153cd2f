"""``station storage``: the station's own disk: ``status`` (free space, the watermark, whether recording is
paused, local and prunable files) and ``prune`` (remove the local copies of files the central object store
holds, by the retention policy; ``--dry-run`` lists them without removing anything)."""

from __future__ import annotations

import argparse

from station.app.cli import open_local_store
from station.app.storage import build_disk_upkeep
from station.cli.common import print_json, settings_from
from station.domain.storage import DiskStatus, human_bytes


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("storage", help="the station's disk: free space, retention of local files")
    sub = p.add_subparsers(dest="storage_command", metavar="ACTION", required=True)

    prune = sub.add_parser("prune", help="remove local copies of files the centre holds (retention policy)")
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed; remove nothing")
    prune.add_argument("--json", action="store_true", help="print the report as JSON")
    prune.set_defaults(func=_prune)

    status = sub.add_parser("status", help="free space, watermark, recording paused, local and prunable files")
    status.add_argument("--json", action="store_true", help="machine-readable")
    status.set_defaults(func=_status)


def _size(n: int | None) -> str:
    return human_bytes(n or 0)


def _prune(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db = open_local_store(settings)
    try:
        report = build_disk_upkeep(settings, db).prune(dry_run=args.dry_run)
    finally:
        db.dispose()
    if args.json:
        print_json(report.to_dict())
        return 0
    if not report.enabled:
        print(report.reason)
        return 0
    verb = "would remove" if report.dry_run else "removed"
    for key in report.keys:
        print(f"{verb} {key}")
    print(f"{verb} {report.files} local file(s), {_size(report.bytes)} (older than the policy {report.by_age}, "
          f"above the size cap {report.by_size}, for free space {report.by_space}); all of them are at the centre")
    if report.reason:
        print(report.reason)
    return 0


def status_lines(disk: DiskStatus | dict) -> list[str]:
    """The disk's state in a few lines (``station storage status``, ``station sync status``)."""
    d = disk if isinstance(disk, dict) else disk.to_dict()
    if d.get("error"):
        return [f"disk: {d['error']}"]
    lines = [f"disk: {_size(d['free_bytes'])} free on {d['path']} (watermark {_size(d['watermark_bytes'])}); "
             f"recording {'PAUSED' if d['recording_paused'] else 'on'}",
             f"local files: {d['local_files']} ({_size(d['local_bytes'])}); awaiting sync: {d['awaiting_sync_files']}"]
    if d["pruning"]:
        lines.append(f"prunable now: {d['prunable_files']} file(s), {_size(d['prunable_bytes'])}; "
                     f"last prune: {d['last_prune'] or 'never'}")
    else:
        lines.append(str(d["pruning_note"]))
    return lines


def _status(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db = open_local_store(settings)
    try:
        disk = build_disk_upkeep(settings, db).status()
    finally:
        db.dispose()
    if args.json:
        print_json(disk.to_dict())
        return 0
    for line in status_lines(disk):
        print(line)
    return 0
