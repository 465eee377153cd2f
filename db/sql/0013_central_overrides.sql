-- Overrides in the centre's aggregates (db/README.md "Verdict overrides"). PostgreSQL only.
-- The registry keeps the corrected label of each inspection's latest override (newest overridden_at, then
-- highest override_id; NULL when never overridden), maintained by statement triggers on verdict_overrides in
-- the writer's transaction, so an override pushed after its inspection moves the counts like a new result.
-- An inspection's contribution to the counts uses it: 'normal' is no defect, 'defect' is a defect, and an
-- overridden part is never UNCERTAIN; pending actions and reviews follow.

ALTER TABLE inspection_registry ADD COLUMN override_label VARCHAR(10);
UPDATE inspection_registry r SET override_label = o.corrected_label
FROM (SELECT DISTINCT ON (inspection_id) inspection_id, corrected_label FROM verdict_overrides
      ORDER BY inspection_id, overridden_at DESC, override_id DESC) o
WHERE r.inspection_id = o.inspection_id;

CREATE OR REPLACE FUNCTION inspection_stats_of(r inspection_registry, sign INTEGER, dr INTEGER = 0, ur INTEGER = 0,
                                               ra INTEGER = 0, aw INTEGER = 0, gs INTEGER = 0, gc INTEGER = 0)
RETURNS inspection_stats_change
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ROW(inspection_local_time(r.inspection_date)::date, inspection_shift_of(inspection_local_time(r.inspection_date)), r.product_id, r.station_id,
               r.inspector_id, sign, sign * (r.status = 'completed')::int, sign * e.defect::int,
               sign * e.uncertain::int, sign * (r.resolved_actions - ra > 0)::int,
               sign * (e.defect AND r.actions_with_result - aw = 0)::int,
               sign * (e.uncertain AND r.actions_with_result - aw = 0)::int,
               sign * (r.guide_rating_sum - gs), sign * (r.guide_rating_count - gc),
               CASE WHEN sign > 0 THEN r.inspection_date END, CASE WHEN sign > 0 THEN r.received_at END
           )::inspection_stats_change
    FROM (SELECT CASE r.override_label WHEN 'defect' THEN TRUE WHEN 'normal' THEN FALSE
                      ELSE r.defect_results - dr > 0 END AS defect,
                 r.override_label IS NULL AND r.uncertain_results - ur > 0 AS uncertain) e
$$;

