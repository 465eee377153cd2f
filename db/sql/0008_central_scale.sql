-- The central database at fleet scale (db/README.md decisions 1 and 9). PostgreSQL only.
-- Migration 0008 rebuilds inspections as a table partitioned by month on inspection_date (its
-- Python code moves the rows); this file holds what it creates around it:
--   inspection_registry    one row per inspection, not partitioned: the global keys (inspection_id,
--                          inspection_code, sync_uuid) the partitioned table can no longer make unique,
--                          the target of the children's foreign keys, and per-inspection counters;
--   inspection_stats_daily / inspection_stats_total
--                          counts per (day, shift, product, station, inspector) and per (product,
--                          station, inspector), maintained by statement triggers in the writer's
--                          own transaction, read by the dashboard and the fleet view;
--   inspection_partitions_ensure(months_back, months_ahead)
--                          creates monthly partitions and moves rows out of the default partition.

CREATE TABLE inspection_registry (
    inspection_id INTEGER PRIMARY KEY,
    inspection_code VARCHAR(50) NOT NULL,
    sync_uuid UUID,
    inspection_date TIMESTAMP NOT NULL,
    product_id INTEGER NOT NULL DEFAULT 0,
    station_id VARCHAR(16) NOT NULL DEFAULT '',
    inspector_id INTEGER NOT NULL DEFAULT 0,
    status VARCHAR(20),
    received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    defect_results INTEGER NOT NULL DEFAULT 0,
    uncertain_results INTEGER NOT NULL DEFAULT 0,
    resolved_actions INTEGER NOT NULL DEFAULT 0,
    actions_with_result INTEGER NOT NULL DEFAULT 0,
    guide_rating_sum INTEGER NOT NULL DEFAULT 0,
    guide_rating_count INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT inspection_registry_inspection_code_key UNIQUE (inspection_code),
    CONSTRAINT inspection_registry_sync_uuid_key UNIQUE (sync_uuid)
) WITH (fillfactor = 85);
CREATE INDEX idx_inspection_registry_date ON inspection_registry(inspection_date);
COMMENT ON TABLE inspection_registry IS '검사 전역 키 레지스트리 (파티션 테이블의 전역 UNIQUE/FK 대상, 집계 카운터)';

CREATE TABLE inspection_stats_daily (
    stat_day DATE NOT NULL,
    shift SMALLINT NOT NULL,
    product_id INTEGER NOT NULL,
    station_id VARCHAR(16) NOT NULL,
    inspector_id INTEGER NOT NULL,
    inspections BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    defects BIGINT NOT NULL DEFAULT 0,
    uncertain BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    pending_actions BIGINT NOT NULL DEFAULT 0,
    pending_reviews BIGINT NOT NULL DEFAULT 0,
    guide_rating_sum BIGINT NOT NULL DEFAULT 0,
    guide_rating_count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (stat_day, product_id, station_id, shift, inspector_id)
);
CREATE INDEX idx_inspection_stats_daily_station ON inspection_stats_daily(station_id, stat_day);
COMMENT ON TABLE inspection_stats_daily IS '일/교대/제품/스테이션/검사자별 검사 집계 (트리거로 유지)';

CREATE TABLE inspection_stats_total (
    product_id INTEGER NOT NULL,
    station_id VARCHAR(16) NOT NULL,
    inspector_id INTEGER NOT NULL,
    inspections BIGINT NOT NULL DEFAULT 0,
    completed BIGINT NOT NULL DEFAULT 0,
    defects BIGINT NOT NULL DEFAULT 0,
    uncertain BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    pending_actions BIGINT NOT NULL DEFAULT 0,
    pending_reviews BIGINT NOT NULL DEFAULT 0,
    guide_rating_sum BIGINT NOT NULL DEFAULT 0,
    guide_rating_count BIGINT NOT NULL DEFAULT 0,
    last_inspection_at TIMESTAMP,
    last_received_at TIMESTAMP,
    PRIMARY KEY (product_id, station_id, inspector_id)
);
COMMENT ON TABLE inspection_stats_total IS '제품/스테이션/검사자별 누적 검사 집계 (트리거로 유지)';

-- The station of an inspection, from its code INS-YYYYMMDD-<station>-NNNN ('' for other codes).
CREATE OR REPLACE FUNCTION inspection_station_of(code TEXT) RETURNS VARCHAR
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT COALESCE(substring(code FROM '^INS-[0-9]{8}-([A-Za-z0-9_]{1,16})-[0-9]+$'), '') $$;

