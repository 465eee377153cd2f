"""Monthly partitions of inspections, a registry of its global keys, incremental aggregates; views on them.

PostgreSQL only (the station's SQLite store stays unpartitioned). The rows are kept: the table is
rebuilt as ``PARTITION BY RANGE (inspection_date)`` and every policy, grant, trigger, index and
foreign key of the old table is replayed on the new one (see db/README.md decision 1).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from station.adapters.db.sqlddl import load_statements

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CHILDREN = ("inspection_results", "action_logs", "feedbacks")
VIEWS = ("recent_inspections", "dashboard_stats")
# Keys the partitioned table cannot hold (they must include inspection_date): where each one went.
MOVED_KEYS = {"inspections_pkey", "inspections_inspection_code_key", "uq_inspections_sync_uuid"}
MONTHS_BACK, MONTHS_AHEAD = 1, 3


def _rows(sql: str, **params):  # type: ignore[no-untyped-def]
    return op.get_bind().execute(sa.text(sql), params).all()


def _run(sql: str) -> None:
    op.execute(sa.text(sql))


def _dressing(table: str) -> list[str]:
    """Statements that give ``table`` back its policies, grants, triggers, non-key indexes and foreign keys."""
    out = []
    for name, permissive, roles, cmd, qual, check in _rows(
            "SELECT policyname, permissive, roles::text[], cmd, qual, with_check FROM pg_policies "
            "WHERE schemaname = 'public' AND tablename = :t", t=table):
        to = ", ".join(roles)
        out.append(f"CREATE POLICY {name} ON {table} AS {permissive} FOR {cmd} TO {to}"
                   + (f" USING ({qual})" if qual else "") + (f" WITH CHECK ({check})" if check else ""))
    for grantee, privilege in _rows(
            "SELECT a.grantee::regrole::text, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
            "WHERE c.oid = CAST(:t AS regclass) AND a.grantee <> c.relowner AND a.grantee <> 0", t=table):
        out.append(f"GRANT {privilege} ON {table} TO {grantee}")
    for column, grantee, privilege in _rows(
            "SELECT att.attname, a.grantee::regrole::text, a.privilege_type FROM pg_attribute att, "
            "aclexplode(att.attacl) a WHERE att.attrelid = CAST(:t AS regclass) AND a.grantee <> 0", t=table):
        out.append(f"GRANT {privilege} ({column}) ON {table} TO {grantee}")
    out += [r[0] for r in _rows(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal "
        "AND tgparentid = 0", t=table)]
    out += [r[0] for r in _rows(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = :t AND indexname <> ALL(:k) "
        "ORDER BY indexname", t=table, k=list(MOVED_KEYS))]
    out += [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for name, definition in _rows(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
        "AND contype = 'f' AND conparentid = 0", t=table)]
    return out


def _columns(table: str) -> str:
    return ", ".join(r[0] for r in _rows(
        "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum", t=table))


def _rebuild_inspections(partitioned: bool) -> None:
    """Moves inspections into a new table (partitioned or not) with the same columns and dressing."""
    dressing = [s.replace(" ON ONLY public.inspections ", " ON public.inspections ") for s in _dressing("inspections")]
    columns = _columns("inspections")
    rls = _rows("SELECT relrowsecurity FROM pg_class WHERE oid = 'inspections'::regclass")[0][0]
    _run("ALTER SEQUENCE inspections_inspection_id_seq OWNED BY NONE")
    _run("ALTER TABLE inspections RENAME TO inspections_old")
    _run("CREATE TABLE inspections (LIKE inspections_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
         "INCLUDING COMMENTS INCLUDING STORAGE)" + (" PARTITION BY RANGE (inspection_date)" if partitioned else ""))
    if partitioned:
        _run("ALTER TABLE inspections ALTER COLUMN inspection_date SET NOT NULL")
        _run("CREATE TABLE inspections_default PARTITION OF inspections DEFAULT")
        for (month,) in _rows("SELECT DISTINCT date_trunc('month', inspection_date)::date FROM inspections_old "
                              "WHERE inspection_date IS NOT NULL"):
            _run(f"CREATE TABLE inspections_{month:%Y_%m} PARTITION OF inspections "
                 f"FOR VALUES FROM ('{month:%Y-%m-01}') TO ('{month:%Y-%m-01}'::timestamp + interval '1 month')")
        _rows(f"SELECT inspection_partitions_ensure({MONTHS_BACK}, {MONTHS_AHEAD})")
        select = columns.replace("inspection_date", "COALESCE(inspection_date, CURRENT_TIMESTAMP)", 1)
    else:
        _run("ALTER TABLE inspections ALTER COLUMN inspection_date DROP NOT NULL")
        select = columns
    _run(f"INSERT INTO inspections ({columns}) SELECT {select} FROM inspections_old")
    _run("DROP TABLE inspections_old")
    if partitioned:
        _run("ALTER TABLE inspections ADD CONSTRAINT inspections_pkey PRIMARY KEY (inspection_id, inspection_date)")
        _run("CREATE UNIQUE INDEX uq_inspections_sync_uuid ON inspections(sync_uuid, inspection_date)")
    else:
        _run("ALTER TABLE inspections ADD CONSTRAINT inspections_pkey PRIMARY KEY (inspection_id)")
        _run("ALTER TABLE inspections ADD CONSTRAINT inspections_inspection_code_key UNIQUE (inspection_code)")
        _run("CREATE UNIQUE INDEX uq_inspections_sync_uuid ON inspections(sync_uuid)")
    _run("ALTER SEQUENCE inspections_inspection_id_seq OWNED BY inspections.inspection_id")
    _run("COMMENT ON TABLE inspections IS '검사 세션'")
    if rls:
        _run("ALTER TABLE inspections ENABLE ROW LEVEL SECURITY")
    for statement in dressing:
        _run(statement)


def _children_reference(parent: str) -> None:
    for child in CHILDREN:
        _run(f"ALTER TABLE {child} DROP CONSTRAINT IF EXISTS {child}_inspection_id_fkey")
        _run(f"ALTER TABLE {child} ADD CONSTRAINT {child}_inspection_id_fkey FOREIGN KEY (inspection_id) "
             f"REFERENCES {parent}(inspection_id) ON DELETE CASCADE")


def _fill_registry_and_counts() -> None:
    _run("""
        INSERT INTO inspection_registry (inspection_id, inspection_code, sync_uuid, inspection_date, product_id,
            station_id, inspector_id, status, defect_results, uncertain_results, resolved_actions,
            actions_with_result, guide_rating_sum, guide_rating_count)
        SELECT i.inspection_id, i.inspection_code, i.sync_uuid, i.inspection_date, COALESCE(i.product_id, 0),
               inspection_station_of(i.inspection_code), COALESCE(i.inspector_id, 0), i.status,
               COALESCE(r.dr, 0), COALESCE(r.ur, 0), COALESCE(a.ra, 0), COALESCE(a.aw, 0),
               COALESCE(f.gs, 0), COALESCE(f.gc, 0)
        FROM inspections i
        LEFT JOIN (SELECT inspection_id, count(*) FILTER (WHERE defect_detected) AS dr,
                          count(*) FILTER (WHERE verdict = 'UNCERTAIN') AS ur
                   FROM inspection_results GROUP BY inspection_id) r ON r.inspection_id = i.inspection_id
        LEFT JOIN (SELECT inspection_id, count(*) FILTER (WHERE action_result = 'resolved') AS ra,
                          count(action_result) AS aw FROM action_logs GROUP BY inspection_id) a
               ON a.inspection_id = i.inspection_id
        LEFT JOIN (SELECT inspection_id, sum(rating) AS gs, count(*) AS gc FROM feedbacks
                   WHERE feedback_type = 'guide_quality' GROUP BY inspection_id) f ON f.inspection_id = i.inspection_id
    """)
    _run("SELECT inspection_stats_rebuild()")


def _install_triggers() -> None:
    _run("CREATE TRIGGER inspections_registry_ins AFTER INSERT ON inspections REFERENCING NEW TABLE AS new_rows "
         "FOR EACH STATEMENT EXECUTE FUNCTION inspections_registry_sync()")
    _run("CREATE TRIGGER inspections_registry_upd AFTER UPDATE ON inspections "
         "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
         "FOR EACH STATEMENT EXECUTE FUNCTION inspections_registry_sync()")
    _run("CREATE TRIGGER inspections_registry_del AFTER DELETE ON inspections REFERENCING OLD TABLE AS old_rows "
         "FOR EACH STATEMENT EXECUTE FUNCTION inspections_registry_sync()")
    for table in ("inspections", "inspection_registry", *CHILDREN):
        _run(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
             "FOR EACH STATEMENT EXECUTE FUNCTION inspections_refuse_truncate()")
    for child in CHILDREN:
        _run(f"CREATE TRIGGER {child}_counters_ins AFTER INSERT ON {child} REFERENCING NEW TABLE AS new_rows "
             "FOR EACH STATEMENT EXECUTE FUNCTION inspection_children_counters()")
        _run(f"CREATE TRIGGER {child}_counters_upd AFTER UPDATE ON {child} "
             "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
             "FOR EACH STATEMENT EXECUTE FUNCTION inspection_children_counters()")
        _run(f"CREATE TRIGGER {child}_counters_del AFTER DELETE ON {child} REFERENCING OLD TABLE AS old_rows "
             "FOR EACH STATEMENT EXECUTE FUNCTION inspection_children_counters()")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for view in VIEWS:
        _run(f"DROP VIEW IF EXISTS {view}")
    for child in CHILDREN:
        _run(f"ALTER TABLE {child} DROP CONSTRAINT IF EXISTS {child}_inspection_id_fkey")
    for statement in load_statements("0008_central_scale.sql", "postgresql"):
        _run(statement)
    _rebuild_inspections(partitioned=True)
    _fill_registry_and_counts()
    _children_reference("inspection_registry")
    _install_triggers()
    for statement in load_statements("0008_views.sql", "postgresql"):
        _run(statement)
    _run("ANALYZE inspections")


def _views_of_0007() -> list[str]:
    keep = ("CREATE OR REPLACE VIEW", "COMMENT ON VIEW", "ALTER VIEW")
    return [s for s in load_statements("0007_result_verdicts.sql", "postgresql") if s.startswith(keep)]


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for view in VIEWS:
        _run(f"DROP VIEW IF EXISTS {view}")
    _run("DROP INDEX IF EXISTS idx_images_reference")
    for table in ("inspections", "inspection_registry", *CHILDREN):
        _run(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for child in CHILDREN:
        for op_name in ("ins", "upd", "del"):
            _run(f"DROP TRIGGER IF EXISTS {child}_counters_{op_name} ON {child}")
    for op_name in ("ins", "upd", "del"):
        _run(f"DROP TRIGGER IF EXISTS inspections_registry_{op_name} ON inspections")
    for child in CHILDREN:
        _run(f"ALTER TABLE {child} DROP CONSTRAINT IF EXISTS {child}_inspection_id_fkey")
    _rebuild_inspections(partitioned=False)
    _children_reference("inspections")
    for function in ("inspection_partitions_ensure(integer, integer)", "inspections_refuse_truncate()",
                     "inspection_children_counters()", "inspections_registry_sync()",
                     "inspection_counters_apply(inspection_counter_delta[])", "inspection_stats_rebuild()",
                     "inspection_stats_apply(inspection_stats_change[])",
                     "inspection_stats_of(inspection_registry, integer, integer, integer, integer, integer, "
                     "integer, integer)", "inspection_shift_of(timestamp)", "inspection_station_of(text)",
                     "inspection_local_time(timestamp)", "central_time_zone()"):
        _run(f"DROP FUNCTION IF EXISTS {function}")
    for name in ("inspection_stats_daily", "inspection_stats_total", "inspection_registry"):
        _run(f"DROP TABLE {name}")
    _run("DROP TYPE inspection_counter_delta")
    _run("DROP TYPE inspection_stats_change")
    for statement in _views_of_0007():
        _run(statement)
