"""The migrated central schema holds everything schema_design.md defines, checked against the
document itself: its SQL is run in a reference database and the two catalogues are compared."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine as create_engine

from tests import pg_catalog as cat


@pytest.fixture
def reference_url(pg_empty_url: str, schema_document) -> str:  # type: ignore[no-untyped-def]
    engine = create_engine(pg_empty_url)
    with engine.begin() as conn:
        for block in cat.document_sql(schema_document):
            conn.exec_driver_sql(block.replace("%", "%%"))
    engine.dispose()
    return pg_empty_url


def _snapshot(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = cat.relations(conn, "r") | cat.relations(conn, "v")
        snap = {
            "tables": cat.relations(conn, "r"),
            "views": cat.relations(conn, "v"),
            "columns": cat.columns(conn, tables),
            "constraints": cat.constraints(conn),
            "indexes": cat.indexes(conn),
            "comments": cat.comments(conn),
            "roles": set(conn.execute(text("SELECT role_name, description FROM roles")).all()),
        }
    engine.dispose()
    return snap


def test_document_sql_is_found(schema_document) -> None:  # type: ignore[no-untyped-def]
    blocks = cat.document_sql(schema_document)
    joined = "\n".join(blocks)
    assert joined.count("CREATE TABLE") == 16  # 15 domain tables + audit_logs
    assert "CREATE OR REPLACE VIEW dashboard_stats" in joined and "idx_detected_regions_gin" in joined


def test_migrated_schema_contains_the_whole_document(reference_url: str, pg_schema_url: str) -> None:
    doc = _snapshot(reference_url)
    ours = _snapshot(pg_schema_url)
    assert len(doc["tables"]) == 16 and doc["views"] == {"dashboard_stats", "recent_inspections"}
    assert doc["tables"] <= ours["tables"]
    assert doc["views"] <= ours["views"]
    missing_columns = {k: v for k, v in doc["columns"].items() if ours["columns"].get(k) != v}
    assert not missing_columns, {k: (v, ours["columns"].get(k)) for k, v in missing_columns.items()}
    assert doc["constraints"] - ours["constraints"] == set()
    assert doc["indexes"] - ours["indexes"] == set()
    assert doc["comments"] - ours["comments"] == set()
    assert doc["roles"] == ours["roles"]
    assert len(doc["constraints"]) > 60 and len(doc["indexes"]) > 60 and len(doc["comments"]) > 25
