"""Upkeep of the central PostgreSQL (db/README.md decisions 1 and 8):
monthly partitions of ``inspections`` made ahead, VACUUM ANALYZE, REINDEX of bloated indexes, and
retention that archives old partitions (with their results, actions and feedback) to the object store,
verified there, before dropping them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, text

from station.adapters.db.central_archive import ArchiveTarget, ArchiveVerificationError, archive_tables
from station.domain.errors import ConfigurationError

MAINTAINED_TABLES = (
    "inspections", "inspection_registry", "inspection_results", "action_logs", "feedbacks", "images",
    "inspection_stats_daily", "inspection_stats_total", "audit_logs", "object_files",
)
CHILDREN = ("inspection_results", "action_logs", "feedbacks")
LATER_CHILDREN = ("verdict_overrides", "recurrence_alerts")  # migration 0009's, also ON DELETE CASCADE
_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")
__all__ = ["ArchiveTarget", "ArchiveVerificationError", "maintain", "partitions", "retention"]
# An index is rebuilt when it is this many times larger than its rows need and larger than this.
BLOAT_FACTOR, BLOAT_MIN_BYTES = 2.0, 8 << 20


@dataclass(frozen=True)
class Partition:
    name: str
    start: datetime
    end: datetime


@dataclass
class MaintainReport:
    created: list[str] = field(default_factory=list)
    vacuumed: list[str] = field(default_factory=list)
    reindexed: list[str] = field(default_factory=list)


@dataclass
class RetentionReport:
    archived: dict[str, dict[str, int]] = field(default_factory=dict)  # partition -> table -> rows
    kept: list[str] = field(default_factory=list)
    manifests: dict[str, str] = field(default_factory=dict)  # partition -> key of its manifest in the store


def _require_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise ConfigurationError("partitions, maintenance and retention are for the central PostgreSQL: give --url")


def partitions(engine: Engine) -> list[Partition]:
    """The monthly partitions of inspections, oldest first (the default partition is not listed)."""
    _require_postgres(engine)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'inspections'::regclass")).all()
    out = []
    for name, bound in rows:
        m = _BOUND.search(bound or "")
        if m:
            out.append(Partition(name, datetime.fromisoformat(m.group(1)), datetime.fromisoformat(m.group(2))))
    return sorted(out, key=lambda p: p.start)


def ensure_partitions(engine: Engine, months_back: int = 1, months_ahead: int = 3) -> list[str]:
    """Creates the partitions from ``months_back`` before this month to ``months_ahead`` after it, and one
    for every month found in the default partition (its rows are moved there); returns the new names."""
    _require_postgres(engine)
    with engine.begin() as conn:
        return [r[0] for r in conn.execute(text("SELECT inspection_partitions_ensure(:b, :a)"),
                                           {"b": months_back, "a": months_ahead})]


def _bloated_indexes(engine: Engine) -> list[str]:
    sql = text("""
        SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) AS bytes,
               GREATEST(c.reltuples, 0) * (16 + COALESCE((
                   SELECT sum(s.avg_width) FROM pg_attribute a JOIN pg_stats s
                     ON s.schemaname = 'public' AND s.tablename = t.relname AND s.attname = a.attname
                   WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)), 8)) / 0.9 AS needed
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = 'public'::regnamespace AND c.relkind = 'i' AND t.relkind = 'r'
    """)
    with engine.connect() as conn:
        return [name for name, size, needed in conn.execute(sql)
                if size > BLOAT_MIN_BYTES and size > BLOAT_FACTOR * max(float(needed), 8192.0)]


def maintain(engine: Engine, months_ahead: int = 3, rebuild_stats: bool = False) -> MaintainReport:
    """Partition upkeep, then VACUUM ANALYZE of the busy tables, then REINDEX CONCURRENTLY of bloated indexes."""
    report = MaintainReport(created=ensure_partitions(engine, 1, months_ahead))
    if rebuild_stats:
        with engine.begin() as conn:
            conn.execute(text("LOCK TABLE inspection_registry IN SHARE MODE"))  # writers wait, readers do not
            conn.execute(text("SELECT inspection_stats_rebuild()"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in MAINTAINED_TABLES:
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
            report.vacuumed.append(table)
    for index in _bloated_indexes(engine):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"REINDEX INDEX CONCURRENTLY {index}"))
        report.reindexed.append(index)
    return report


def retention_cutoff(today: date, older_than_months: int) -> datetime:
    """The first moment kept: the first day of the month ``older_than_months`` before today's month."""
    months = today.year * 12 + today.month - 1 - older_than_months
    return datetime(months // 12, months % 12 + 1, 1)


def retention(engine: Engine, older_than_months: int, target: ArchiveTarget, today: date) -> RetentionReport:
    """Archives, then drops, every monthly partition that ends before the cutoff, with the results, actions
    and feedback of its inspections; the counts lose exactly what was archived.

    Each partition is one transaction: its children tables are locked against writes (SHARE), its rows
    and its children's rows are copied to the object store ``target`` (``archive/<partition>/``, see
    central_archive) and read back from it, and only once every file is verified there are they deleted and
    the partition dropped, so nothing is dropped that is not in the archive. Data newer than the cutoff is
    never touched.
    """
    if older_than_months < 1:
        raise ConfigurationError("--older-than must be at least 1 month")
    ensure_partitions(engine, 1, 3)  # old rows waiting in the default partition get their own month first
    cutoff = retention_cutoff(today, older_than_months)
    report = RetentionReport()
    for part in partitions(engine):
        if part.end > cutoff:
            report.kept.append(part.name)
            continue
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            # the children, and 0009's per-inspection tables where the centre has them (they cascade too)
            cur.execute("SELECT t FROM unnest(CAST(%s AS text[])) t WHERE to_regclass(t) IS NOT NULL",
                        (list(LATER_CHILDREN),))
            later = [r[0] for r in cur.fetchall()]
            cur.execute(f"LOCK TABLE {', '.join((*CHILDREN, *later))} IN SHARE MODE")
            cur.execute(f"LOCK TABLE {part.name} IN ACCESS EXCLUSIVE MODE")
            ids = f"SELECT inspection_id FROM {part.name}"
            queries = {"inspections": f"SELECT * FROM {part.name} ORDER BY inspection_id"}
            for child, pk in (("inspection_results", "result_id"), ("action_logs", "action_id"),
                              ("feedbacks", "feedback_id")):
                queries[child] = f"SELECT * FROM {child} WHERE inspection_id IN ({ids}) ORDER BY {pk}"
            for child in later:
                queries[child] = f"SELECT * FROM {child} WHERE inspection_id IN ({ids}) ORDER BY 1"
            counts, manifest = archive_tables(cur, target, part.name,
                                              (part.start.isoformat(), part.end.isoformat()), queries)
            report.archived[part.name] = counts
            report.manifests[part.name] = manifest
            cur.execute(f"""
                SELECT inspection_stats_apply(array_agg(c)) FROM (
                    SELECT inspection_stats_of(r, -1) AS c FROM inspection_registry r
                    WHERE r.inspection_id IN ({ids})) x""")
            cur.execute(f"ALTER TABLE inspections DETACH PARTITION {part.name}")
            cur.execute(f"DELETE FROM inspection_registry WHERE inspection_id IN ({ids})")  # children cascade
            cur.execute(f"DROP TABLE {part.name}")
            cur.execute("DELETE FROM inspection_stats_daily WHERE (inspections, completed, defects, uncertain, "
                        "resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count) = "
                        "(0, 0, 0, 0, 0, 0, 0, 0, 0)")
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()
    return report
