-- Verdict overrides at the bench (docs/readme/line.md): a worker or supervisor corrects a verdict
-- ('false_alarm': the part was good; 'missed_defect': it was defective; 'other_defect_type': defective,
-- but of another type). Who and when are stored; the row is pushed to the centre like action_logs, and
-- the corrected part joins the image library as a labelled sample (library_image_id).
CREATE TABLE verdict_overrides (
    override_id SERIAL PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections(inspection_id) ON DELETE CASCADE,
    override_kind VARCHAR(20) NOT NULL
        CONSTRAINT verdict_overrides_kind_check
        CHECK (override_kind IN ('false_alarm', 'missed_defect', 'other_defect_type')),
    original_verdict VARCHAR(10),
    corrected_label VARCHAR(10) NOT NULL
        CONSTRAINT verdict_overrides_label_check CHECK (corrected_label IN ('normal', 'defect')),
    defect_type_id INTEGER REFERENCES defect_types(defect_type_id),
    library_image_id INTEGER REFERENCES images(image_id),
    anomaly_score FLOAT,
    overridden_by INTEGER REFERENCES users(user_id),
    overridden_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    notes TEXT,
    sync_uuid UUID DEFAULT gen_random_uuid()
);
CREATE UNIQUE INDEX uq_verdict_overrides_sync_uuid ON verdict_overrides(sync_uuid);
CREATE INDEX idx_verdict_overrides_inspection ON verdict_overrides(inspection_id);
COMMENT ON TABLE verdict_overrides IS '판정 정정 이력 (오경보, 미검출, 다른 불량 유형)'; -- pg-only
GRANT SELECT, INSERT ON verdict_overrides TO station_sync; -- pg-only
GRANT USAGE ON SEQUENCE verdict_overrides_override_id_seq TO station_sync; -- pg-only
GRANT UPDATE (notes) ON verdict_overrides TO station_sync; -- pg-only

-- Recurrence watch: a defect type came back on a product within the window after a corrective action
-- for it was logged as resolved. Kept on the station (the supervisor's queue reads it); linked to the
-- action that did not hold and to the inspection that showed the defect again.
CREATE TABLE recurrence_alerts (
    alert_id SERIAL PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(product_id),
    defect_type_id INTEGER NOT NULL REFERENCES defect_types(defect_type_id),
    action_id INTEGER NOT NULL REFERENCES action_logs(action_id) ON DELETE CASCADE,
    inspection_id INTEGER NOT NULL REFERENCES inspections(inspection_id) ON DELETE CASCADE,
    inspections_since INTEGER NOT NULL,
    hours_since FLOAT NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'open'
        CONSTRAINT recurrence_alerts_status_check CHECK (status IN ('open', 'acknowledged')),
    raised_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX uq_recurrence_alerts_inspection ON recurrence_alerts(inspection_id);
COMMENT ON TABLE recurrence_alerts IS '조치 후 같은 불량 재발 알림'; -- pg-only
