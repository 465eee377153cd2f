-- Camera and process health alerts (station/domain/health.py, db/README.md decision 13): a watched signal
-- of a product (or one of its views) drifted from the limits learned from its good images. Raised on the
-- station, kept there for the bench and the supervisor's queue, pushed to the centre when raised and again
-- when a supervisor acknowledges it. station_code names the station that raised it; message is the English
-- worker sentence, params the numbers quoted in it (screens translate by kind and params).
CREATE TABLE health_alerts (
    alert_id SERIAL PRIMARY KEY,
    station_code VARCHAR(50) NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(product_id),
    view_code VARCHAR(50),
    kind VARCHAR(30) NOT NULL
        CONSTRAINT health_alerts_kind_check
        CHECK (kind IN ('image_darker', 'image_brighter', 'contrast_lower', 'contrast_higher', 'focus_lost',
                        'camera_moved', 'pass_scores_higher')),
    signal VARCHAR(20) NOT NULL
        CONSTRAINT health_alerts_signal_check
        CHECK (signal IN ('brightness', 'contrast', 'focus', 'offset_x', 'offset_y', 'pass_score')),
    message TEXT NOT NULL,
    value FLOAT NOT NULL,
    baseline FLOAT NOT NULL,
    params JSONB,
    parts_seen INTEGER NOT NULL,
    raised_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR(20) NOT NULL DEFAULT 'open'
        CONSTRAINT health_alerts_status_check CHECK (status IN ('open', 'acknowledged')),
    acknowledged_by INTEGER REFERENCES users(user_id),
    acknowledged_at TIMESTAMP,
    sync_uuid UUID DEFAULT gen_random_uuid()
);
CREATE UNIQUE INDEX uq_health_alerts_sync_uuid ON health_alerts(sync_uuid);
CREATE INDEX idx_health_alerts_open ON health_alerts(status, product_id);
CREATE INDEX idx_health_alerts_product_time ON health_alerts(product_id, raised_at);
COMMENT ON TABLE health_alerts IS '카메라·공정 상태 알림 (밝기, 대비, 초점, 카메라 위치, 정상 점수 상승)'; -- pg-only
COMMENT ON COLUMN health_alerts.kind IS '알림 종류 (image_darker, camera_moved, ...)'; -- pg-only
COMMENT ON COLUMN health_alerts.params IS '메시지에 인용된 수치 JSON (예: {"px": 12})'; -- pg-only
GRANT SELECT, INSERT ON health_alerts TO station_sync; -- pg-only
GRANT USAGE ON SEQUENCE health_alerts_alert_id_seq TO station_sync; -- pg-only
GRANT UPDATE (status, acknowledged_by, acknowledged_at) ON health_alerts TO station_sync; -- pg-only
