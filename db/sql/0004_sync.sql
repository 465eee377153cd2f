-- Local-first sync (docs/readme/sync.md): station-generated unique keys for idempotent upserts,
-- the state of every stored object file, and login lockout columns. Runs on both databases.
-- On SQLite the migration writes "sync_uuid UUID DEFAULT gen_random_uuid()" as VARCHAR(36) and
-- fills the key from the ORM default or, for raw inserts, from a trigger (0004_sync_local.sql).

-- A row's identity everywhere: generated where the row is born (station or centre), never changed.
ALTER TABLE images ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_images_sync_uuid ON images(sync_uuid);
ALTER TABLE image_metadata ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_image_metadata_sync_uuid ON image_metadata(sync_uuid);
ALTER TABLE inspections ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_inspections_sync_uuid ON inspections(sync_uuid);
ALTER TABLE inspection_results ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_inspection_results_sync_uuid ON inspection_results(sync_uuid);
ALTER TABLE action_logs ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_action_logs_sync_uuid ON action_logs(sync_uuid);
ALTER TABLE feedbacks ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_feedbacks_sync_uuid ON feedbacks(sync_uuid);
ALTER TABLE deployments ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_deployments_sync_uuid ON deployments(sync_uuid);
ALTER TABLE audit_logs ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_audit_logs_sync_uuid ON audit_logs(sync_uuid);
ALTER TABLE model_configs ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_model_configs_sync_uuid ON model_configs(sync_uuid);
ALTER TABLE manuals ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_manuals_sync_uuid ON manuals(sync_uuid);
ALTER TABLE manual_sections ADD COLUMN sync_uuid UUID DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX uq_manual_sections_sync_uuid ON manual_sections(sync_uuid);
COMMENT ON COLUMN inspections.sync_uuid IS '스테이션에서 생성한 전역 고유 키 (동기화 멱등성)'; -- pg-only

-- Every object key a row refers to (images.file_path, inspection_results.*_path): 'pending' until
-- the file is in the central object store, 'stored' afterwards, 'failed' when the station cannot
-- provide it (missing or corrupted local file). A row syncs at once; its file may follow later.
CREATE TABLE object_files (
    object_key VARCHAR(500) PRIMARY KEY,
    state VARCHAR(10) NOT NULL DEFAULT 'pending',
    byte_size BIGINT,
    station_id VARCHAR(16),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    stored_at TIMESTAMP,
    CONSTRAINT object_files_state_check CHECK (state IN ('pending', 'stored', 'failed'))
);
CREATE INDEX idx_object_files_state ON object_files(state);
COMMENT ON TABLE object_files IS '오브젝트 스토리지 파일 상태 (pending/stored/failed)'; -- pg-only

-- Login lockout: consecutive failures and the time until which the account is locked.
ALTER TABLE users ADD COLUMN failed_login_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMP;
