"""The centre's side of a push: batched, idempotent upserts into the central PostgreSQL.

One batch is one central transaction. Each table's rows are sent with COPY into a temporary
staging table (``pg_temp``: private to the session, emptied at commit) and written with one
``INSERT ... SELECT ... ON CONFLICT (sync_uuid) DO UPDATE`` of the mutable columns, only where they
really differ (``DO NOTHING`` for append-only tables). A batch that is sent twice (the station died
before it could forget it) changes nothing the second time, not even the audit log. The session
acts for no application user: see the ``station_sync`` policies in migration 0005.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql

from station.adapters.sync.tables import DEFECT_TYPE, PARENT_TABLES, PRODUCT, USER, PushedTable
from station.domain.sync import SyncError

log = logging.getLogger(__name__)

# A centre at migration 0008 or later partitions inspections by month: a parent's sync_uuid is resolved
# in the non-partitioned registry (one global unique index), and the upsert's arbiter includes the
# partition key. A centre before 0008 keeps the plain keys.
CENTRAL_PARENT_LOOKUP = {"inspections": "inspection_registry"}
CONFLICT_KEYS = {"inspections": "sync_uuid, inspection_date"}


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
    """Column definitions of a table's staging copy, from the models (no privilege on the table needed).
    A reference to a parent row is staged as the parent's ``sync_uuid``."""
    dialect = postgresql.dialect()
    return ", ".join(
        f"{c} UUID" if spec.foreign_keys.get(c) in PARENT_TABLES else f"{c} {spec.table.c[c].type.compile(dialect=dialect)}"
        for c in spec.columns)


def copy_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows in COPY's text format (tab-separated, \\N for NULL, escaped backslashes and line breaks)."""
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)


class _Unknown(Exception):
    """A catalogue key missing from the cached ids (reload, then report)."""

    def __init__(self, column: str, kind: str, value: Any) -> None:
        super().__init__(column)
        self.column, self.kind, self.value = column, kind, value


@dataclass
class EncodedTable:
    """One table of a batch: its rows as COPY text (catalogue ids resolved), or None to encode again."""

    spec: PushedTable
    rows: list[list[Any]]
    text: str | None


