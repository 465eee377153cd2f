-- Recurrence alerts reach the centre (docs/readme/sync.md): a portable key, who acknowledged the alert
-- and when. The station pushes the alert when it is raised and again when a supervisor acknowledges it.
ALTER TABLE recurrence_alerts ADD COLUMN acknowledged_by INTEGER REFERENCES users(user_id);
ALTER TABLE recurrence_alerts ADD COLUMN acknowledged_at TIMESTAMP;
ALTER TABLE recurrence_alerts ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_recurrence_alerts_sync_uuid ON recurrence_alerts(sync_uuid);
CREATE INDEX idx_recurrence_alerts_open ON recurrence_alerts(status, product_id);
GRANT SELECT, INSERT ON recurrence_alerts TO station_sync; -- pg-only
GRANT USAGE ON SEQUENCE recurrence_alerts_alert_id_seq TO station_sync; -- pg-only
GRANT UPDATE (status, acknowledged_by, acknowledged_at) ON recurrence_alerts TO station_sync; -- pg-only
