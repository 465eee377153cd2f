"""Backups: ``pg_dump | gzip`` for PostgreSQL, the SQLite backup API for
the local store; old backups beyond the retention period are deleted."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from station.adapters.db.engine import redact
from station.domain.errors import ConfigurationError, DatabaseUnavailableError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    deleted: tuple[Path, ...]


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d_%H%M%S")


def prune(directory: Path, retention_days: int, pattern: str, keep: Path | None = None) -> tuple[Path, ...]:
    """Deletes files matching ``pattern`` older than ``retention_days`` (like ``find -mtime +N``), never
    ``keep`` (the backup just written, even when the folder's clock disagrees with ours)."""
    cutoff = time.time() - retention_days * 86400
    old = [p for p in directory.glob(pattern)
           if p.is_file() and p != keep and p.stat().st_mtime < cutoff]
    for path in old:
        path.unlink()
    return tuple(old)


def _drain(stream, kept: bytearray, limit: int = 64 * 1024) -> None:  # type: ignore[no-untyped-def]
    """Reads ``stream`` to its end, keeping its first ``limit`` bytes (for the error message)."""
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        if len(kept) < limit:
            kept.extend(chunk[: limit - len(kept)])


def backup_postgres(url: str, directory: Path, retention_days: int = 30) -> BackupResult:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ConfigurationError("pg_dump not found: install the PostgreSQL client (apt-get install postgresql-client)")
    parsed = make_url(url)
    directory.mkdir(parents=True, exist_ok=True)
    name = parsed.database or "postgres"
    target = directory / f"{name}_{_stamp()}.sql.gz"
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password  # never on the command line, where `ps` would show it
    args = [pg_dump, "--no-password", "--dbname", parsed.set(password=None).set(drivername="postgresql")
            .render_as_string(hide_password=False)]
    partial = target.with_suffix(".partial")
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        kept = bytearray()  # stderr is drained while stdout is copied: a chatty pg_dump cannot block on it
        drain = threading.Thread(target=_drain, args=(proc.stderr, kept), name="pg_dump-stderr", daemon=True)
        drain.start()
        try:
            with gzip.open(partial, "wb") as out:
                shutil.copyfileobj(proc.stdout, out, 1 << 20)
        except BaseException:
            proc.kill()
            partial.unlink(missing_ok=True)
            raise
        finally:
            code = proc.wait()
            drain.join()
        err = kept.decode(errors="replace").strip()
    if code != 0:
        partial.unlink(missing_ok=True)
        first = err.splitlines()[0][:300] if err else f"exit code {code}"
        raise DatabaseUnavailableError(f"pg_dump of {redact(url)} failed: {first}")
    partial.rename(target)
    deleted = prune(directory, retention_days, "*.sql.gz", keep=target)
    return BackupResult(target, target.stat().st_size, deleted)


def backup_sqlite(db_path: Path, directory: Path, retention_days: int = 30) -> BackupResult:
    if not db_path.exists():
        raise DatabaseUnavailableError(f"local store {db_path} does not exist")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{db_path.stem}_{_stamp()}.sqlite3.gz"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        src = sqlite3.connect(db_path)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)  # consistent online copy, WAL included
        finally:
            dst.close()
            src.close()
        with copy.open("rb") as inp, gzip.open(target, "wb") as out:
            shutil.copyfileobj(inp, out, 1 << 20)
    deleted = prune(directory, retention_days, "*.sqlite3.gz", keep=target)
    return BackupResult(target, target.stat().st_size, deleted)
