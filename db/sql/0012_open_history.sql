-- History filters at fleet scale (db/README.md decision 10). PostgreSQL only.
-- The supervisor's history filters for open work (미조치, 검토대기, 조치중), defects only and UNCERTAIN
-- read the newest rows first. Through the date index of inspections they scan every inspection until
-- enough rare ones are found; partial indexes of the registry hold only the candidates, newest first.

-- The number of actions of an inspection, kept like the other counters (statement triggers on
-- action_logs, in the writer's transaction). With resolved_actions it tells when every action of an
-- inspection is resolved, hence its latest one too: such an inspection is not open work.
ALTER TABLE inspection_registry ADD COLUMN actions INTEGER NOT NULL DEFAULT 0;
UPDATE inspection_registry r SET actions = a.n
FROM (SELECT inspection_id, count(*) AS n FROM action_logs GROUP BY inspection_id) a
WHERE r.inspection_id = a.inspection_id;

CREATE OR REPLACE FUNCTION inspection_action_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE inspection_registry r SET actions = r.actions + d.n
        FROM (SELECT inspection_id, count(*)::int AS n FROM new_rows GROUP BY inspection_id ORDER BY inspection_id) d
        WHERE r.inspection_id = d.inspection_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE inspection_registry r SET actions = r.actions - d.n
        FROM (SELECT inspection_id, count(*)::int AS n FROM old_rows GROUP BY inspection_id ORDER BY inspection_id) d
        WHERE r.inspection_id = d.inspection_id;
    ELSE
        UPDATE inspection_registry r SET actions = r.actions + d.n
        FROM (SELECT inspection_id, sum(n)::int AS n FROM (
                  SELECT inspection_id, 1 AS n FROM new_rows UNION ALL SELECT inspection_id, -1 FROM old_rows) x
              GROUP BY inspection_id HAVING sum(n) <> 0 ORDER BY inspection_id) d
        WHERE r.inspection_id = d.inspection_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER action_logs_count_ins AFTER INSERT ON action_logs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_action_count();
CREATE TRIGGER action_logs_count_upd AFTER UPDATE ON action_logs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_action_count();
CREATE TRIGGER action_logs_count_del AFTER DELETE ON action_logs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inspection_action_count();

-- Inspections that ever had a defect or UNCERTAIN result: a superset of defects only, UNCERTAIN and every
-- open state (the latest result is one of the results).
CREATE INDEX idx_inspection_registry_flagged ON inspection_registry (inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0;
CREATE INDEX idx_inspection_registry_flagged_product
    ON inspection_registry (product_id, inspection_date DESC, inspection_id DESC)
    WHERE defect_results > 0 OR uncertain_results > 0;
-- Of those, the ones not (yet) resolved by every action: a superset of 미조치, 검토대기 and 조치중.
CREATE INDEX idx_inspection_registry_open ON inspection_registry (inspection_date DESC, inspection_id DESC)
    WHERE (defect_results > 0 OR uncertain_results > 0) AND (actions = 0 OR resolved_actions < actions);
CREATE INDEX idx_inspection_registry_open_product
    ON inspection_registry (product_id, inspection_date DESC, inspection_id DESC)
    WHERE (defect_results > 0 OR uncertain_results > 0) AND (actions = 0 OR resolved_actions < actions);

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
