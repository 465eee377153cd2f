"""Credentials come from the environment or the OS keyring, never from config.toml; TLS options reach
libpq (a server without TLS is refused when TLS is required)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from station.adapters.db.engine import check_connection, make_engine
from station.adapters.sync.credentials import central_url, store_keyring_secret
from station.config import load_settings, save_settings
from station.domain.errors import ConfigurationError, DatabaseUnavailableError


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring service (the only mock here: the desktop's secret store)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring():  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_no_centre_configured_means_local_only() -> None:
    assert central_url(load_settings()) is None


def test_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CENTRAL_DB_URL", "postgresql://st01@db.example.com:5432/station")
    monkeypatch.setenv("STATION_CENTRAL_DB_PASSWORD", "s3cr3t")
    assert make_url(central_url(load_settings())).password == "s3cr3t"  # type: ignore[arg-type]


def test_password_from_the_os_keyring(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    monkeypatch.setenv("STATION_CENTRAL_DB_URL", "postgresql://st01@db.example.com/station")
    store_keyring_secret("central_db_password", "from-keyring")
    assert memory_keyring.items == {("inspection-station", "central_db_password"): "from-keyring"}
    assert make_url(central_url(load_settings())).password == "from-keyring"  # type: ignore[arg-type]


def test_a_password_in_config_toml_is_refused(_isolated_home: Path) -> None:
    settings = load_settings(central_db_url="postgresql://st01:oops@db.example.com/station")
    save_settings(settings)
    assert "oops" in (_isolated_home / "config.toml").read_text()  # written by hand / an old version
    with pytest.raises(ConfigurationError, match="config.toml holds a password"):
        central_url(load_settings())


def test_secrets_are_never_written_to_config_toml(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CENTRAL_DB_PASSWORD", "s3cr3t")
    monkeypatch.setenv("STATION_S3_SECRET_ACCESS_KEY", "s3-key")
    save_settings(load_settings(central_db_url="postgresql://st01@db/station"))
    text = (_isolated_home / "config.toml").read_text()
    assert "s3cr3t" not in text and "s3-key" not in text


def test_tls_options_reach_the_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = tmp_path / "root.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("STATION_CENTRAL_DB_URL", "postgresql://st01@db.example.com/station")
    monkeypatch.setenv("STATION_CENTRAL_DB_SSLMODE", "verify-full")
    monkeypatch.setenv("STATION_CENTRAL_DB_SSLROOTCERT", str(ca))
    query = make_url(central_url(load_settings())).query  # type: ignore[arg-type]
    assert query == {"sslmode": "verify-full", "sslrootcert": str(ca)}
    monkeypatch.setenv("STATION_CENTRAL_DB_SSLROOTCERT", str(tmp_path / "missing.crt"))
    with pytest.raises(ConfigurationError, match="does not exist"):
        central_url(load_settings())


def test_required_tls_is_enforced_by_the_driver(pg_admin_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CENTRAL_DB_URL", pg_admin_url)
    monkeypatch.setenv("STATION_CENTRAL_DB_SSLMODE", "require")
    engine = make_engine(central_url(load_settings()))  # type: ignore[arg-type]
    with pytest.raises(DatabaseUnavailableError, match="SSL"):
        check_connection(engine)  # the test server has no TLS: refused, never silently in clear text
    engine.dispose()
