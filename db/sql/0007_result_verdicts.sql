-- Faithful records (db/README.md "Verdicts and provenance"): every result stores its verdict, the
-- thresholds it was judged with and where its judgement came from.
-- verdict: PASS, FAIL or UNCERTAIN (held for review); NULL only on rows recorded before this
-- revision, read as FAIL when defect_detected else PASS. defect_detected = (verdict = 'FAIL').
-- provenance keys: backbone, bank_sha256, model_config_id, manual_id, manual_version, guide_model.

ALTER TABLE inspection_results ADD COLUMN verdict VARCHAR(10)
    CONSTRAINT inspection_results_verdict_check CHECK (verdict IN ('PASS', 'FAIL', 'UNCERTAIN'));
ALTER TABLE inspection_results ADD COLUMN image_threshold FLOAT;
ALTER TABLE inspection_results ADD COLUMN pixel_threshold FLOAT;
ALTER TABLE inspection_results ADD COLUMN review_threshold FLOAT;
ALTER TABLE inspection_results ADD COLUMN provenance JSONB;
CREATE INDEX idx_results_verdict ON inspection_results(verdict);
COMMENT ON COLUMN inspection_results.verdict IS '판정 PASS / FAIL / UNCERTAIN (검토 대기)'; -- pg-only
COMMENT ON COLUMN inspection_results.provenance IS '판정 근거: backbone, bank_sha256, model_config_id, manual_id, manual_version, guide_model'; -- pg-only

-- The sync role may update the new columns of the rows it pushes (as the other mutable columns).
GRANT UPDATE (verdict, image_threshold, pixel_threshold, review_threshold, provenance)
    ON inspection_results TO station_sync; -- pg-only

-- Model configurations: the newest change wins, wherever it was made (docs/readme/sync.md). A station
-- pushes the configurations it changed; the sync writes a row only where its updated_at is newer.
GRANT INSERT, UPDATE (config_name, preprocessing, image_threshold, pixel_threshold, detection_model,
    detection_confidence, is_active, updated_at) ON model_configs TO station_sync; -- pg-only
GRANT USAGE ON SEQUENCE model_configs_config_id_seq TO station_sync; -- pg-only

-- The views keep every column of 0002 and add the verdicts. An UNCERTAIN part is its own state:
-- not a defect (defect_detected is false), not normal, awaiting review until an action is recorded.
CREATE OR REPLACE VIEW dashboard_stats AS
SELECT
    p.product_id,
    p.product_name,
    (SELECT COUNT(*) FROM images i
      WHERE i.product_id = p.product_id AND i.is_active = TRUE AND i.image_type = 'normal') AS normal_image_count,
    (SELECT COUNT(*) FROM images i
      WHERE i.product_id = p.product_id AND i.is_active = TRUE AND i.image_type = 'defect') AS defect_image_count,
    (SELECT COUNT(*) FROM inspections ins WHERE ins.product_id = p.product_id) AS total_inspection_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.defect_detected = TRUE)) AS defect_detected_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM action_logs al
                     WHERE al.inspection_id = ins.inspection_id AND al.action_result = 'resolved')) AS resolved_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.defect_detected = TRUE)
        AND NOT EXISTS (SELECT 1 FROM action_logs al
                         WHERE al.inspection_id = ins.inspection_id AND al.action_result IS NOT NULL)) AS pending_action_count,
    (SELECT AVG(f.rating) FROM feedbacks f JOIN inspections ins ON f.inspection_id = ins.inspection_id
      WHERE ins.product_id = p.product_id AND f.feedback_type = 'guide_quality') AS avg_guide_rating,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.verdict = 'UNCERTAIN')) AS uncertain_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.verdict = 'UNCERTAIN')
        AND NOT EXISTS (SELECT 1 FROM action_logs al
                         WHERE al.inspection_id = ins.inspection_id AND al.action_result IS NOT NULL)) AS pending_review_count
FROM products p
WHERE p.is_active = TRUE;
COMMENT ON VIEW dashboard_stats IS '대시보드 통합 통계'; -- pg-only

CREATE OR REPLACE VIEW recent_inspections AS
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
FROM inspections ins
JOIN products p ON ins.product_id = p.product_id
LEFT JOIN inspection_results ir ON ir.result_id = (
    SELECT MAX(r2.result_id) FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id)
LEFT JOIN defect_types dt ON ir.defect_type_id = dt.defect_type_id
LEFT JOIN users u ON ins.inspector_id = u.user_id
LEFT JOIN action_logs la ON la.action_id = (
    SELECT a2.action_id FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1)
WHERE ins.status = 'completed'
ORDER BY ins.inspection_date DESC, ins.inspection_id DESC
LIMIT 100;
COMMENT ON VIEW recent_inspections IS '최근 검사 이력 (상위 100건)'; -- pg-only
-- CREATE OR REPLACE resets view options: run with the caller's rights again.
ALTER VIEW recent_inspections SET (security_invoker = true); -- pg-only
ALTER VIEW dashboard_stats SET (security_invoker = true); -- pg-only
