"""Engines for the central PostgreSQL and the local SQLite store, with one-line errors.

Engines never echo bound parameters into error messages (``hide_parameters``): a failed INSERT of a
user must not show the password hash. Every SQLite connection gets WAL journaling, ``foreign_keys=ON``, a busy timeout and a
``REGEXP`` function: stores created before migration 0013 call it from the e-mail CHECK of ``users``
until that migration rebuilds the table (current stores need no function of the station).
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from station.domain.errors import DatabaseUnavailableError

SUPPORTED = ("postgresql", "sqlite")


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regexp(pattern: str | None, value: str | None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _compiled(pattern).search(value) is not None


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def redact(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def normalize_url(url: str) -> URL:
    """Parsed URL; plain ``postgresql://`` uses psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def make_engine(url: str, *, connect_timeout: int = 5, echo: bool = False) -> Engine:
    """An engine for ``url``; raises :class:`DatabaseUnavailableError` with one clear line."""
    try:
        parsed = normalize_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailableError(
            f"invalid database URL {redact(url)!r}: expected postgresql://user@host:port/dbname "
            "or sqlite:///path/to/file"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseUnavailableError(f"unsupported database {backend!r} in {redact(url)}: use postgresql or sqlite")
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, echo=echo, hide_parameters=True, connect_args={"timeout": 30})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    try:
        return create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,
            pool_pre_ping=True,
            # Stored times are naive UTC (db/README.md "Time"): CURRENT_TIMESTAMP defaults must agree.
            connect_args={"connect_timeout": connect_timeout, "application_name": "inspection-station",
                          "options": "-c timezone=UTC"},
        )
    except NoSuchModuleError as exc:
        raise DatabaseUnavailableError(f"no driver for {redact(url)}: {exc}") from exc


def describe_error(exc: BaseException, url: str) -> str:
    """One line that tells a person what went wrong with the database at ``url``."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    first = re.sub(r"^\(psycopg2\.\w+\.\w+\)\s*", "", first)
    return f"cannot use database {redact(url)}: {first}"


def check_connection(engine: Engine) -> None:
    """Opens one connection; raises :class:`DatabaseUnavailableError` with one line on failure."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise DatabaseUnavailableError(describe_error(exc, url)) from exc
