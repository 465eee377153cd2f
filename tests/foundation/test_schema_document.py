"""The migrated central schema holds everything schema_design.md defines, checked against the
document itself: its SQL is run in a reference database and the two catalogues are compared."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine as create_engine

from tests.support import pg_catalog as cat


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
        # A partitioned table (relkind 'p', inspections since migration 0008) is a table too.
        tables = cat.relations(conn, "r") | cat.relations(conn, "p") | cat.relations(conn, "v")
        snap = {
            "tables": cat.relations(conn, "r") | cat.relations(conn, "p"),
            "views": cat.relations(conn, "v"),
            "columns": cat.columns(conn, tables),
            "constraints": cat.constraints(conn),
            "indexes": cat.indexes(conn),
            "comments": cat.comments(conn),
            "roles": set(conn.execute(text("SELECT role_name, description FROM roles")).all()),
        }
    engine.dispose()
    return snap


# Migration 0008 partitions inspections by month (db/README.md decision 1). PostgreSQL requires the
# partition key in every key of a partitioned table, so these parts of the document hold in another
# form; the test checks that form exactly, the rest of the document as written.
KEY_DEVIATIONS = {
    ("inspections", "inspections_pkey", "PRIMARY KEY (inspection_id)"):
        ("inspections", "inspections_pkey", "PRIMARY KEY (inspection_id, inspection_date)"),
    ("inspections", "inspections_inspection_code_key", "UNIQUE (inspection_code)"):
        ("inspection_registry", "inspection_registry_inspection_code_key", "UNIQUE (inspection_code)"),
    **{(child, f"{child}_inspection_id_fkey",
        "FOREIGN KEY (inspection_id) REFERENCES inspections(inspection_id) ON DELETE CASCADE"):
       (child, f"{child}_inspection_id_fkey",
        "FOREIGN KEY (inspection_id) REFERENCES inspection_registry(inspection_id) ON DELETE CASCADE")
       for child in ("inspection_results", "action_logs", "feedbacks")},
}
INDEX_DEVIATIONS = {
    "inspections_pkey": ("inspections_pkey", "CREATE UNIQUE INDEX inspections_pkey ON ONLY public.inspections "
                         "USING btree (inspection_id, inspection_date)"),
    "inspections_inspection_code_key": ("inspection_registry_inspection_code_key", "CREATE UNIQUE INDEX "
                                        "inspection_registry_inspection_code_key ON public.inspection_registry USING btree "
                                        "(inspection_code)"),
}


def _partitioned(doc: dict) -> dict:
    """The document's catalogue as it must read once inspections is partitioned."""
    out = dict(doc)
    out["constraints"] = {KEY_DEVIATIONS.get(c, c) for c in doc["constraints"]}
    out["indexes"] = {
        INDEX_DEVIATIONS.get(name) or (name, d.replace(" ON public.inspections ", " ON ONLY public.inspections "))
        for name, d in doc["indexes"]}
    columns = dict(doc["columns"])
    date = columns[("inspections", "inspection_date")]
    columns[("inspections", "inspection_date")] = (*date[:2], "NO", *date[3:])  # a partition key is NOT NULL
    out["columns"] = columns
    return out


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
    doc = _partitioned(doc)
    missing_columns = {k: v for k, v in doc["columns"].items() if ours["columns"].get(k) != v}
    assert not missing_columns, {k: (v, ours["columns"].get(k)) for k, v in missing_columns.items()}
    assert doc["constraints"] - ours["constraints"] == set()
    assert doc["indexes"] - ours["indexes"] == set()
    assert doc["comments"] - ours["comments"] == set()
    assert doc["roles"] == ours["roles"]
    assert len(doc["constraints"]) > 60 and len(doc["indexes"]) > 60 and len(doc["comments"]) > 25