-- The plant's time zone for days and shifts (stored times are naive UTC). To count in plant time,
-- replace this function with the zone (e.g. 'Asia/Seoul') and run `station db maintain --rebuild-stats`.
CREATE OR REPLACE FUNCTION central_time_zone() RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 'UTC'::text $$;

CREATE OR REPLACE FUNCTION inspection_local_time(at TIMESTAMP) RETURNS TIMESTAMP
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (at AT TIME ZONE 'UTC') AT TIME ZONE central_time_zone() $$;

-- Shift of a plant-time moment: 1 = 06:00-13:59, 2 = 14:00-21:59, 3 = 22:00-05:59 (counted on its calendar day).
CREATE OR REPLACE FUNCTION inspection_shift_of(at TIMESTAMP) RETURNS SMALLINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN extract(hour FROM at) BETWEEN 6 AND 13 THEN 1
                  WHEN extract(hour FROM at) BETWEEN 14 AND 21 THEN 2 ELSE 3 END::smallint $$;

-- One registry row's contribution to the counts, with sign +1 or -1.
CREATE TYPE inspection_stats_change AS (
    stat_day DATE, shift SMALLINT, product_id INTEGER, station_id VARCHAR(16), inspector_id INTEGER,
    inspections INTEGER, completed INTEGER, defects INTEGER, uncertain INTEGER, resolved INTEGER,
    pending_actions INTEGER, pending_reviews INTEGER, guide_rating_sum INTEGER, guide_rating_count INTEGER,
    inspection_date TIMESTAMP, received_at TIMESTAMP
);

CREATE OR REPLACE FUNCTION inspection_stats_of(r inspection_registry, sign INTEGER, dr INTEGER = 0, ur INTEGER = 0,
                                               ra INTEGER = 0, aw INTEGER = 0, gs INTEGER = 0, gc INTEGER = 0)
RETURNS inspection_stats_change
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ROW(inspection_local_time(r.inspection_date)::date, inspection_shift_of(inspection_local_time(r.inspection_date)), r.product_id, r.station_id,
               r.inspector_id, sign, sign * (r.status = 'completed')::int, sign * (r.defect_results - dr > 0)::int,
               sign * (r.uncertain_results - ur > 0)::int, sign * (r.resolved_actions - ra > 0)::int,
               sign * (r.defect_results - dr > 0 AND r.actions_with_result - aw = 0)::int,
               sign * (r.uncertain_results - ur > 0 AND r.actions_with_result - aw = 0)::int,
               sign * (r.guide_rating_sum - gs), sign * (r.guide_rating_count - gc),
               CASE WHEN sign > 0 THEN r.inspection_date END, CASE WHEN sign > 0 THEN r.received_at END
           )::inspection_stats_change
$$;

