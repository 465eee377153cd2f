"""The station's side of sync on its SQLite store: the outbox, portable rows, file states, sync state.

Each call is one short transaction, so the sync never holds the store while it talks to the
centre and an inspection being recorded at the same time never waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, select, text

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, ObjectFile, Product, User
from station.adapters.sync.tables import DEFECT_TYPE, PARENT_TABLES, PRODUCT, PUSHED_TABLES, USER, PushedTable

STATE_KEYS = ("last_success", "last_error", "last_error_at", "last_pull", "consecutive_failures", "last_attempt")


@dataclass
class OutboxBatch:
    """Outbox entries up to ``max_id`` (all of them, in order), as row ids per table."""

    max_id: int = 0
    entries: int = 0
    row_ids: dict[str, set[int]] = field(default_factory=dict)


def save_sync_state(db: Database, values: dict[str, str | None]) -> None:
    """Writes ``sync_state`` keys (inserted or replaced) in one transaction."""
    with db.session() as s:
        for key, value in values.items():
            s.execute(text(
                "INSERT INTO sync_state (state_key, state_value, updated_at) VALUES (:k, :v, CURRENT_TIMESTAMP) "
                "ON CONFLICT (state_key) DO UPDATE SET state_value = excluded.state_value, "
                "updated_at = excluded.updated_at"), {"k": key, "v": value})


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class LocalSyncStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Outbox ---------------------------------------------------------------------------------
    def take_batch(self, limit: int, after_id: int = 0) -> OutboxBatch:
        """The oldest ``limit`` entries after ``after_id`` (ids grow in commit order: none is skipped)."""
        with self._db.session() as s:
            rows = s.execute(text(
                "SELECT outbox_id, table_name, row_id FROM sync_outbox WHERE outbox_id > :a ORDER BY outbox_id "
                "LIMIT :n"), {"n": limit, "a": after_id}).all()
        batch = OutboxBatch()
        for outbox_id, table, row_id in rows:
            batch.row_ids.setdefault(table, set()).add(row_id)
            batch.max_id = outbox_id
            batch.entries += 1
        return batch

    def finish_batch(self, max_id: int) -> None:
        """Drops the entries up to ``max_id``: entries queued later (a row changed again) stay."""
        with self._db.session() as s:
            s.execute(text("DELETE FROM sync_outbox WHERE outbox_id <= :m"), {"m": max_id})

    def read_rows(self, spec: PushedTable, ids: set[int]) -> list[list[Any]]:
        """The rows as they are now, in ``spec.columns`` order, ready for the wire: foreign keys replaced by
        portable keys (see tables.py), JSON kept as its text, booleans as bool."""
        if not ids:
            return []
        columns = spec.columns
        with self._db.session() as s:
            rows = [list(r) for r in s.execute(
                text(f"SELECT {', '.join(columns)} FROM {spec.name} WHERE {spec.pk} IN :ids")
                .bindparams(bindparam("ids", expanding=True)), {"ids": sorted(ids)}).fetchall()]
            fk_positions = {columns.index(c): k for c, k in spec.foreign_keys.items()}
            maps = self._portable_maps(s, fk_positions, rows)
        json_positions = [columns.index(c) for c in spec.json_columns]
        bool_positions = [columns.index(c) for c in spec.bool_columns]
        for row in rows:
            for i, kind in fk_positions.items():
                if row[i] is not None:
                    row[i] = maps[kind].get(row[i], ("missing-local", row[i]))
            for i in json_positions:
                if row[i] == "null":  # SQLAlchemy's JSON stores None as JSON null
                    row[i] = None
            for i in bool_positions:
                if row[i] is not None:
                    row[i] = bool(row[i])
        return rows

    @staticmethod
    def _portable_maps(s, fk_positions: dict[int, str], rows: list[list[Any]]) -> dict[str, dict]:  # type: ignore[no-untyped-def]
        maps: dict[str, dict] = {}
        kinds = set(fk_positions.values())
        if PRODUCT in kinds:
            maps[PRODUCT] = dict(s.execute(select(Product.product_id, Product.product_code)).all())
        if DEFECT_TYPE in kinds:
            maps[DEFECT_TYPE] = {
                r[0]: (r[1], r[2]) for r in s.execute(
                    select(DefectType.defect_type_id, Product.product_code, DefectType.defect_code)
                    .join(Product, Product.product_id == DefectType.product_id))
            }
        if USER in kinds:
            maps[USER] = dict(s.execute(select(User.user_id, User.username)).all())
        for kind, (parent, pk) in PARENT_TABLES.items():
            if kind not in kinds:
                continue
            wanted = {r[i] for r in rows for i, k in fk_positions.items() if k == kind and r[i] is not None}
            maps[kind] = {}
            if wanted:
                found = s.execute(
                    text(f"SELECT {pk}, sync_uuid FROM {parent} WHERE {pk} IN :ids")
                    .bindparams(bindparam("ids", expanding=True)), {"ids": sorted(wanted)}).all()
                maps[kind] = {r[0]: r[1] for r in found}
        return maps

    def pending_counts(self) -> dict[str, int]:
        with self._db.session() as s:
            rows = s.execute(text(
                "SELECT table_name, COUNT(DISTINCT row_id) FROM sync_outbox GROUP BY table_name")).all()
        order = [t.name for t in PUSHED_TABLES]
        return dict(sorted(((t, n) for t, n in rows), key=lambda x: order.index(x[0]) if x[0] in order else 99))

    # Object files ---------------------------------------------------------------------------
    def file_counts(self) -> dict[str, int]:
        with self._db.session() as s:
            return dict(s.execute(select(ObjectFile.state, text("COUNT(*)")).group_by(ObjectFile.state)).all())

    def pending_files(self, limit: int) -> list[str]:
        with self._db.session() as s:
            return list(s.scalars(
                select(ObjectFile.object_key).where(ObjectFile.state == "pending")
                .order_by(ObjectFile.attempts, ObjectFile.created_at).limit(limit)))

    def file_states(self, keys: set[str]) -> dict[str, tuple[str, int | None]]:
        """(state, size) of each known key; keys without a row are 'pending'."""
        if not keys:
            return {}
        with self._db.session() as s:
            found = {r[0]: (r[1], r[2]) for r in s.execute(
                select(ObjectFile.object_key, ObjectFile.state, ObjectFile.byte_size)
                .where(ObjectFile.object_key.in_(sorted(keys))))}
        return {k: found.get(k, ("pending", None)) for k in keys}

    def mark_file(self, key: str, state: str, *, size: int | None = None, error: str | None = None) -> None:
        with self._db.session() as s:
            row = s.get(ObjectFile, key)
            if row is None:
                row = ObjectFile(object_key=key)
                s.add(row)
            row.state = state
            row.attempts = (row.attempts or 0) + (0 if state == "stored" else 1)
            row.last_error = error
            if size is not None:
                row.byte_size = size
            if state == "stored":
                row.stored_at = utc_now()

    # Visible state --------------------------------------------------------------------------
    def load_state(self) -> dict[str, str | None]:
        with self._db.session() as s:
            rows = dict(s.execute(text("SELECT state_key, state_value FROM sync_state")).all())
        return {k: rows.get(k) for k in STATE_KEYS}

    def save_state(self, values: dict[str, str | None]) -> None:
        save_sync_state(self._db, values)
