"""The centre's side of a push: batched, idempotent upserts into the central PostgreSQL.

One batch is one central transaction. Rows are written with ``psycopg2.extras.execute_values``
(hundreds of rows per statement) as ``INSERT ... ON CONFLICT (sync_uuid) DO UPDATE`` of the
mutable columns only when they really differ (``DO NOTHING`` for append-only tables), so a batch
that is sent twice (the station died before it could forget it) changes nothing the second time.
The session acts for no application user: see the ``station_sync`` policies in migration 0005.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql

from station.adapters.sync.tables import DEFECT_TYPE, PARENT_TABLES, PRODUCT, USER, PushedTable
from station.domain.sync import SyncError

PAGE_SIZE = 1000
log = logging.getLogger(__name__)


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _stage_columns(spec: PushedTable) -> str:
    """Column definitions of a table's staging copy, from the models (no privilege on the table needed)."""
    dialect = postgresql.dialect()
    return ", ".join(f"{c} {spec.table.c[c].type.compile(dialect=dialect)}" for c in spec.columns)


def copy_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows in COPY's text format (tab-separated, \\N for NULL, escaped backslashes and line breaks)."""
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)


class CentralWriter:
    """Writes portable rows (see tables.py) into the centre; caches the centre's catalogue ids."""

    def __init__(self, engine: Engine, station_id: str) -> None:
        self._engine = engine
        self._station_id = station_id
        self._maps: dict[str, dict[Any, int]] = {}

    # Catalogue ids (centre-owned, rarely changing): cached, reloaded once on a miss ----------
    def _load_maps(self, cur) -> None:  # type: ignore[no-untyped-def]
        cur.execute("SELECT product_code, product_id FROM products")
        self._maps[PRODUCT] = dict(cur.fetchall())
        cur.execute("SELECT p.product_code, d.defect_code, d.defect_type_id FROM defect_types d "
                    "JOIN products p ON p.product_id = d.product_id")
        self._maps[DEFECT_TYPE] = {(r[0], r[1]): r[2] for r in cur.fetchall()}
        cur.execute("SELECT username, user_id FROM users")
        self._maps[USER] = dict(cur.fetchall())

    def _catalogue_id(self, cur, kind: str, key: Any, reloaded: list[bool]) -> int | None:  # type: ignore[no-untyped-def]
        found = self._maps.get(kind, {}).get(key)
        if found is None and not reloaded[0]:
            self._load_maps(cur)
            reloaded[0] = True
            found = self._maps[kind].get(key)
        return found

    @staticmethod
    def _parent_ids(cur, kind: str, uuids: set[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
        if not uuids:
            return {}
        table, pk = PARENT_TABLES[kind]
        cur.execute(f"SELECT sync_uuid::text, {pk} FROM {table} WHERE sync_uuid = ANY(%s::uuid[])", (list(uuids),))
        return dict(cur.fetchall())

    def _translate(self, cur, spec: PushedTable, rows: list[list[Any]]) -> list[list[Any]]:  # type: ignore[no-untyped-def]
        """Portable foreign keys (codes, usernames, parent sync_uuids) become the centre's ids, in place."""
        reloaded = [False]
        positions = {spec.columns.index(c): (c, k) for c, k in spec.foreign_keys.items()}
        parents: dict[str, dict[str, int]] = {}
        for kind in PARENT_TABLES:
            wanted = {r[i] for r in rows for i, (_, k) in positions.items() if k == kind and isinstance(r[i], str)}
            parents[kind] = self._parent_ids(cur, kind, wanted)
        for row in rows:
            for i, (column, kind) in positions.items():
                value = row[i]
                if value is None:
                    continue
                if isinstance(value, tuple) and value[0] == "missing-local":
                    # Only after a damaged store was recovered: the referenced row was lost here.
                    log.warning("%s.%s: local row %s was lost; pushed without the reference", spec.name, column,
                                value[1])
                    row[i] = None
                    continue
                if kind in PARENT_TABLES:
                    central = parents[kind].get(value) if isinstance(value, str) else None
                else:
                    central = self._catalogue_id(cur, kind, value, reloaded)
                if central is None:
                    if kind == USER and spec.lenient_users:
                        row[i] = None
                        continue
                    raise SyncError(_unknown_message(spec.name, column, kind, value))
                row[i] = central
        return rows

    # Writing ---------------------------------------------------------------------------------
    def push(self, batch: Sequence[tuple[PushedTable, list[list[Any]]]],
             file_states: dict[str, tuple[str, int | None]]) -> dict[str, int]:
        """Writes every table of the batch in one transaction; returns rows written per table."""
        written: dict[str, int] = {}
        raw = self._engine.raw_connection()
        try:
            cur = raw.cursor()
            for spec, rows in batch:
                count = self._upsert(cur, spec, self._translate(cur, spec, rows)) if rows else 0
                if count:
                    written[spec.name] = count
            if file_states:
                self._upsert_files(cur, [(k, s, n) for k, (s, n) in file_states.items()])
            raw.commit()
        except BaseException:
            _rollback_quietly(raw)
            raise
        finally:
            raw.close()
        return written

    def _upsert(self, cur, spec: PushedTable, rows: list[list[Any]]) -> int:  # type: ignore[no-untyped-def]
        """COPY into a session-private staging table, then one INSERT ... SELECT ... ON CONFLICT."""
        columns = ", ".join(spec.columns)
        stage = f"sync_stage_{spec.name}"
        # Temporary (pg_temp, this session only, emptied at commit): no object in the shared schema.
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({_stage_columns(spec)}) ON COMMIT DELETE ROWS")
        cur.copy_expert(f"COPY {stage} ({columns}) FROM STDIN", io.StringIO(copy_text(rows)))
        sql = f"INSERT INTO {spec.name} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT (sync_uuid) "
        if spec.mutable:
            target = ", ".join(f"{spec.name}.{c}" for c in spec.mutable)
            source = ", ".join(f"EXCLUDED.{c}" for c in spec.mutable)
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in spec.mutable)
            sql += f"DO UPDATE SET {sets} WHERE ({target}) IS DISTINCT FROM ({source})"
        else:
            sql += "DO NOTHING"
        cur.execute(sql)
        return cur.rowcount

    def _upsert_files(self, cur, items: Iterable[tuple[str, str, int | None]]) -> None:  # type: ignore[no-untyped-def]
        """Object file states; 'stored' is never taken back (another station may hold the same file)."""
        rows = [(k, s, n, self._station_id) for k, s, n in items]
        execute_values(cur, (
            "INSERT INTO object_files (object_key, state, byte_size, station_id, stored_at) "
            "SELECT v.k, v.s, v.n, v.st, CASE WHEN v.s = 'stored' THEN CURRENT_TIMESTAMP END "
            "FROM (VALUES %s) AS v(k, s, n, st) "
            "ON CONFLICT (object_key) DO UPDATE SET state = EXCLUDED.state, "
            "byte_size = COALESCE(EXCLUDED.byte_size, object_files.byte_size), stored_at = EXCLUDED.stored_at "
            "WHERE object_files.state <> 'stored' AND object_files.state <> EXCLUDED.state"
        ), rows, template="(%s, %s, %s::bigint, %s)", page_size=PAGE_SIZE)

    def mark_files(self, items: list[tuple[str, str, int | None]]) -> None:
        """Records file states at the centre (after an upload): one short transaction."""
        if not items:
            return
        raw = self._engine.raw_connection()
        try:
            self._upsert_files(raw.cursor(), items)
            raw.commit()
        except BaseException:
            _rollback_quietly(raw)
            raise
        finally:
            raw.close()


def _rollback_quietly(raw) -> None:  # type: ignore[no-untyped-def]
    try:
        raw.rollback()
    except Exception:  # noqa: BLE001 - the connection is already gone; the error that matters is raised
        pass


def _unknown_message(table: str, column: str, kind: str, value: Any) -> str:
    what = {PRODUCT: "product", DEFECT_TYPE: "defect type", USER: "user"}.get(kind, "parent record")
    shown = "/".join(value) if isinstance(value, tuple) else value
    hint = {
        PRODUCT: "create it at the centre (the centre owns products)",
        DEFECT_TYPE: "create it at the centre (the centre owns defect types)",
        USER: "create the account at the centre (the centre owns accounts)",
    }.get(kind, "it is pushed first; report this as a bug")
    return f"{what} {shown!r} used by {table}.{column} is not known at the centre: {hint}; the records wait"
