"""Runs the schema's SQL files (``db/sql``) on PostgreSQL and, translated, on SQLite.

The SQL is written once, in PostgreSQL. For the station's local
SQLite store, :func:`to_sqlite` maps SERIAL/JSONB/BYTEA, drops the regex CHECK constraints and the
statements tagged ``-- pg-only``. The store holds no constraint that needs a function only the station
registers, so any SQLite tool can check it (``PRAGMA integrity_check``); the e-mail format is validated
by the station's code (``station.domain.users``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PG_ONLY_TAG = "-- pg-only"


def sql_dir() -> Path:
    """``db/sql`` in the source tree, or inside a frozen (PyInstaller) bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "db" / "sql"
    return Path(__file__).resolve().parents[3] / "db" / "sql"


def migrations_dir() -> Path:
    return sql_dir().parent / "migrations"


def split_statements(sql: str) -> list[str]:
    """Statements of a SQL file: each ends with ';' at a line end, outside a ``$$`` body."""
    statements: list[str] = []
    current: list[str] = []
    in_body = False
    for line in sql.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("--")):
            continue
        current.append(line)
        if line.count("$$") % 2 == 1:
            in_body = not in_body
        code = line.split(PG_ONLY_TAG)[0].rstrip()
        if not in_body and code.endswith(";"):
            statements.append("\n".join(current).strip())
            current = []
    if current and "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


# A table constraint (or column CHECK) testing a column against a regular expression: PostgreSQL's ``~*``,
# or the ``REGEXP`` call that stores created before migration 0013 carry.
_REGEX_CHECK = re.compile(r",?\s*(?:CONSTRAINT\s+\w+\s+)?CHECK\s*\(\s*\w+\s*(?:~\*|REGEXP)\s*'(?:[^']|'')*'\s*\)",
                          re.IGNORECASE)


def without_regex_checks(statement: str) -> str:
    """``statement`` (a CREATE TABLE) without its regular-expression CHECK constraints."""
    return _REGEX_CHECK.sub("", statement)


def to_sqlite(statement: str) -> str | None:
    """The SQLite form of one PostgreSQL statement, or None where it has no SQLite meaning."""
    if PG_ONLY_TAG in statement:
        return None
    out = re.sub(r"\bSERIAL PRIMARY KEY\b", "INTEGER PRIMARY KEY AUTOINCREMENT", statement)
    out = re.sub(r"\bJSONB\b", "JSON", out)
    out = re.sub(r"\bBYTEA\b", "BLOB", out)
    out = without_regex_checks(out)
    return out


def load_statements(name: str, dialect: str) -> list[str]:
    """The statements of ``db/sql/<name>`` for ``dialect`` ('postgresql' or 'sqlite')."""
    text = (sql_dir() / name).read_text(encoding="utf-8")
    statements = split_statements(text)
    if dialect == "postgresql":
        return [s.split(PG_ONLY_TAG)[0].rstrip() if s.endswith(PG_ONLY_TAG) else s for s in statements]
    return [t for t in (to_sqlite(s) for s in statements) if t]
