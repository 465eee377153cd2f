-- The views of 0007 (same names, columns, types and meaning) on the aggregates of 0008 and with
-- index-friendly LIMIT queries (db/README.md decision 9). PostgreSQL only.
-- dashboard_stats sums inspection_stats_total (a few rows per product and station) instead of
-- scanning every inspection; recent_inspections takes the newest 100 completed inspections from the
-- date index (partition by partition, newest first) before it joins their latest result and action.

CREATE VIEW dashboard_stats AS
SELECT
    p.product_id,
    p.product_name,
    (SELECT COUNT(*) FROM images i
      WHERE i.product_id = p.product_id AND i.is_active = TRUE AND i.image_type = 'normal') AS normal_image_count,
    (SELECT COUNT(*) FROM images i
      WHERE i.product_id = p.product_id AND i.is_active = TRUE AND i.image_type = 'defect') AS defect_image_count,
    COALESCE(s.inspections, 0)::bigint AS total_inspection_count,
    COALESCE(s.defects, 0)::bigint AS defect_detected_count,
    COALESCE(s.resolved, 0)::bigint AS resolved_count,
    COALESCE(s.pending_actions, 0)::bigint AS pending_action_count,
    s.guide_rating_sum::numeric / NULLIF(s.guide_rating_count, 0) AS avg_guide_rating,
    COALESCE(s.uncertain, 0)::bigint AS uncertain_count,
    COALESCE(s.pending_reviews, 0)::bigint AS pending_review_count
FROM products p
LEFT JOIN LATERAL (
    SELECT sum(t.inspections) AS inspections, sum(t.defects) AS defects, sum(t.resolved) AS resolved,
           sum(t.pending_actions) AS pending_actions, sum(t.uncertain) AS uncertain,
           sum(t.pending_reviews) AS pending_reviews, sum(t.guide_rating_sum) AS guide_rating_sum,
           sum(t.guide_rating_count) AS guide_rating_count
    FROM inspection_stats_total t WHERE t.product_id = p.product_id
) s ON TRUE
WHERE p.is_active = TRUE;
COMMENT ON VIEW dashboard_stats IS '대시보드 통합 통계';

CREATE VIEW recent_inspections AS
SELECT
    ins.inspection_id,
    ins.inspection_code,
    ins.inspection_date,
    p.product_code,
    p.product_name,
    dt.defect_name_ko,
    ir.defect_detected,
    ir.confidence_score,
    u.username AS inspector,
    CASE
        WHEN la.action_result = 'resolved' THEN '조치완료'
        WHEN ir.verdict = 'UNCERTAIN' AND la.action_result IS NULL THEN '검토대기'
        WHEN ir.defect_detected = TRUE AND la.action_result IS NULL THEN '미조치'
        WHEN ir.defect_detected = TRUE OR ir.verdict = 'UNCERTAIN' THEN '조치중'
        ELSE '정상'
    END AS action_status,
    COALESCE(ir.verdict, CASE WHEN ir.defect_detected = TRUE THEN 'FAIL'
                              WHEN ir.defect_detected = FALSE THEN 'PASS' END) AS verdict
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
LEFT JOIN defect_types dt ON ir.defect_type_id = dt.defect_type_id
LEFT JOIN users u ON ins.inspector_id = u.user_id
LEFT JOIN LATERAL (
    SELECT a2.action_result FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1
) la ON TRUE
ORDER BY ins.inspection_date DESC, ins.inspection_id DESC;
COMMENT ON VIEW recent_inspections IS '최근 검사 이력 (상위 100건)';
ALTER VIEW recent_inspections SET (security_invoker = true);
ALTER VIEW dashboard_stats SET (security_invoker = true);

-- The aggregates follow the rules of inspections: a worker counts his or her own inspections,
-- admins, managers and viewers everything, the sync's own session (no application user) everything.
ALTER TABLE inspection_stats_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE inspection_stats_total ENABLE ROW LEVEL SECURITY;
CREATE POLICY stats_daily_read ON inspection_stats_daily FOR SELECT
    USING (inspector_id = current_user_id()
           OR (SELECT station_user_has_role(ARRAY['admin', 'manager', 'viewer'])));
CREATE POLICY stats_total_read ON inspection_stats_total FOR SELECT
    USING (inspector_id = current_user_id()
           OR (SELECT station_user_has_role(ARRAY['admin', 'manager', 'viewer'])));
CREATE POLICY stats_daily_sync_read ON inspection_stats_daily FOR SELECT TO station_sync
    USING (current_user_id() IS NULL);
CREATE POLICY stats_total_sync_read ON inspection_stats_total FOR SELECT TO station_sync
    USING (current_user_id() IS NULL);
GRANT SELECT ON inspection_stats_daily, inspection_stats_total TO station_sync;
-- The sync resolves a child's inspection from its sync_uuid in the registry (one unique index).
GRANT SELECT (inspection_id, sync_uuid) ON inspection_registry TO station_sync;
-- Partial index for the dashboard's reference-image counts (test images are most of the table).
CREATE INDEX idx_images_reference ON images(product_id, image_type) WHERE is_active AND image_type IN ('normal', 'defect');
