"""Alembic environment for the central PostgreSQL and the station's local SQLite store.

The connection is passed in by ``station.adapters.db.migrate`` (config.attributes["connection"]);
there is no alembic.ini with a URL, so no credentials live in files.
"""

from alembic import context

from station.adapters.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when alembic is run by hand
    raise SystemExit("run migrations with `station db upgrade [--url URL]`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
