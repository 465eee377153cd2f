"""Test helper: reads what a PostgreSQL database really holds (columns, constraints, indexes,
comments, views) so that two databases can be compared."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, text


def document_sql(doc: Path) -> list[str]:
    """The runnable SQL of schema_design.md: §3 (tables, views), §5.2 (indexes), §9.2 (audit_logs)."""
    blocks: list[str] = []
    section = ""
    for part in re.split(r"(?m)^(#{2,4} .*)$", doc.read_text(encoding="utf-8")):
        if part.startswith("#"):
            heading = part.lstrip("#").strip()
            if re.match(r"^\d+(\.\d+)?\.? ", heading):
                section = heading.split()[0].rstrip(".")
            continue
        if section.startswith("3") or section in ("5.2", "9.2"):
            blocks += re.findall(r"```sql\n(.*?)```", part, flags=re.S)
    return blocks


def columns(conn: Connection, tables: set[str]) -> dict[tuple[str, str], tuple]:
    rows = conn.execute(text(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = 'public'"
    ))
    return {(r[0], r[1]): tuple(r[2:]) for r in rows if r[0] in tables}


def constraints(conn: Connection) -> set[tuple[str, str, str]]:
    rows = conn.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace AND conrelid <> 0"
    ))
    return {tuple(r) for r in rows}


def indexes(conn: Connection) -> set[tuple[str, str]]:
    rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
    return {tuple(r) for r in rows}


def comments(conn: Connection) -> set[tuple[str, str, str]]:
    rows = conn.execute(text(
        "SELECT c.relname, COALESCE(a.attname, ''), d.description FROM pg_description d "
        "JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 "
        "WHERE c.relnamespace = 'public'::regnamespace"
    ))
    return {tuple(r) for r in rows}


def relations(conn: Connection, kind: str) -> set[str]:
    rows = conn.execute(text(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = :k"
    ), {"k": kind})
    return {r[0] for r in rows}
