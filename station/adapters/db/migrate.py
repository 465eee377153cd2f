"""Schema migrations (Alembic, ``db/migrations``) for the central and the local database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from station.adapters.db.engine import check_connection, describe_error
from station.adapters.db.sqlddl import migrations_dir
from station.domain.errors import DatabaseUnavailableError


def _config(engine: Engine, connection: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(engine: Engine, action: str, revision: str) -> None:
    check_connection(engine)
    url = engine.url.render_as_string(hide_password=False)
    try:
        with engine.begin() as conn:
            cfg = _config(engine, conn)
            if action == "upgrade":
                command.upgrade(cfg, revision)
            else:
                command.downgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(describe_error(exc, url)) from exc


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Brings the database to ``revision``; returns the revision it is at afterwards."""
    _run(engine, "upgrade", revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str = "base") -> str | None:
    _run(engine, "downgrade", revision)
    return current_revision(engine)
