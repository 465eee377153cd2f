-- History filters at fleet scale (db/README.md decision 10). PostgreSQL only.
-- The supervisor's history filters for open work (미조치, 검토대기, 조치중), defects only and UNCERTAIN
-- read the newest rows first. Through the date index of inspections they scan every inspection until
-- enough rare ones are found; these partial indexes of the registry hold only inspections with a
-- defect or UNCERTAIN result (a superset of every one of those states: the latest result of such an
-- inspection is one of its results), newest first, so the scan visits candidates only.
CREATE INDEX idx_inspection_registry_flagged ON inspection_registry (inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0;
CREATE INDEX idx_inspection_registry_flagged_product
    ON inspection_registry (product_id, inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0;

-- The registry is now read by the history queries (joined to inspections, which has row-level
-- security). It carries the inspector and the code of every inspection, so it follows the rules of
-- inspections itself: a worker reads his or her own rows, admins, managers and viewers all of them,
-- the sync's role (no application user) resolves any inspection's id as before. Its triggers are
-- SECURITY DEFINER (the owner) and foreign-key checks are not subject to row-level security.
ALTER TABLE inspection_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY registry_read ON inspection_registry FOR SELECT
    USING (inspector_id = current_user_id()
           OR (SELECT station_user_has_role(ARRAY['admin', 'manager', 'viewer'])));
CREATE POLICY registry_sync_read ON inspection_registry FOR SELECT TO station_sync USING (true);