-- Adds changes to both aggregate tables, keys in one order (concurrent writers lock rows alike).
CREATE OR REPLACE FUNCTION inspection_stats_apply(changes inspection_stats_change[]) RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO inspection_stats_daily AS s (stat_day, shift, product_id, station_id, inspector_id, inspections,
        completed, defects, uncertain, resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count)
    SELECT stat_day, shift, product_id, station_id, inspector_id, sum(inspections), sum(completed), sum(defects),
           sum(uncertain), sum(resolved), sum(pending_actions), sum(pending_reviews), sum(guide_rating_sum),
           sum(guide_rating_count)
    FROM unnest(changes)
    GROUP BY stat_day, product_id, station_id, shift, inspector_id
    HAVING (sum(inspections), sum(completed), sum(defects), sum(uncertain), sum(resolved), sum(pending_actions),
            sum(pending_reviews), sum(guide_rating_sum), sum(guide_rating_count)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY stat_day, product_id, station_id, shift, inspector_id
    ON CONFLICT (stat_day, product_id, station_id, shift, inspector_id) DO UPDATE SET
        inspections = s.inspections + EXCLUDED.inspections, completed = s.completed + EXCLUDED.completed,
        defects = s.defects + EXCLUDED.defects, uncertain = s.uncertain + EXCLUDED.uncertain,
        resolved = s.resolved + EXCLUDED.resolved, pending_actions = s.pending_actions + EXCLUDED.pending_actions,
        pending_reviews = s.pending_reviews + EXCLUDED.pending_reviews,
        guide_rating_sum = s.guide_rating_sum + EXCLUDED.guide_rating_sum,
        guide_rating_count = s.guide_rating_count + EXCLUDED.guide_rating_count;
    INSERT INTO inspection_stats_total AS s (product_id, station_id, inspector_id, inspections, completed, defects,
        uncertain, resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count,
        last_inspection_at, last_received_at)
    SELECT product_id, station_id, inspector_id, sum(inspections), sum(completed), sum(defects), sum(uncertain),
           sum(resolved), sum(pending_actions), sum(pending_reviews), sum(guide_rating_sum), sum(guide_rating_count),
           max(inspection_date), max(received_at)
    FROM unnest(changes)
    GROUP BY product_id, station_id, inspector_id
    ORDER BY product_id, station_id, inspector_id
    ON CONFLICT (product_id, station_id, inspector_id) DO UPDATE SET
        inspections = s.inspections + EXCLUDED.inspections, completed = s.completed + EXCLUDED.completed,
        defects = s.defects + EXCLUDED.defects, uncertain = s.uncertain + EXCLUDED.uncertain,
        resolved = s.resolved + EXCLUDED.resolved, pending_actions = s.pending_actions + EXCLUDED.pending_actions,
        pending_reviews = s.pending_reviews + EXCLUDED.pending_reviews,
        guide_rating_sum = s.guide_rating_sum + EXCLUDED.guide_rating_sum,
        guide_rating_count = s.guide_rating_count + EXCLUDED.guide_rating_count,
        last_inspection_at = GREATEST(s.last_inspection_at, EXCLUDED.last_inspection_at),
        last_received_at = GREATEST(s.last_received_at, EXCLUDED.last_received_at);
$$;

-- Per-inspection counter deltas from a child table's rows (results, actions, feedback).
CREATE TYPE inspection_counter_delta AS (
    inspection_id INTEGER, defect_results INTEGER, uncertain_results INTEGER, resolved_actions INTEGER,
    actions_with_result INTEGER, guide_rating_sum INTEGER, guide_rating_count INTEGER
);

CREATE OR REPLACE FUNCTION inspection_counters_apply(deltas inspection_counter_delta[]) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    changes inspection_stats_change[];
BEGIN
    WITH d AS (
        SELECT inspection_id, sum(defect_results)::int AS dr, sum(uncertain_results)::int AS ur,
               sum(resolved_actions)::int AS ra, sum(actions_with_result)::int AS aw,
               sum(guide_rating_sum)::int AS gs, sum(guide_rating_count)::int AS gc
        FROM unnest(deltas) WHERE inspection_id IS NOT NULL
        GROUP BY inspection_id
        HAVING (sum(defect_results), sum(uncertain_results), sum(resolved_actions), sum(actions_with_result),
                sum(guide_rating_sum), sum(guide_rating_count)) <> (0, 0, 0, 0, 0, 0)
        ORDER BY inspection_id
    ), upd AS (
        UPDATE inspection_registry r SET
            defect_results = r.defect_results + d.dr, uncertain_results = r.uncertain_results + d.ur,
            resolved_actions = r.resolved_actions + d.ra, actions_with_result = r.actions_with_result + d.aw,
            guide_rating_sum = r.guide_rating_sum + d.gs, guide_rating_count = r.guide_rating_count + d.gc
        FROM d WHERE r.inspection_id = d.inspection_id
        RETURNING r AS reg, d.dr, d.ur, d.ra, d.aw, d.gs, d.gc
    )
    -- The inspection counted as it is now, and taken away as it was before this change.
    SELECT array_agg(c) INTO changes FROM (
        SELECT inspection_stats_of(u.reg, 1) AS c FROM upd u
        UNION ALL
        SELECT inspection_stats_of(u.reg, -1, u.dr, u.ur, u.ra, u.aw, u.gs, u.gc) FROM upd u
    ) x;
    IF changes IS NOT NULL THEN
        PERFORM inspection_stats_apply(changes);
    END IF;
END
$$;

-- Registry rows of inspections as written (new_rows / old_rows of the inspections triggers).
CREATE OR REPLACE FUNCTION inspections_registry_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    changes inspection_stats_change[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH ins AS (
            INSERT INTO inspection_registry (inspection_id, inspection_code, sync_uuid, inspection_date, product_id,
                station_id, inspector_id, status)
            SELECT n.inspection_id, n.inspection_code, n.sync_uuid, n.inspection_date, COALESCE(n.product_id, 0),
                   inspection_station_of(n.inspection_code), COALESCE(n.inspector_id, 0), n.status
            FROM new_rows n ORDER BY n.inspection_id
            RETURNING inspection_registry AS reg
        )
        SELECT array_agg(inspection_stats_of(ins.reg, 1)) INTO changes FROM ins;
    ELSIF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (
                SELECT 1 FROM new_rows n WHERE n.inspection_id = o.inspection_id)) THEN
            RAISE EXCEPTION 'inspections.inspection_id cannot be changed';
        END IF;
        WITH moved AS (
            SELECT n.*, r AS before FROM new_rows n
            JOIN inspection_registry r ON r.inspection_id = n.inspection_id
            WHERE (r.inspection_code, r.sync_uuid, r.inspection_date, r.product_id, r.inspector_id, r.status)
                  IS DISTINCT FROM (n.inspection_code, n.sync_uuid, n.inspection_date, COALESCE(n.product_id, 0),
                                    COALESCE(n.inspector_id, 0), n.status)
            ORDER BY n.inspection_id
            FOR UPDATE OF r
        ), upd AS (
            UPDATE inspection_registry r SET inspection_code = m.inspection_code, sync_uuid = m.sync_uuid,
                inspection_date = m.inspection_date, product_id = COALESCE(m.product_id, 0),
                station_id = inspection_station_of(m.inspection_code), inspector_id = COALESCE(m.inspector_id, 0),
                status = m.status
            FROM moved m WHERE r.inspection_id = m.inspection_id
            RETURNING r AS reg
        )
        SELECT array_agg(c) INTO changes FROM (
            SELECT inspection_stats_of(u.reg, 1) AS c FROM upd u
            UNION ALL SELECT inspection_stats_of(m.before, -1) FROM moved m
        ) x;
    ELSE
        WITH del AS (
            DELETE FROM inspection_registry r USING old_rows o WHERE r.inspection_id = o.inspection_id
            RETURNING r AS reg
        )
        SELECT array_agg(inspection_stats_of(del.reg, -1)) INTO changes FROM del;
    END IF;
    IF changes IS NOT NULL THEN
        PERFORM inspection_stats_apply(changes);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION inspection_children_counters() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    deltas inspection_counter_delta[] := '{}';
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF TG_TABLE_NAME = 'inspection_results' THEN
            deltas := deltas || ARRAY(SELECT ROW(n.inspection_id, (n.defect_detected IS TRUE)::int,
                (n.verdict IS NOT DISTINCT FROM 'UNCERTAIN')::int, 0, 0, 0, 0)::inspection_counter_delta
                FROM new_rows n);
        ELSIF TG_TABLE_NAME = 'action_logs' THEN
            deltas := deltas || ARRAY(SELECT ROW(n.inspection_id, 0, 0,
                (n.action_result IS NOT DISTINCT FROM 'resolved')::int, (n.action_result IS NOT NULL)::int,
                0, 0)::inspection_counter_delta FROM new_rows n);
        ELSE
            deltas := deltas || ARRAY(SELECT ROW(n.inspection_id, 0, 0, 0, 0,
                CASE WHEN n.feedback_type = 'guide_quality' THEN n.rating ELSE 0 END,
                (n.feedback_type IS NOT DISTINCT FROM 'guide_quality')::int)::inspection_counter_delta
                FROM new_rows n);
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_TABLE_NAME = 'inspection_results' THEN
            deltas := deltas || ARRAY(SELECT ROW(o.inspection_id, -(o.defect_detected IS TRUE)::int,
                -(o.verdict IS NOT DISTINCT FROM 'UNCERTAIN')::int, 0, 0, 0, 0)::inspection_counter_delta
                FROM old_rows o);
        ELSIF TG_TABLE_NAME = 'action_logs' THEN
            deltas := deltas || ARRAY(SELECT ROW(o.inspection_id, 0, 0,
                -(o.action_result IS NOT DISTINCT FROM 'resolved')::int, -(o.action_result IS NOT NULL)::int,
                0, 0)::inspection_counter_delta FROM old_rows o);
        ELSE
            deltas := deltas || ARRAY(SELECT ROW(o.inspection_id, 0, 0, 0, 0,
                -CASE WHEN o.feedback_type = 'guide_quality' THEN o.rating ELSE 0 END,
                -(o.feedback_type IS NOT DISTINCT FROM 'guide_quality')::int)::inspection_counter_delta
                FROM old_rows o);
        END IF;
    END IF;
    PERFORM inspection_counters_apply(deltas);
    RETURN NULL;
END
$$;

-- TRUNCATE would bypass the registry and the counts; it is refused (retention detaches partitions).
CREATE OR REPLACE FUNCTION inspections_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of % is not supported: use station db retention, or DELETE', TG_TABLE_NAME;
END
$$;

-- Monthly partitions from months_back months before the current month to months_ahead after it, and
-- for every month that holds rows in the default partition (those rows are moved into it).
CREATE OR REPLACE FUNCTION inspection_partitions_ensure(months_back INTEGER, months_ahead INTEGER)
RETURNS SETOF TEXT
LANGUAGE plpgsql
AS $$
DECLARE
    m DATE;
    wanted DATE[];
    stray DATE[];
    name TEXT;
BEGIN
    SELECT array_agg(DISTINCT d ORDER BY d) INTO wanted FROM (
        SELECT (date_trunc('month', CURRENT_DATE) + make_interval(months => g))::date AS d
        FROM generate_series(-months_back, months_ahead) g
    ) x;
    SELECT array_agg(DISTINCT date_trunc('month', inspection_date)::date) INTO stray FROM inspections_default;
    IF stray IS NOT NULL THEN
        ALTER TABLE inspections DETACH PARTITION inspections_default;
    END IF;
    FOREACH m IN ARRAY (SELECT array_agg(DISTINCT v ORDER BY v) FROM unnest(wanted || COALESCE(stray, '{}')) v) LOOP
        name := 'inspections_' || to_char(m, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF inspections FOR VALUES FROM (%L) TO (%L)',
                           name, m::timestamp, (m + interval '1 month')::timestamp);
            RETURN NEXT name;
        END IF;
    END LOOP;
    IF stray IS NOT NULL THEN
        -- Straight into the partitions: the rows keep their ids, registry entries and counts.
        FOREACH m IN ARRAY stray LOOP
            EXECUTE format('INSERT INTO %I SELECT * FROM inspections_default WHERE inspection_date >= %L '
                           'AND inspection_date < %L', 'inspections_' || to_char(m, 'YYYY_MM'),
                           m::timestamp, (m + interval '1 month')::timestamp);
        END LOOP;
        DELETE FROM inspections_default;
        ALTER TABLE inspections ATTACH PARTITION inspections_default DEFAULT;
    END IF;
END
$$;

-- The aggregates recomputed from the registry (migration, and `station db maintain --rebuild-stats`).
CREATE OR REPLACE FUNCTION inspection_stats_rebuild() RETURNS void
LANGUAGE sql
AS $$
    DELETE FROM inspection_stats_daily;
    DELETE FROM inspection_stats_total;
    INSERT INTO inspection_stats_daily (stat_day, shift, product_id, station_id, inspector_id, inspections, completed,
        defects, uncertain, resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count)
    SELECT (c).stat_day, (c).shift, (c).product_id, (c).station_id, (c).inspector_id, sum((c).inspections),
           sum((c).completed), sum((c).defects), sum((c).uncertain), sum((c).resolved), sum((c).pending_actions),
           sum((c).pending_reviews), sum((c).guide_rating_sum), sum((c).guide_rating_count)
    FROM (SELECT inspection_stats_of(r, 1) AS c FROM inspection_registry r) x
    GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO inspection_stats_total (product_id, station_id, inspector_id, inspections, completed, defects,
        uncertain, resolved, pending_actions, pending_reviews, guide_rating_sum, guide_rating_count,
        last_inspection_at, last_received_at)
    SELECT (c).product_id, (c).station_id, (c).inspector_id, sum((c).inspections), sum((c).completed),
           sum((c).defects), sum((c).uncertain), sum((c).resolved), sum((c).pending_actions),
           sum((c).pending_reviews), sum((c).guide_rating_sum), sum((c).guide_rating_count),
           max((c).inspection_date), max((c).received_at)
    FROM (SELECT inspection_stats_of(r, 1) AS c FROM inspection_registry r) x
    GROUP BY 1, 2, 3;
$$;