class CentralWriter:
    """Writes portable rows (see tables.py) into the centre; caches the centre's catalogue ids.

    :meth:`encode` needs no connection (the sync reads ahead and encodes the next batch while the
    centre writes this one); parent references are resolved by the centre in the INSERT itself.
    """

    def __init__(self, engine: Engine, station_id: str) -> None:
        self._engine = engine
        self._station_id = station_id
        self._maps: dict[str, dict[Any, int]] = {}
        self._partitioned: bool | None = None  # inspections partitioned at the centre (migration 0008)
        self._columns: dict[str, set[str]] = {}  # the centre's columns per pushed table (it may lag a revision)

    def _load_maps(self, cur) -> None:  # type: ignore[no-untyped-def]
        cur.execute("SELECT product_code, product_id FROM products")
        products = dict(cur.fetchall())
        cur.execute("SELECT p.product_code, d.defect_code, d.defect_type_id FROM defect_types d "
                    "JOIN products p ON p.product_id = d.product_id")
        defects = {(r[0], r[1]): r[2] for r in cur.fetchall()}
        cur.execute("SELECT username, user_id FROM users")
        self._maps = {PRODUCT: products, DEFECT_TYPE: defects, USER: dict(cur.fetchall())}  # one assignment

    def _encode_rows(self, spec: PushedTable, rows: list[list[Any]], *, fresh_maps: bool = False) -> str:
        maps = self._maps
        positions = [(spec.columns.index(c), c, k) for c, k in spec.foreign_keys.items()]
        out = []
        for row in rows:
            row = list(row)
            for i, column, kind in positions:
                value = row[i]
                if value is None:
                    continue
                if isinstance(value, tuple) and value[0] == "missing-local":
                    # Only after a damaged store was recovered: the referenced row was lost here.
                    log.warning("%s.%s: local row %s was lost; pushed without the reference", spec.name, column,
                                value[1])
                    row[i] = None
                elif kind not in PARENT_TABLES:
                    central = maps[kind].get(value) if maps else None
                    if central is None and not (fresh_maps and kind == USER and spec.lenient_users):
                        raise _Unknown(column, kind, value)  # (an audit row's unknown user becomes NULL)
                    row[i] = central
            out.append(row)
        return copy_text(out)

    def encode(self, spec: PushedTable, rows: list[list[Any]]) -> EncodedTable:
        """Safe on any thread; ``text`` is None when the cached catalogue ids lack a key."""
        try:
            return EncodedTable(spec, rows, self._encode_rows(spec, rows))
        except _Unknown:
            return EncodedTable(spec, rows, None)

    # Writing ---------------------------------------------------------------------------------
    def push(self, batch: Sequence[EncodedTable], file_states: dict[str, tuple[str, int | None]]) -> dict[str, int]:
        """Writes every table of the batch in one transaction; returns rows written per table."""
        written: dict[str, int] = {}
        raw = self._engine.raw_connection()
        try:
            cur = raw.cursor()
            for table in batch:
                if not table.rows:
                    continue
                text = table.text if table.text is not None else self._encode_fresh(cur, table)
                count = self._upsert(cur, table.spec, text)
                if count:
                    written[table.spec.name] = count
            if file_states:
                self._upsert_files(cur, [(k, s, n) for k, (s, n) in file_states.items()])
            raw.commit()
        except BaseException:
            _rollback_quietly(raw)
            self._partitioned = None  # the centre may have been migrated meanwhile: look again next time
            self._columns = {}
            raise
        finally:
            raw.close()
        return written

    def _encode_fresh(self, cur, table: EncodedTable) -> str:  # type: ignore[no-untyped-def]
        self._load_maps(cur)
        try:
            return self._encode_rows(table.spec, table.rows, fresh_maps=True)
        except _Unknown as unknown:
            raise SyncError(_unknown_message(table.spec.name, unknown.column, unknown.kind, unknown.value)) from None

    def _upsert(self, cur, spec: PushedTable, text: str) -> int:  # type: ignore[no-untyped-def]
        """COPY into a session-private staging table, then one INSERT ... SELECT ... ON CONFLICT."""
        if self._partitioned is None:
            cur.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass('inspections')")
            found = cur.fetchone()
            self._partitioned = bool(found and found[0])
        columns = ", ".join(spec.columns)
        stage = f"sync_stage_{spec.name}"
        # Temporary (pg_temp, this session only, emptied at commit): no object in the shared schema.
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({_stage_columns(spec)}) ON COMMIT DELETE ROWS")
        cur.copy_expert(f"COPY {stage} ({columns}) FROM STDIN", io.StringIO(text))
        written = self._written_columns(cur, spec, stage)
        columns = ", ".join(written)
        values = []
        for c in written:
            kind = spec.foreign_keys.get(c)
            if kind in PARENT_TABLES:
                parent, pk = PARENT_TABLES[kind]
                if self._partitioned:
                    parent = CENTRAL_PARENT_LOOKUP.get(parent, parent)
                cur.execute(f"SELECT s.{c}::text FROM {stage} s WHERE s.{c} IS NOT NULL AND NOT EXISTS "
                            f"(SELECT 1 FROM {parent} p WHERE p.sync_uuid = s.{c}) LIMIT 1")
                missing = cur.fetchone()
                if missing:
                    raise SyncError(f"{spec.name}.{c} refers to {parent} row {missing[0]}, which is not at the "
                                    "centre; it is pushed first, so this is a bug: please report it")
                values.append(f"(SELECT p.{pk} FROM {parent} p WHERE p.sync_uuid = s.{c})")
            else:
                values.append(f"s.{c}")
        sql = (f"INSERT INTO {spec.name} ({columns}) SELECT {', '.join(values)} FROM {stage} s "
               f"ON CONFLICT ({CONFLICT_KEYS.get(spec.name, 'sync_uuid') if self._partitioned else 'sync_uuid'}) ")
        mutable = [c for c in spec.mutable if c in written]
        if mutable:
            target = ", ".join(f"{spec.name}.{c}" for c in mutable)
            source = ", ".join(f"EXCLUDED.{c}" for c in mutable)
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in mutable)
            sql += f"DO UPDATE SET {sets} WHERE ({target}) IS DISTINCT FROM ({source})"
            if spec.newer_wins:  # an older change (e.g. one pulled from here) never overwrites a newer one
                col = spec.newer_wins
                sql += f" AND ({spec.name}.{col} IS NULL OR EXCLUDED.{col} > {spec.name}.{col})"
        else:
            sql += "DO NOTHING"
        cur.execute(sql)
        return cur.rowcount

    def _written_columns(self, cur, spec: PushedTable, stage: str) -> list[str]:  # type: ignore[no-untyped-def]
        """The pushed columns the centre has. A centre a revision behind the station lacks the newest
        columns: rows that leave them empty are written without them; a row with a value there is refused
        with one line (the centre must be upgraded first), so nothing is dropped silently."""
        present = self._columns.get(spec.name)
        if present is None:
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = %s", (spec.name,))
            present = self._columns[spec.name] = {r[0] for r in cur.fetchall()}
        if not present:  # no such table at the centre: the INSERT says so
            return list(spec.columns)
        for c in (c for c in spec.columns if c not in present):
            cur.execute(f"SELECT 1 FROM {stage} WHERE {c} IS NOT NULL LIMIT 1")
            if cur.fetchone():
                raise SyncError(f"the centre has no column {spec.name}.{c} yet (a newer station's record): "
                                "upgrade it with `station db upgrade --url ...`")
        return [c for c in spec.columns if c in present]

    def _upsert_files(self, cur, items: Iterable[tuple[str, str, int | None]]) -> None:  # type: ignore[no-untyped-def]
        """Object file states; 'stored' is never taken back (another station may hold the same file)."""
        rows = list({k: (k, s, n, self._station_id) for k, s, n in items}.values())
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS sync_stage_object_files (object_key VARCHAR(500), "
                    "state VARCHAR(10), byte_size BIGINT, station_id VARCHAR(16)) ON COMMIT DELETE ROWS")
        cur.copy_expert("COPY sync_stage_object_files FROM STDIN", io.StringIO(copy_text(rows)))
        cur.execute(
            "INSERT INTO object_files (object_key, state, byte_size, station_id, stored_at) "
            "SELECT object_key, state, byte_size, station_id, CASE WHEN state = 'stored' THEN CURRENT_TIMESTAMP END "
            "FROM sync_stage_object_files "
            "ON CONFLICT (object_key) DO UPDATE SET state = EXCLUDED.state, "
            "byte_size = COALESCE(EXCLUDED.byte_size, object_files.byte_size), stored_at = EXCLUDED.stored_at "
            "WHERE object_files.state <> 'stored' AND object_files.state <> EXCLUDED.state")

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
