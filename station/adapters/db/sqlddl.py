"""Runs the schema's SQL files (``db/sql``) on PostgreSQL and, translated, on SQLite.

The SQL is written once, in PostgreSQL. For the station's local
SQLite store, :func:`to_sqlite` maps SERIAL/JSONB/BYTEA, turns the regex CHECK into a
``REGEXP`` call (a function registered on every SQLite connection) and drops the statements
tagged ``-- pg-only``.
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


_REGEX_CHECK = re.compile(r"(\w+)\s*~\*\s*'((?:[^']|'')*)'")


def to_sqlite(statement: str) -> str | None:
    """The SQLite form of one PostgreSQL statement, or None where it has no SQLite meaning."""
    if PG_ONLY_TAG in statement:
        return None
    out = re.sub(r"\bSERIAL PRIMARY KEY\b", "INTEGER PRIMARY KEY AUTOINCREMENT", statement)
    out = re.sub(r"\bJSONB\b", "JSON", out)
    out = re.sub(r"\bBYTEA\b", "BLOB", out)
    out = _REGEX_CHECK.sub(lambda m: f"{m.group(1)} REGEXP '(?i){m.group(2)}'", out)
    return out


def load_statements(name: str, dialect: str) -> list[str]:
    """The statements of ``db/sql/<name>`` for ``dialect`` ('postgresql' or 'sqlite')."""
    text = (sql_dir() / name).read_text(encoding="utf-8")
    statements = split_statements(text)
    if dialect == "postgresql":
        return [s.split(PG_ONLY_TAG)[0].rstrip() if s.endswith(PG_ONLY_TAG) else s for s in statements]
    return [t for t in (to_sqlite(s) for s in statements) if t]
