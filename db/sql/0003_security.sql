-- schema_design.md §9 made real on PostgreSQL: current_user_id(), row-level security on
-- inspections, and an audit trigger writing audit_logs. PostgreSQL only.
-- The application user of a session is set per connection with
--   SELECT set_config('station.user_id', '<users.user_id>', false);

CREATE OR REPLACE FUNCTION current_user_id() RETURNS INTEGER
LANGUAGE sql STABLE
AS $$ SELECT NULLIF(current_setting('station.user_id', true), '')::integer $$;

CREATE OR REPLACE FUNCTION station_user_has_role(wanted TEXT[]) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
    SELECT EXISTS (
        SELECT 1 FROM user_roles ur
        JOIN roles r ON r.role_id = ur.role_id
        JOIN users u ON u.user_id = ur.user_id
        WHERE ur.user_id = current_user_id() AND u.is_active AND r.role_name = ANY (wanted))
$$;

ALTER TABLE inspections ENABLE ROW LEVEL SECURITY;

-- The document's policy, verbatim: a worker sees only the inspections he or she performed.
CREATE POLICY inspector_isolation ON inspections
    FOR SELECT
    USING (inspector_id = current_user_id());

-- Admins, managers and viewers read everything (permissive policies are OR-ed).
CREATE POLICY inspections_privileged_read ON inspections
    FOR SELECT
    USING (station_user_has_role(ARRAY['admin', 'manager', 'viewer']));

CREATE POLICY inspections_insert ON inspections
    FOR INSERT
    WITH CHECK (inspector_id = current_user_id() OR station_user_has_role(ARRAY['admin', 'manager']));

CREATE POLICY inspections_update ON inspections
    FOR UPDATE
    USING (inspector_id = current_user_id() OR station_user_has_role(ARRAY['admin', 'manager']));

CREATE POLICY inspections_delete ON inspections
    FOR DELETE
    USING (station_user_has_role(ARRAY['admin']));

CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    old_j JSONB;
    new_j JSONB;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_j := to_jsonb(OLD) - 'password_hash' - 'embedding_vector';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_j := to_jsonb(NEW) - 'password_hash' - 'embedding_vector';
        IF TG_OP = 'UPDATE' AND to_jsonb(OLD) ? 'password_hash'
           AND to_jsonb(OLD) ->> 'password_hash' IS DISTINCT FROM to_jsonb(NEW) ->> 'password_hash' THEN
            new_j := new_j || '{"password_changed": true}'::jsonb;
        END IF;
    END IF;
    INSERT INTO audit_logs (table_name, operation, user_id, old_data, new_data)
    VALUES (TG_TABLE_NAME, TG_OP, current_user_id(), old_j, new_j);
    RETURN NULL;
END
$$;
