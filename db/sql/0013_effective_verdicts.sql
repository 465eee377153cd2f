-- Overrides count (db/README.md "Verdict overrides"): where a person corrected a verdict, the latest
-- override decides what the part is; the station's own verdict, scores and the override itself stay on
-- record. A false alarm ('normal') leaves the defects and the awaiting-action queue; a missed defect or
-- another defect type ('defect') is a defect of the corrected type; an overridden part is never UNCERTAIN.
-- The latest override of an inspection: the newest overridden_at, then the highest override_id.
-- These are the station's (SQLite) views, written in portable SQL; at the centre dashboard_stats reads
-- the aggregates (0013_central_overrides.sql) and this form is their brute-force baseline.

CREATE VIEW dashboard_stats AS
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
        AND COALESCE((SELECT o.corrected_label = 'defect' FROM verdict_overrides o
                       WHERE o.inspection_id = ins.inspection_id
                       ORDER BY o.overridden_at DESC, o.override_id DESC LIMIT 1),
                     EXISTS (SELECT 1 FROM inspection_results ir
                              WHERE ir.inspection_id = ins.inspection_id AND ir.defect_detected = TRUE))
    ) AS defect_detected_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND EXISTS (SELECT 1 FROM action_logs al
                     WHERE al.inspection_id = ins.inspection_id AND al.action_result = 'resolved')) AS resolved_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND COALESCE((SELECT o.corrected_label = 'defect' FROM verdict_overrides o
                       WHERE o.inspection_id = ins.inspection_id
                       ORDER BY o.overridden_at DESC, o.override_id DESC LIMIT 1),
                     EXISTS (SELECT 1 FROM inspection_results ir
                              WHERE ir.inspection_id = ins.inspection_id AND ir.defect_detected = TRUE))
        AND NOT EXISTS (SELECT 1 FROM action_logs al
                         WHERE al.inspection_id = ins.inspection_id AND al.action_result IS NOT NULL)
    ) AS pending_action_count,
    (SELECT AVG(f.rating) FROM feedbacks f JOIN inspections ins ON f.inspection_id = ins.inspection_id
      WHERE ins.product_id = p.product_id AND f.feedback_type = 'guide_quality') AS avg_guide_rating,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND NOT EXISTS (SELECT 1 FROM verdict_overrides o WHERE o.inspection_id = ins.inspection_id)
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.verdict = 'UNCERTAIN')) AS uncertain_count,
    (SELECT COUNT(*) FROM inspections ins
      WHERE ins.product_id = p.product_id
        AND NOT EXISTS (SELECT 1 FROM verdict_overrides o WHERE o.inspection_id = ins.inspection_id)
        AND EXISTS (SELECT 1 FROM inspection_results ir
                     WHERE ir.inspection_id = ins.inspection_id AND ir.verdict = 'UNCERTAIN')
        AND NOT EXISTS (SELECT 1 FROM action_logs al
                         WHERE al.inspection_id = ins.inspection_id AND al.action_result IS NOT NULL)
    ) AS pending_review_count
FROM products p
WHERE p.is_active = TRUE;

-- The columns of 0007 with the effective values (defect type, defect flag, status, verdict), then the
-- record of the correction: the station's own verdict and the latest override (kind, the verdict it
-- corrected, who, when); all NULL for a part never overridden.
CREATE VIEW recent_inspections AS
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
FROM inspections ins
JOIN products p ON ins.product_id = p.product_id
LEFT JOIN inspection_results ir ON ir.result_id = (
    SELECT MAX(r2.result_id) FROM inspection_results r2 WHERE r2.inspection_id = ins.inspection_id)
LEFT JOIN verdict_overrides vo ON vo.override_id = (
    SELECT o2.override_id FROM verdict_overrides o2 WHERE o2.inspection_id = ins.inspection_id
    ORDER BY o2.overridden_at DESC, o2.override_id DESC LIMIT 1)
LEFT JOIN defect_types dt ON dt.defect_type_id = CASE WHEN vo.corrected_label = 'normal' THEN NULL
                                                      ELSE COALESCE(vo.defect_type_id, ir.defect_type_id) END
LEFT JOIN users u ON ins.inspector_id = u.user_id
LEFT JOIN users ou ON vo.overridden_by = ou.user_id
LEFT JOIN action_logs la ON la.action_id = (
    SELECT a2.action_id FROM action_logs a2 WHERE a2.inspection_id = ins.inspection_id
    ORDER BY a2.action_date DESC, a2.action_id DESC LIMIT 1)
WHERE ins.status = 'completed'
ORDER BY ins.inspection_date DESC, ins.inspection_id DESC
LIMIT 100;
