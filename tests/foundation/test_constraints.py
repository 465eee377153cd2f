"""The schema's CHECK, UNIQUE and FOREIGN KEY constraints reject bad rows on PostgreSQL and SQLite; the
station's SQLite store holds no constraint that needs a function only the station registers (the e-mail
format is checked by the station's code there), so stock SQLite tools pass ``PRAGMA integrity_check`` on a
new store and on one migrated from before that change."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from station.adapters.db import migrate, sqlddl
from station.adapters.db.engine import make_engine
from station.domain.errors import ValidationError
from station.domain.users import validate_new_user

SETUP = [
    "INSERT INTO users (username, email, password_hash) VALUES ('worker1', 'worker@example.com', 'x')",
    "INSERT INTO products (product_code, product_name) VALUES ('prod1', '주조제품 A형')",
    "INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'hole', '기공')",
    "INSERT INTO inspections (inspection_code, product_id, inspector_id, status) VALUES ('INS-1', 1, 1, 'completed')",
]

BAD_ROWS = {
    "bad e-mail": "INSERT INTO users (username, email, password_hash) VALUES ('someone', 'not-an-email', 'x')",
    "e-mail without tld": "INSERT INTO users (username, email, password_hash) VALUES ('someone', 'a@b', 'x')",
    "short username": "INSERT INTO users (username, email, password_hash) VALUES ('ab', 'ab@example.com', 'x')",
    "duplicate username": "INSERT INTO users (username, email, password_hash) VALUES ('worker1', 'w2@example.com', 'x')",
    "unknown role": "INSERT INTO roles (role_name) VALUES ('superuser')",
    "short product code": "INSERT INTO products (product_code, product_name) VALUES ('p', 'P')",
    "severity 6": "INSERT INTO defect_types (product_id, defect_code, defect_name_ko, severity_level) "
                  "VALUES (1, 'burr', '버', 6)",
    "severity 0": "INSERT INTO defect_types (product_id, defect_code, defect_name_ko, severity_level) "
                  "VALUES (1, 'burr', '버', 0)",
    "duplicate defect code": "INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'hole', 'x')",
    "defect image without defect type": "INSERT INTO images (product_id, image_type, file_name, file_path) "
                                        "VALUES (1, 'defect', 'a.png', 'k/a.png')",
    "normal image with defect type": "INSERT INTO images (product_id, image_type, defect_type_id, file_name, file_path) "
                                     "VALUES (1, 'normal', 1, 'a.png', 'k/a.png')",
    "unknown image type": "INSERT INTO images (product_id, image_type, file_name, file_path) "
                          "VALUES (1, 'photo', 'a.png', 'k/a.png')",
    "anomaly_score 1.5": "INSERT INTO inspection_results (inspection_id, defect_detected, anomaly_score) VALUES (1, TRUE, 1.5)",
    "confidence -0.1": "INSERT INTO inspection_results (inspection_id, defect_detected, confidence_score) VALUES (1, TRUE, -0.1)",
    "similarity 2": "INSERT INTO inspection_results (inspection_id, defect_detected, similarity_score) VALUES (1, TRUE, 2)",
    "result without detected flag": "INSERT INTO inspection_results (inspection_id) VALUES (1)",
    "rating 0": "INSERT INTO feedbacks (inspection_id, user_id, rating) VALUES (1, 1, 0)",
    "rating 6": "INSERT INTO feedbacks (inspection_id, user_id, rating) VALUES (1, 1, 6)",
    "unknown action result": "INSERT INTO action_logs (inspection_id, action_taken, action_result) VALUES (1, 'x', 'done')",
    "action without text": "INSERT INTO action_logs (inspection_id, action_result) VALUES (1, 'resolved')",
    "unknown inspection status": "INSERT INTO inspections (inspection_code, product_id, status) VALUES ('INS-2', 1, 'done')",
    "duplicate inspection code": "INSERT INTO inspections (inspection_code, product_id) VALUES ('INS-1', 1)",
    "unknown section type": "INSERT INTO manual_sections (section_type, section_content) VALUES ('summary', 'x')",
    "unknown deployment type": "INSERT INTO deployments (deployment_type) VALUES ('retrain')",
    "unknown deployment status": "INSERT INTO deployments (deployment_type, status) VALUES ('rag_indexing', 'ok')",
    "unknown model type": "INSERT INTO model_configs (model_type) VALUES ('segmentation')",
    "result of a missing inspection": "INSERT INTO inspection_results (inspection_id, defect_detected) VALUES (999, TRUE)",
}

# The e-mail format needs a regular expression: a CHECK at the centre; on the station's store, the code.
CODE_CHECKED_ON_SQLITE = {"bad e-mail", "e-mail without tld"}

GOOD_ROWS = [
    "INSERT INTO users (username, email, password_hash) VALUES ('Kim.Lee', 'Kim.Lee+qa@Factory.co.kr', 'x')",
    "INSERT INTO images (product_id, image_type, defect_type_id, file_name, file_path) VALUES (1, 'defect', 1, 'a', 'k')",
    "INSERT INTO images (product_id, image_type, file_name, file_path) VALUES (1, 'test', 'b', 'k2')",
    "INSERT INTO inspection_results (inspection_id, defect_detected, anomaly_score, confidence_score, similarity_score) "
    "VALUES (1, TRUE, 1.0, 0.0, 0.5)",
    "INSERT INTO feedbacks (inspection_id, user_id, rating, feedback_type) VALUES (1, 1, 5, 'guide_quality')",
    "INSERT INTO action_logs (inspection_id, action_taken, action_result) VALUES (1, '재가공', 'deferred')",
]


@pytest.fixture(params=["postgresql", "sqlite"])
def engine(request, sqlite_url):  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("pg_empty_url") if request.param == "postgresql" else sqlite_url
    eng = make_engine(url)
    migrate.upgrade(eng)
    with eng.begin() as conn:
        for sql in SETUP:
            conn.execute(text(sql))
    yield eng
    eng.dispose()


def test_bad_rows_are_rejected(engine) -> None:  # type: ignore[no-untyped-def]
    accepted = []
    for name, sql in BAD_ROWS.items():
        if engine.dialect.name == "sqlite" and name in CODE_CHECKED_ON_SQLITE:
            continue
        try:
            with engine.begin() as conn:
                conn.execute(text(sql))
            accepted.append(name)
        except IntegrityError:
            pass
    assert accepted == []


def test_good_rows_are_accepted_with_document_defaults(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        for sql in GOOD_ROWS:
            conn.execute(text(sql))
        row = conn.execute(text(
            "SELECT is_active, created_at FROM users WHERE username = 'Kim.Lee'")).one()
        assert row[0] in (True, 1) and row[1] is not None
        severity = conn.execute(text("SELECT severity_level FROM defect_types WHERE defect_code = 'hole'")).scalar()
        assert severity == 3
        conn.execute(text("INSERT INTO model_configs (model_type) VALUES ('anomaly_detection')"))
        cfg = conn.execute(text("SELECT image_threshold, pixel_threshold, detection_confidence FROM model_configs")).one()
        assert tuple(cfg) == (0.85, 0.90, 0.5)
        status = conn.execute(text("INSERT INTO inspections (inspection_code, product_id) VALUES ('INS-9', 1) "
                                   "RETURNING status")).scalar()
        assert status == "pending"


def test_the_station_rejects_bad_e_mails_that_its_store_does_not_check() -> None:
    for email in ("not-an-email", "a@b"):
        with pytest.raises(ValidationError):
            validate_new_user("someone", email, ["worker"])
    assert validate_new_user("Kim.Lee", "Kim.Lee+qa@Factory.co.kr", ["worker"])


def _old_regex_check(statement: str) -> str:
    """The translation of the e-mail CHECK that stores created before migration 0013 carry."""
    return re.sub(r"(\w+)\s*~\*\s*'((?:[^']|'')*)'", lambda m: f"{m.group(1)} REGEXP '(?i){m.group(2)}'", statement)


def _integrity_plain(path: Path) -> list[str]:
    """PRAGMA integrity_check through Python's sqlite3 without any function of the station."""
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        con.close()


