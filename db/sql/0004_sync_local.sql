-- The station's local store only (SQLite): the outbox of rows that must reach the centre and the
-- visible sync state. Rows enter the outbox through triggers that the 0004 migration creates on
-- every pushed table, so a row and its outbox entry are committed in the same transaction,
-- whoever writes the row. See docs/readme/sync.md.

CREATE TABLE sync_outbox (
    outbox_id SERIAL PRIMARY KEY,
    table_name VARCHAR(50) NOT NULL,
    row_id INTEGER NOT NULL,
    queued_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_sync_outbox_table_row ON sync_outbox(table_name, row_id);

CREATE TABLE sync_state (
    state_key VARCHAR(50) PRIMARY KEY,
    state_value TEXT,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
