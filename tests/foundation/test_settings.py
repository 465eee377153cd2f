"""Settings: STATION_ environment, the TOML file, STATION_HOME, and secrets never written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.config import config_file_path, load_settings, read_settings_file, save_settings
from station.domain.errors import ConfigurationError


def test_defaults_live_under_station_home(_isolated_home: Path) -> None:
    s = load_settings()
    assert s.home == _isolated_home
    assert s.local_db_path == _isolated_home / "station.sqlite3"
    assert s.resolved_storage_dir == _isolated_home / "objects"
    assert s.resolved_models_dir == _isolated_home / "models"
    assert s.resolved_local_db_url.startswith("sqlite:///")
    assert s.storage_backend == "local" and s.central_db_url is None


def test_toml_file_then_environment_then_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file_path().write_text('station_id = "LINE2"\nlanguage = "ko"\nmodels_dir = "/opt/models"\n')
    s = load_settings()
    assert (s.station_id, s.language, s.models_dir) == ("LINE2", "ko", Path("/opt/models"))
    monkeypatch.setenv("STATION_STATION_ID", "LINE3")
    assert load_settings().station_id == "LINE3"
    assert load_settings(station_id="LINE4").station_id == "LINE4"


def test_secrets_come_from_the_environment_and_are_never_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_S3_SECRET_ACCESS_KEY", "s3cr3t")
    monkeypatch.setenv("STATION_CENTRAL_DB_PASSWORD", "dbpw")
    monkeypatch.setenv("STATION_S3_BUCKET", "inspections")
    s = load_settings()
    assert s.s3_secret_access_key is not None and s.s3_secret_access_key.get_secret_value() == "s3cr3t"
    assert "s3cr3t" not in repr(s)
    path = save_settings(s)
    written = path.read_text()
    assert "s3cr3t" not in written and "dbpw" not in written and "secret" not in written
    assert read_settings_file()["s3_bucket"] == "inspections"


@pytest.mark.parametrize(("key", "value"), [("STATION_STATION_ID", "bad id!"), ("STATION_LANGUAGE", "fr"),
                                            ("STATION_STORAGE_BACKEND", "ftp")])
def test_out_of_range_settings_are_refused(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError, match=key):
        load_settings()