def _integrity_cli(path: Path) -> str:
    tool = shutil.which("sqlite3")
    if tool is None:
        pytest.skip("the sqlite3 command-line tool is not installed (apt-get install -y sqlite3)")
    done = subprocess.run([tool, str(path), "PRAGMA integrity_check;"], capture_output=True, text=True, timeout=60)
    return (done.stdout + done.stderr).strip()


def _with_rows(url: str) -> None:
    eng = make_engine(url)
    with eng.begin() as conn:
        for sql in SETUP:
            conn.execute(text(sql))
        conn.execute(text("INSERT INTO user_roles (user_id, role_id) VALUES (1, 1)"))
    eng.dispose()


def test_a_new_store_passes_integrity_check_with_stock_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    migrate.upgrade(eng)
    eng.dispose()
    _with_rows(f"sqlite:///{path}")
    with sqlite3.connect(path) as con:
        assert "REGEXP" not in " ".join(r[0] or "" for r in con.execute("SELECT sql FROM sqlite_master"))
    assert _integrity_plain(path) == ["ok"]
    assert _integrity_cli(path) == "ok"


def test_a_migrated_old_store_passes_integrity_check_with_stock_sqlite(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    eng = make_engine(url)
    with monkeypatch.context() as patch:  # the store as revision 0012 created it, REGEXP constraint included
        patch.setattr(sqlddl, "without_regex_checks", _old_regex_check)
        migrate.upgrade(eng, "0012")
    eng.dispose()
    _with_rows(url)
    assert _integrity_plain(path) != ["ok"]  # the stock module cannot evaluate the station's REGEXP
    eng = make_engine(url)
    assert migrate.upgrade(eng) == migrate.head_revision()
    with eng.connect() as conn:  # rows, keys and indexes kept; foreign keys back on
        assert conn.execute(text("SELECT username, email FROM users")).all() == [("worker1", "worker@example.com")]
        assert conn.execute(text("SELECT user_id, role_id FROM user_roles")).all() == [(1, 1)]
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert {"idx_users_email", "idx_users_username", "idx_users_is_active"} <= set(conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'")).scalars())
        with pytest.raises(IntegrityError):  # the other constraints of users still hold
            conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('ab', 'ab@example.com', 'x')"))
    eng.dispose()
    assert _integrity_plain(path) == ["ok"]
    assert _integrity_cli(path) == "ok"
