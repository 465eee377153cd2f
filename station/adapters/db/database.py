"""A database handle (engine + sessions) for the central PostgreSQL or the local SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from station.adapters.db import migrate
from station.adapters.db.engine import check_connection, make_engine, redact
from station.domain.errors import DatabaseUnavailableError


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, user_id: int | None = None) -> Iterator[Session]:
        """A transaction; on PostgreSQL ``user_id`` becomes ``current_user_id()`` for RLS and audit."""
        with self.sessions.begin() as session:
            if user_id is not None and self.dialect == "postgresql":
                session.execute(text("SELECT set_config('station.user_id', :uid, true)"), {"uid": str(user_id)})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, upgrade: bool = False) -> Database:
    """Connects (one clear error line if it can't) and migrates (``upgrade``) or checks the schema."""
    engine = make_engine(url)
    check_connection(engine)
    if upgrade:
        migrate.upgrade(engine)
    else:
        current = migrate.current_revision(engine)
        if current is None:
            raise DatabaseUnavailableError(
                f"{redact(url)} has no station schema yet: run `station db upgrade --url URL` first"
            )
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
