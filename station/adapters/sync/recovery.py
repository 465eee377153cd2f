"""A damaged local store: detected at start-up with a clear error, recovered only on request.

:func:`check_local_store` runs SQLite's ``quick_check`` and raises :class:`CorruptLocalStoreError`
(the station refuses to start; nothing is reset or deleted). :func:`recover_local_store` (``station
sync recover-local``) keeps the damaged file (renamed ``*.damaged-<time>``), builds a new store,
copies every row it can still read (page by page, row by row where a page is broken) and so,
through the outbox triggers, queues every salvaged station record for another push, which the
centre absorbs idempotently. Centre-owned tables come back with the next pull.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from station.adapters.db.database import open_database
from station.adapters.db.models import Base
from station.domain.sync import CorruptLocalStoreError

CHUNK = 500
SKIPPED_TABLES = {"roles"}  # created by the migration itself


def _regexp(pattern: str | None, value: str | None) -> bool | None:
    """The REGEXP of the e-mail CHECK that stores created before migration 0013 carry (quick_check evaluates
    CHECKs); a damaged store may be such an old one."""
    if pattern is None or value is None:
        return None
    return re.search(pattern, value) is not None


def _problem(db_path: Path) -> str | None:
    try:
        con = sqlite3.connect(db_path, timeout=30)
        con.create_function("REGEXP", 2, _regexp, deterministic=True)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    return "; ".join(str(r[0]) for r in rows[:3])


def recovery_hint(db_path: Path) -> str:
    return (f"Nothing was changed or deleted. To recover: close the station, then run `station sync "
            f"recover-local` (it keeps {db_path.name} as {db_path.name}.damaged-<time>, rebuilds the store "
            "from every readable row and queues them for another push); or restore a backup from "
            "<home>/backups. See docs/readme/sync.md, 'Damaged local store'.")


def check_local_store(db_path: Path) -> None:
    """Raises :class:`CorruptLocalStoreError` when the SQLite file exists and is damaged."""
    if not db_path.exists():
        return
    problem = _problem(db_path)
    if problem:
        raise CorruptLocalStoreError(f"the station's database {db_path} is damaged ({problem}). {recovery_hint(db_path)}")


@dataclass
class RecoveryReport:
    damaged_copy: Path
    copied: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)
    queued: int = 0


def _read_chunk(src: sqlite3.Connection, table: str, low: int, high: int) -> tuple[list[tuple], int]:
    """Rows with low <= rowid < high; a broken chunk is read row by row. Returns (rows, lost)."""
    try:
        return src.execute(f"SELECT * FROM {table} WHERE rowid >= ? AND rowid < ?", (low, high)).fetchall(), 0
    except sqlite3.DatabaseError:
        rows, lost = [], 0
        for rowid in range(low, high):
            try:
                rows += src.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,)).fetchall()
            except sqlite3.DatabaseError:
                lost += 1  # an unreadable slot: counted as (possibly) lost
        return rows, lost


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]


def recover_local_store(db_path: Path, *, force: bool = False) -> RecoveryReport:
    problem = _problem(db_path) if db_path.exists() else "missing"
    if problem is None and not force:
        raise CorruptLocalStoreError(f"{db_path} is not damaged: nothing to recover (use --force to rebuild anyway)")
    if problem == "missing":
        raise CorruptLocalStoreError(f"{db_path} does not exist: nothing to recover")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    damaged = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            part.rename(Path(f"{damaged}{suffix}"))
    open_database(f"sqlite:///{db_path}", upgrade=True).dispose()
    report = RecoveryReport(damaged_copy=damaged)
    src = sqlite3.connect(damaged)
    dst = sqlite3.connect(db_path)
    dst.create_function("REGEXP", 2, _regexp, deterministic=True)
    try:
        dst.execute("PRAGMA foreign_keys = OFF")  # a row whose parent was lost is still kept
        tables = [t.name for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES] + ["sync_state"]
        for table in tables:
            report.copied[table], report.lost[table] = _copy_table(src, dst, table)
        dst.commit()
        report.queued = dst.execute("SELECT COUNT(*) FROM sync_outbox").fetchone()[0]
    finally:
        src.close()
        dst.close()
    return report


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str) -> tuple[int, int]:
    try:
        names = [c for c in _columns(src, table) if c in set(_columns(dst, table))]
        top = src.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        return 0, -1  # the table's root is unreadable: count unknown
    keep = {c: i for i, c in enumerate(_columns(src, table))}
    verb = "INSERT OR REPLACE" if table in ("object_files", "sync_state") else "INSERT OR IGNORE"
    sql = f"{verb} INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    copied = lost = 0
    for low in range(0, top + 1, CHUNK):
        rows, missing = _read_chunk(src, table, low, low + CHUNK)
        lost += missing
        dst.executemany(sql, [tuple(row[keep[c]] for c in names) for row in rows])
        copied += len(rows)
    return copied, lost
