"""The `station` command line: db upgrade/import-mapping, users, backup, and one-line errors."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.database import open_database
from station.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> int:
    return main(list(args))


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("db", "users", "backup", "demo"):
        assert command in out


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "station"
    proc = subprocess.run([str(exe), "db", "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "import-mapping" in proc.stdout


def test_db_upgrade_on_postgres_and_import_mapping_is_idempotent(
    pg_empty_url: str, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("db", "upgrade", "--url", pg_empty_url) == 0
    assert "revision 0" in capsys.readouterr().out
    mapping = shared_data / "defect_mapping.json"
    assert run("db", "import-mapping", str(mapping), "--url", pg_empty_url) == 0
    first = capsys.readouterr().out
    assert "products created: 7" in first
    assert run("db", "import-mapping", str(mapping), "--url", pg_empty_url) == 0
    second = capsys.readouterr().out
    assert "products created: 0" in second and "defect types created: 0" in second
    db = open_database(pg_empty_url)
    with db.session() as s:
        assert s.execute(text("SELECT count(*) FROM products")).scalar() == 7
        rows = s.execute(text(
            "SELECT d.defect_code, d.defect_name_ko FROM defect_types d JOIN products p USING (product_id) "
            "WHERE p.product_code = 'prod1' ORDER BY d.defect_code")).all()
        assert [tuple(r) for r in rows] == [("burr", "날개 버"), ("hole", "기공"), ("scratch", "긁힘")]
        assert s.execute(text("SELECT product_name FROM products WHERE product_code = 'prod1'")).scalar() == "주조제품 A형"
    db.dispose()


def test_import_mapping_into_the_local_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text('{"prodX": {"hole": {"en": "hole", "ko": "기공"}}}', encoding="utf-8")  # the older flat layout
    assert run("db", "import-mapping", str(mapping)) == 0
    assert "products created: 1" in capsys.readouterr().out


def test_bad_mapping_file_gives_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run("db", "import-mapping", str(bad)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("station: error:") and "not valid JSON" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "invalid database URL"),
        ("mysql://u@localhost/db", "unsupported database"),
        ("postgresql://nobody:secret@127.0.0.1:1/nodb", "cannot use database"),
        ("postgresql://u@no-such-host.invalid:5432/db", "cannot use database"),
    ],
)
def test_wrong_or_unreachable_database_gives_one_clear_line(
    url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("db", "upgrade", "--url", url) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err
    assert "secret" not in err  # passwords never printed


def test_database_without_schema_is_named(pg_empty_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("users", "list", "--url", pg_empty_url) == 2
    assert "station db upgrade" in capsys.readouterr().err


def test_users_add_passwd_list(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("users", "list") == 0
    assert "no users yet" in capsys.readouterr().out
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "correct horse battery")
    assert run("users", "add", "admin", "--email", "admin@example.com", "--role", "admin",
               "--password-env", "FIRST_ADMIN_PASSWORD") == 0
    monkeypatch.setenv("P2", "short")
    assert run("users", "add", "kim", "--email", "kim@example.com", "--role", "worker", "--password-env", "P2") == 2
    assert "at least 8" in capsys.readouterr().err
    monkeypatch.setenv("P2", "worker password 1")
    assert run("users", "add", "kim", "--email", "kim@example.com", "--role", "worker", "--role", "viewer",
               "--password-env", "P2") == 0
    assert run("users", "add", "kim", "--email", "kim2@example.com", "--role", "worker", "--password-env", "P2") == 2
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("P3", "a brand new secret")
    assert run("users", "passwd", "kim", "--password-env", "P3") == 0
    capsys.readouterr()
    assert run("users", "list", "--json") == 0
    out = capsys.readouterr().out
    assert '"username": "kim"' in out and '"worker"' in out and "a brand new secret" not in out

    from station.app.station import build_station
    ctx = build_station()
    try:
        assert ctx.users.authenticate("kim", "a brand new secret").username == "kim"
        with ctx.db.session() as s:
            stored = s.execute(text("SELECT password_hash FROM users WHERE username = 'kim'")).scalar()
        assert stored.startswith("$argon2id$")
    finally:
        ctx.close()


def test_users_add_without_terminal_or_env_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "station.cli.main", "users", "add", "x_user", "--email", "x@example.com",
         "--role", "admin"], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
        env={**os.environ},
    )
    assert proc.returncode == 2 and "--password-env" in proc.stderr


def test_backup_of_postgres_with_retention(pg_schema_url: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "old_backup.sql.gz"  # retention goes by mtime, set relative to now
    old.write_bytes(b"")
    past = time.time() - 40 * 86400
    os.utime(old, (past, past))
    keep = backups / "recent_backup.sql.gz"
    keep.write_bytes(b"")
    os.utime(keep, (time.time() - 86400, time.time() - 86400))  # a day old by the same clock as the old one
    assert run("backup", "--url", pg_schema_url, "--dir", str(backups), "--retention-days", "30") == 0
    assert "1 old backup(s) deleted" in capsys.readouterr().out
    assert not old.exists() and keep.exists()
    dumps = [p for p in backups.glob("m_*.sql.gz")]
    assert len(dumps) == 1
    sql = gzip.decompress(dumps[0].read_bytes()).decode()
    assert "CREATE TABLE public.inspections" in sql and "CREATE POLICY inspector_isolation" in sql


def test_backup_of_unreachable_postgres_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("backup", "--url", "postgresql://u:pw@127.0.0.1:1/x", "--dir", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "pw@" not in err
    assert list(tmp_path.iterdir()) == []  # no half-written backup left behind


@pytest.mark.slow
def test_backup_of_the_local_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("demo", "--headless") == 0
    capsys.readouterr()
    assert run("backup") == 0
    out = capsys.readouterr().out
    path = Path(out.split("backup written: ")[1].split(" (")[0])
    restored = path.with_suffix("")
    restored.write_bytes(gzip.decompress(path.read_bytes()))
    import sqlite3
    con = sqlite3.connect(restored)
    assert con.execute("SELECT product_code FROM products").fetchall() == [("demo-cast",)]
    con.close()


def test_users_unlock_lifts_a_lockout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from station.app.station import build_station
    from station.domain.errors import AuthenticationError

    monkeypatch.setenv("PW", "worker password 1")
    assert run("users", "add", "lee", "--email", "lee@example.com", "--role", "worker", "--password-env", "PW") == 0
    ctx = build_station()
    try:
        for _ in range(6):
            with pytest.raises(AuthenticationError):
                ctx.users.authenticate("lee", "wrong password")
        with pytest.raises(AuthenticationError, match="locked"):
            ctx.users.authenticate("lee", "worker password 1")
        assert run("users", "unlock", "lee") == 0
        assert ctx.users.authenticate("lee", "worker password 1").username == "lee"
        assert run("users", "unlock", "nobody") == 2
    finally:
        ctx.close()


def test_demo_without_a_display_runs_headless(monkeypatch: pytest.MonkeyPatch) -> None:
    from station.cli.common import display_available

    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(key, raising=False)
    assert display_available() is (sys.platform != "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_available() is True
