-- Set-based audit of inserts (docs/readme/sync.md "Throughput"). PostgreSQL only.
-- 0003 audits every row with a row-level trigger. A station's sync and bulk loads insert thousands of
-- rows per statement, and one plpgsql call plus one INSERT per row made the audit cost more than the
-- data itself. Inserts are now audited by one statement-level trigger per statement that writes the
-- same audit rows (table, 'INSERT', current_user_id(), new row without secrets) from the transition
-- table in a single INSERT ... SELECT. Updates and deletes keep the row-level trigger of 0003.

CREATE OR REPLACE FUNCTION audit_insert_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
    INSERT INTO audit_logs (table_name, operation, user_id, old_data, new_data)
    SELECT TG_TABLE_NAME, 'INSERT', current_user_id(), NULL,
           to_jsonb(n) - 'password_hash' - 'embedding_vector'
    FROM new_rows n;
    RETURN NULL;
END
$$;
