-- The least-privilege role of the stations' sync (docs/readme/sync.md "Security"). PostgreSQL only.
-- station_sync is a NOLOGIN group role: an administrator creates one login per station in it,
--   CREATE ROLE station_st01 LOGIN PASSWORD '...' IN ROLE station_sync;
-- (the password goes to the station's environment or OS keyring, never into a file).
-- It may read what the centre owns, insert the rows a station owns and update only their mutable
-- columns. No DELETE, no TRUNCATE, no DDL (it owns nothing and cannot create in the schema).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'station_sync') THEN
        CREATE ROLE station_sync NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS;
    END IF;
END
$$;

-- Nobody but owners creates objects in the schema (PostgreSQL 15's default, made explicit for 14).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO station_sync;

-- Pull: the centre owns the catalogue, the configurations, the manuals and the accounts.
GRANT SELECT ON users, roles, user_roles, products, defect_types, model_configs, manuals, manual_sections
    TO station_sync;

-- Push: a station owns its images, inspections, results, actions, feedback, deployments, audit rows.
GRANT SELECT, INSERT ON images, image_metadata, inspections, inspection_results, action_logs, feedbacks,
    deployments, object_files TO station_sync;
-- The central audit log: write-only (ON CONFLICT needs to see the key column, nothing else).
GRANT INSERT, SELECT (sync_uuid) ON audit_logs TO station_sync;
GRANT USAGE ON SEQUENCE images_image_id_seq, image_metadata_metadata_id_seq, inspections_inspection_id_seq,
    inspection_results_result_id_seq, action_logs_action_id_seq, feedbacks_feedback_id_seq,
    deployments_deployment_id_seq, audit_logs_log_id_seq TO station_sync;

-- Updates only of what may change after a row was first pushed (upserts by sync_uuid).
GRANT UPDATE (is_active) ON images TO station_sync;
GRANT UPDATE (exif_data, preprocessing_applied, quality_score) ON image_metadata TO station_sync;
GRANT UPDATE (status, processing_time) ON inspections TO station_sync;
GRANT UPDATE (defect_detected, defect_type_id, confidence_score, anomaly_score, similarity_score,
    heatmap_path, mask_path, overlay_path, comparison_path, detected_regions, guide_generated,
    guide_content, guide_quality_score) ON inspection_results TO station_sync;
GRANT UPDATE (action_taken, action_result, notes) ON action_logs TO station_sync;
GRANT UPDATE (rating, feedback_text, feedback_type) ON feedbacks TO station_sync;
GRANT UPDATE (status, completed_at, result_summary, error_message) ON deployments TO station_sync;
GRANT UPDATE (state, byte_size, stored_at) ON object_files TO station_sync;

-- Row-level security: the sync's own session acts for no application user (station.user_id unset)
-- and reconciles every inspection the station pushes. A session that acts for a user (station.user_id
-- set) is held to the document's policies: a worker sees only his or her own inspections.
CREATE POLICY station_sync_read ON inspections FOR SELECT TO station_sync
    USING (current_user_id() IS NULL);
CREATE POLICY station_sync_insert ON inspections FOR INSERT TO station_sync
    WITH CHECK (current_user_id() IS NULL);
CREATE POLICY station_sync_update ON inspections FOR UPDATE TO station_sync
    USING (current_user_id() IS NULL) WITH CHECK (current_user_id() IS NULL);
