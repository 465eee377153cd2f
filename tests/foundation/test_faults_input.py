"""Bad input and faults get one clear line: a malformed or wrongly typed config file, an unknown language
or theme, an unwritable STATION_HOME, a duplicate e-mail (no SQL parameters or hash in the message), a
chatty pg_dump (no deadlock), and an unknown user at sign-in costing one argon2 verify like a wrong password."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import station.services.admin.users as users_module
from station.adapters.db.database import open_database
from station.adapters.db.users_repo import SqlUserRepository
from station.cli.main import main
from station.config import config_file_path, load_settings, save_settings
from station.domain.errors import AuthenticationError, ConfigurationError, ValidationError
from station.services.admin import UserService


def _one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("content", "expected"), [
    ('language = "ko"\ntheme = \n', "is not valid TOML"),
    ("station_id = [1, 2]\n", "invalid setting station_id [1, 2] in config file"),
    ('language = "fr"\n', "unknown language 'fr' in config file"),
    ('theme = "blue"\n', "unknown theme 'blue'"),
    ("storage_backend = 3\n", "unknown storage_backend 3"),
])
def test_a_bad_config_file_is_one_line_naming_file_and_setting(content: str, expected: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config_file_path().write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=re.escape(expected)) as info:
        load_settings()
    assert str(config_file_path()) in str(info.value)
    err = _one_line_error(capsys, "sync", "status")
    assert expected in err and err.startswith("station: error: ")


def test_unknown_language_or_theme_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_THEME", "neon")
    with pytest.raises(ConfigurationError, match="unknown theme 'neon' in STATION_THEME: choose light or dark"):
        load_settings()
    monkeypatch.delenv("STATION_THEME")
    settings = load_settings()
    with pytest.raises(ConfigurationError, match="unknown language 'de': choose en or ko"):
        save_settings(settings.model_copy(update={"language": "de"}))  # model_copy does not validate
    assert not config_file_path().exists(), "nothing written"


def test_a_secret_in_a_bad_setting_is_not_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file_path().write_text("s3_secret_access_key = 12345\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "s3_secret_access_key" in str(info.value) and "12345" not in str(info.value)


def test_an_unwritable_station_home_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STATION_HOME", str(blocker / "home"))  # unwritable even for root
    with pytest.raises(ConfigurationError, match="STATION_HOME .* is not writable"):
        load_settings().ensure_dirs()
    err = _one_line_error(capsys, "sync", "status")
    assert "is not writable" in err and "--home" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders: covered by the file case above")
def test_a_read_only_station_home_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("STATION_HOME", str(home))
    try:
        with pytest.raises(ConfigurationError, match="is not writable"):
            load_settings().ensure_dirs()
    finally:
        home.chmod(0o700)


@pytest.fixture(params=["sqlite", "postgresql"])
def users(request: pytest.FixtureRequest, sqlite_url: str) -> UserService:
    url = request.getfixturevalue("pg_empty_url") if request.param == "postgresql" else sqlite_url
    service = UserService(SqlUserRepository(open_database(url, upgrade=True)))
    service.add_user("kim", "kim@example.com", "right password", ["worker"])
    return service


def test_a_duplicate_email_is_one_clean_line(users: UserService) -> None:
    with pytest.raises(ValidationError) as info:
        users.add_user("lee", "kim@example.com", "another password", ["worker"])
    message = str(info.value)
    assert message == "the e-mail 'kim@example.com' is already used by another account"
    with pytest.raises(ValidationError, match="already exists"):
        users.add_user("kim", "other@example.com", "another password", ["worker"])


def test_database_errors_never_carry_parameters(sqlite_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    db = open_database(sqlite_url, upgrade=True)
    with pytest.raises(IntegrityError) as info, db.session() as s:
        for _ in range(2):
            s.execute(text("INSERT INTO users (username, email, password_hash) VALUES (:u, :e, :h)"),
                      {"u": "x", "e": "x@example.com", "h": "$argon2id$secret-hash"})
    assert "secret-hash" not in str(info.value) and "parameters hidden" in str(info.value)


def test_an_unknown_user_costs_one_argon2_verify_like_a_wrong_password(users: UserService,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    verified: list[str] = []
    real = users_module.verify_password

    def spy(password_hash: str, password: str) -> bool:
        verified.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(users_module, "verify_password", spy)
    for name in ("kim", "nobody"):
        with pytest.raises(AuthenticationError, match="^wrong user name or password$"):
            users.authenticate(name, "wrong password")
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
    assert verified[0] != verified[1], "the unknown user is checked against a dummy hash, not a real one"


FAKE_PG_DUMP = """#!{python}
import sys
sys.stderr.write("pg_dump: warning: " + "x" * 1000 + "\\n" * 1 + ("pg_dump: noise " * 200 + "\\n") * 2000)
sys.stderr.flush()
sys.stdout.write("-- dump\\n" * 1000)
sys.exit({code})
"""


@pytest.mark.parametrize("code", [0, 1])
def test_pg_dump_writing_megabytes_to_stderr_does_not_deadlock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                code: int) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"  # the outer edge: an executable that floods stderr before its dump
    fake.write_text(FAKE_PG_DUMP.format(python=sys.executable, code=code))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    script = ("import sys; from pathlib import Path; from station.adapters.db.backup import backup_postgres\n"
              "from station.domain.errors import StationError\n"
              "try:\n    r = backup_postgres('postgresql://u:pw@127.0.0.1:1/db', Path(sys.argv[1]))\n"
              "    print('ok', r.size)\nexcept StationError as e:\n    print('error', e)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "backups")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    out = done.stdout.strip()
    if code == 0:
        assert out.startswith("ok ") and len(list((tmp_path / "backups").glob("db_*.sql.gz"))) == 1
    else:
        assert out.startswith("error pg_dump of postgresql://u:***@127.0.0.1:1/db failed: pg_dump: warning: x")
        assert list((tmp_path / "backups").iterdir()) == [], "no half-written backup left behind"


def test_the_cli_reports_a_duplicate_email_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NEW_PW", "a long enough password")
    assert main(["users", "add", "kim", "--email", "kim@example.com", "--role", "worker",
                 "--password-env", "NEW_PW"]) == 0
    err = _one_line_error(capsys, "users", "add", "lee", "--email", "kim@example.com", "--role", "worker",
                          "--password-env", "NEW_PW")
    assert err == "station: error: the e-mail 'kim@example.com' is already used by another account\n"