-- The latest override's label of the inspections an override statement touched, written to the registry;
-- each changed inspection is taken away from the counts as it was and added as it is now.
CREATE OR REPLACE FUNCTION verdict_overrides_registry() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    ids INTEGER[] := '{}';
    changes inspection_stats_change[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        ids := ids || ARRAY(SELECT n.inspection_id FROM new_rows n);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        ids := ids || ARRAY(SELECT o.inspection_id FROM old_rows o);
    END IF;
    WITH target AS (
        SELECT t.id, (SELECT o.corrected_label FROM verdict_overrides o WHERE o.inspection_id = t.id
                      ORDER BY o.overridden_at DESC, o.override_id DESC LIMIT 1) AS label
        FROM (SELECT DISTINCT unnest(ids) AS id) t WHERE t.id IS NOT NULL
    ), moved AS (
        SELECT r AS before, t.label FROM inspection_registry r JOIN target t ON t.id = r.inspection_id
        WHERE r.override_label IS DISTINCT FROM t.label
        ORDER BY r.inspection_id
        FOR UPDATE OF r
    ), upd AS (
        UPDATE inspection_registry r SET override_label = m.label
        FROM moved m WHERE r.inspection_id = (m.before).inspection_id
        RETURNING r AS reg
    )
    SELECT array_agg(c) INTO changes FROM (
        SELECT inspection_stats_of(u.reg, 1) AS c FROM upd u
        UNION ALL SELECT inspection_stats_of(m.before, -1) FROM moved m
    ) x;
    IF changes IS NOT NULL THEN
        PERFORM inspection_stats_apply(changes);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER verdict_overrides_registry_ins AFTER INSERT ON verdict_overrides REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION verdict_overrides_registry();
CREATE TRIGGER verdict_overrides_registry_upd AFTER UPDATE ON verdict_overrides
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION verdict_overrides_registry();
CREATE TRIGGER verdict_overrides_registry_del AFTER DELETE ON verdict_overrides REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION verdict_overrides_registry();

-- The history filters' candidates (0012) include the parts a person made defects (a missed defect).
DROP INDEX IF EXISTS idx_inspection_registry_flagged;
DROP INDEX IF EXISTS idx_inspection_registry_flagged_product;
DROP INDEX IF EXISTS idx_inspection_registry_open;
DROP INDEX IF EXISTS idx_inspection_registry_open_product;
CREATE INDEX idx_inspection_registry_flagged ON inspection_registry (inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0 OR override_label = 'defect';
CREATE INDEX idx_inspection_registry_flagged_product
    ON inspection_registry (product_id, inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0 OR override_label = 'defect';
CREATE INDEX idx_inspection_registry_open ON inspection_registry (inspection_date DESC, inspection_id DESC)
    WHERE (defect_results > 0 OR uncertain_results > 0 OR override_label = 'defect')
      AND (actions = 0 OR resolved_actions < actions);
CREATE INDEX idx_inspection_registry_open_product
    ON inspection_registry (product_id, inspection_date DESC, inspection_id DESC)
    WHERE (defect_results > 0 OR uncertain_results > 0 OR override_label = 'defect')
      AND (actions = 0 OR resolved_actions < actions);

SELECT inspection_stats_rebuild();

-- 0008's recent_inspections with the effective values and the record of the correction (the same
-- columns as the station's view of 0013_effective_verdicts.sql).
CREATE OR REPLACE VIEW recent_inspections AS
SELECT
    ins.inspection_id,
    ins.inspection_code,
    ins.inspection_date,
    p.product_code,
    p.product_name,
    dt.defect_name_ko,
    CASE WHEN vo.corrected_label IS NULL THEN ir.defect_detected
         ELSE vo.corrected_label = 'defect' END AS defect_detected,
    ir.confidence_score,
    u.username AS inspector,
    CASE
        WHEN la.action_result = 'resolved' THEN '조치완료'
        WHEN vo.corrected_label IS NULL AND ir.verdict = 'UNCERTAIN' AND la.action_result IS NULL THEN '검토대기'
        WHEN (CASE WHEN vo.corrected_label IS NULL THEN ir.defect_detected = TRUE
                   ELSE vo.corrected_label = 'defect' END) AND la.action_result IS NULL THEN '미조치'
        WHEN (CASE WHEN vo.corrected_label IS NULL THEN ir.defect_detected = TRUE OR ir.verdict = 'UNCERTAIN'
                   ELSE vo.corrected_label = 'defect' END) THEN '조치중'
        ELSE '정상'
    END AS action_status,
    CASE vo.corrected_label WHEN 'normal' THEN 'PASS' WHEN 'defect' THEN 'FAIL'
         ELSE COALESCE(ir.verdict, CASE WHEN ir.defect_detected = TRUE THEN 'FAIL'
                                        WHEN ir.defect_detected = FALSE THEN 'PASS' END) END AS verdict,
    COALESCE(ir.verdict, CASE WHEN ir.defect_detected = TRUE THEN 'FAIL'
                              WHEN ir.defect_detected = FALSE THEN 'PASS' END) AS station_verdict,
    vo.override_kind,
    vo.original_verdict AS overridden_from,
    ou.username AS overridden_by,
    vo.overridden_at
FROM (
    SELECT i.inspection_id, i.inspection_code, i.inspection_date, i.product_id, i.inspector_id
    FROM inspections i
    WHERE i.status = 'completed' AND i.product_id IS NOT NULL
    ORDER BY i.inspection_date DESC, i.inspection_id DESC
    LIMIT 100
) ins
JOIN products p ON ins.product_id = p.product_id
LEFT JOIN LATERAL (
    SELECT r2.defect_detected, r2.confidence_score, r2.verdict, r2.defect_type_id FROM inspection_results r2
    WHERE r2.inspection_id = ins.inspection_id ORDER BY r2.result_id DESC LIMIT 1
) ir ON TRUE
LEFT JOIN LATERAL (
    SELECT o2.corrected_label, o2.defect_type_id, o2.override_kind, o2.original_verdict, o2.overridden_by,
           o2.overridden_at FROM verdict_overrides o2
    WHERE o2.inspection_id = ins.inspection_id ORDER BY o2.overridden_at DESC, o2.override_id DESC LIMIT 1
) vo ON TRUE
LEFT JOIN defect_types dt ON dt.defect_type_id = CASE WHEN vo.corrected_label = 'normal' THEN NULL
                                                      ELSE COALESCE(vo.defect_type_id, ir.defect_type_id) END
LEFT JOIN users u ON ins.inspector_id = u.user_id
LEFT JOIN users ou ON vo.overridden_by = ou.user_id
LEFT JOIN LATERAL (
    SELECT a2.action_result FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1
) la ON TRUE
ORDER BY ins.inspection_date DESC, ins.inspection_id DESC;
COMMENT ON VIEW recent_inspections IS '최근 검사 이력 (상위 100건)';
ALTER VIEW recent_inspections SET (security_invoker = true);
