"""The sync gateway: the local outbox and state on one side, the central PostgreSQL on the other.

Implements ``station.services.shared.ports.SyncGateway``. A push takes the oldest outbox entries, reads
the rows as they are now, writes them to the centre in one transaction and only then forgets the
entries: a crash at any point leaves the entries queued, and sending them again is harmless
(upserts on ``sync_uuid``). Errors reach the service as one-line :class:`SyncError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from station.adapters.db.database import Database
from station.adapters.db.engine import describe_error, make_engine, redact
from station.adapters.sync.central import CentralWriter, EncodedTable
from station.adapters.sync.local_store import LocalSyncStore, OutboxBatch
from station.adapters.sync.pull import CataloguePuller
from station.adapters.sync.tables import PUSHED_TABLES
from station.domain.errors import DatabaseUnavailableError, StationError
from station.domain.sync import PushResult, SyncError

PREFETCH_MAX_AGE = 2.0  # seconds: an older read-ahead is read again


@dataclass
class _Prepared:
    """A batch read from the local store, ready to be written to the centre."""

    batch: OutboxBatch
    payload: list[EncodedTable]
    files: dict[str, tuple[str, int | None]]
    after_id: int
    limit: int
    read_at: float


class SqlSyncGateway:
    def __init__(self, local: Database, central_url: str | None, station_id: str,
                 engine_factory: Callable[[str], Engine] = make_engine) -> None:
        self._store = LocalSyncStore(local)
        self._local = local
        self._url = central_url
        self._station_id = station_id
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self._writer: CentralWriter | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-prefetch")
        self._prefetch: Future[_Prepared] | None = None
        self._finished_id = -1

    @property
    def configured(self) -> bool:
        return bool(self._url)

    @property
    def central_name(self) -> str:
        return redact(self._url) if self._url else "(no central database configured)"

    def _central(self) -> tuple[Engine, CentralWriter]:
        if not self._url:
            raise SyncError("no central database configured: set central_db_url (STATION_CENTRAL_DB_URL)")
        if self._engine is None or self._writer is None:
            self._engine = self._engine_factory(self._url)
            self._writer = CentralWriter(self._engine, self._station_id)
        return self._engine, self._writer

    @contextmanager
    def _central_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SyncError:
            raise
        except (psycopg2.Error, SQLAlchemyError, DatabaseUnavailableError, OSError) as exc:
            detail = str(exc) if isinstance(exc, StationError) else describe_error(exc, self._url or "")
            raise SyncError(f"{action}: {detail}") from exc

    # Push ------------------------------------------------------------------------------------
    def _prepare(self, writer: CentralWriter, limit: int, after_id: int) -> _Prepared:
        batch = self._store.take_batch(limit, after_id)
        payload = []
        keys: set[str] = set()
        for spec in PUSHED_TABLES:
            rows = self._store.read_rows(spec, batch.row_ids.get(spec.name, set()))
            for row in rows:
                keys.update(spec.object_keys_in(row))
            payload.append(writer.encode(spec, rows))
        return _Prepared(batch, payload, self._store.file_states(keys), after_id, limit, time.monotonic())

    def _take_prefetched(self, limit: int) -> _Prepared | None:
        future, self._prefetch = self._prefetch, None
        if future is None:
            return None
        try:
            prepared = future.result()
        except Exception:  # noqa: BLE001 - read again below, in this thread, where errors are reported
            return None
        fresh = time.monotonic() - prepared.read_at < PREFETCH_MAX_AGE
        return prepared if fresh and prepared.limit == limit and prepared.after_id == self._finished_id else None

    def push_batch(self, limit: int) -> PushResult:
        """Pushes the oldest ``limit`` entries. While the centre writes a full batch, the next one is
        read from the local store on a helper thread (it is used only if this batch succeeds)."""
        _, writer = self._central()
        prepared = self._take_prefetched(limit) or self._prepare(writer, limit, 0)
        batch = prepared.batch
        if not batch.entries:
            return PushResult(entries=0)
        if batch.entries == limit:
            self._prefetch = self._executor.submit(self._prepare, writer, limit, batch.max_id)
        try:
            with self._central_errors("push"):
                written = writer.push(prepared.payload, prepared.files)
        except BaseException:
            self._prefetch = None  # read after a batch that did not go through: never used
            raise
        self._store.finish_batch(batch.max_id)
        self._finished_id = batch.max_id
        return PushResult(entries=batch.entries, rows=written)

    # Pull ------------------------------------------------------------------------------------
    def pull(self) -> dict[str, int]:
        engine, _ = self._central()
        with self._central_errors("pull"):
            return CataloguePuller(engine, self._local).pull()

    def ping(self) -> None:
        engine, _ = self._central()
        with self._central_errors("connect"), engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    # Files -----------------------------------------------------------------------------------
    def pending_files(self, limit: int) -> list[str]:
        return self._store.pending_files(limit)

    def mark_file(self, key: str, state: str, *, size: int | None = None, error: str | None = None) -> None:
        """Records a file's state at the centre (when one is configured), then here."""
        if self._url and state != "pending":
            _, writer = self._central()
            with self._central_errors("file state"):
                writer.mark_files([(key, state, size)])
        self._store.mark_file(key, state, size=size, error=error)

    # Visible state ---------------------------------------------------------------------------
    def pending_rows(self) -> dict[str, int]:
        return self._store.pending_counts()

    def file_counts(self) -> dict[str, int]:
        return self._store.file_counts()

    def load_state(self) -> dict[str, str | None]:
        return self._store.load_state()

    def save_state(self, values: dict[str, str | None]) -> None:
        self._store.save_state(values)

    def close(self) -> None:
        self._prefetch = None
        self._executor.shutdown(wait=True)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._writer = None
