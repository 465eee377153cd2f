"""Security on PostgreSQL: the audit trigger records changes with the acting user; row-level security hides
another worker's inspections; current_user_id() follows the per-session setting."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from station.adapters.db.database import open_database
from station.adapters.db.engine import make_engine


@pytest.fixture
def db(pg_schema_url: str):  # type: ignore[no-untyped-def]
    database = open_database(pg_schema_url)
    suffix = uuid.uuid4().hex[:6]
    with database.session() as s:
        ids = {}
        for name, role in (("worker_a", "worker"), ("worker_b", "worker"), ("boss", "manager"), ("reader", "viewer")):
            uid = s.execute(text(
                "INSERT INTO users (username, email, password_hash) VALUES (:u, :e, 'h') RETURNING user_id"),
                {"u": f"{name}_{suffix}", "e": f"{name}_{suffix}@example.com"}).scalar()
            s.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles WHERE role_name = :r"),
                      {"u": uid, "r": role})
            ids[name] = uid
        pid = s.execute(text(
            "INSERT INTO products (product_code, product_name) VALUES (:c, 'P') RETURNING product_id"),
            {"c": f"p{suffix}"}).scalar()
        for who in ("worker_a", "worker_a", "worker_b"):
            s.execute(text("INSERT INTO inspections (inspection_code, product_id, inspector_id, status) "
                           "VALUES (:c, :p, :u, 'completed')"),
                      {"c": f"INS-{uuid.uuid4().hex[:10]}", "p": pid, "u": ids[who]})
        # A login role without ownership or BYPASSRLS, as an application session would use.
        role = f"app_{suffix}"
        s.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        s.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
        s.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    database.ids = ids  # type: ignore[attr-defined]
    database.role = role  # type: ignore[attr-defined]
    database.product_id = pid  # type: ignore[attr-defined]
    yield database
    database.dispose()


def _visible(db, user_id: int | None) -> list[int]:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        with conn.begin():
            conn.execute(text(f"SET LOCAL ROLE {db.role}"))
            if user_id is not None:
                conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(user_id)})
            return [r[0] for r in conn.execute(text(
                "SELECT inspector_id FROM inspections WHERE product_id = :p"), {"p": db.product_id})]


def test_current_user_id_follows_the_session_setting(db) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        assert s.execute(text("SELECT current_user_id()")).scalar() is None
    with db.session(user_id=db.ids["boss"]) as s:
        assert s.execute(text("SELECT current_user_id()")).scalar() == db.ids["boss"]


def test_rls_hides_another_workers_inspections(db) -> None:  # type: ignore[no-untyped-def]
    a, b = db.ids["worker_a"], db.ids["worker_b"]
    assert sorted(_visible(db, a)) == [a, a]
    assert _visible(db, b) == [b]
    assert _visible(db, None) == []  # no application user: nothing
    assert len(_visible(db, db.ids["boss"])) == 3
    assert len(_visible(db, db.ids["reader"])) == 3
    # and through the view, which runs with the caller's rights
    with db.engine.connect() as conn, conn.begin():
        conn.execute(text(f"SET LOCAL ROLE {db.role}"))
        conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(b)})
        inspectors = {r[0] for r in conn.execute(text("SELECT inspector FROM recent_inspections"))}
        assert inspectors <= {f"worker_b_{db.role[4:]}"}


def test_worker_cannot_record_for_someone_else_or_delete(db) -> None:  # type: ignore[no-untyped-def]
    a, b = db.ids["worker_a"], db.ids["worker_b"]
    with db.engine.connect() as conn:
        trans = conn.begin()
        conn.execute(text(f"SET LOCAL ROLE {db.role}"))
        conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(a)})
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(text("INSERT INTO inspections (inspection_code, product_id, inspector_id) "
                              "VALUES ('INS-X', :p, :u)"), {"p": db.product_id, "u": b})
        trans.rollback()
    with db.engine.connect() as conn, conn.begin():
        conn.execute(text(f"SET LOCAL ROLE {db.role}"))
        conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(a)})
        deleted = conn.execute(text("DELETE FROM inspections WHERE inspector_id = :u"), {"u": a}).rowcount
        assert deleted == 0  # only admins may delete inspections


def test_audit_trigger_records_insert_update_delete_with_user(db) -> None:  # type: ignore[no-untyped-def]
    boss = db.ids["boss"]
    with db.session(user_id=boss) as s:
        pid = s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('aud1', '감사') "
                             "RETURNING product_id")).scalar()
        s.execute(text("UPDATE products SET product_name = '감사2' WHERE product_id = :p"), {"p": pid})
        s.execute(text("DELETE FROM products WHERE product_id = :p"), {"p": pid})
        s.execute(text("UPDATE users SET password_hash = 'new' WHERE user_id = :u"), {"u": boss})
    with db.session() as s:
        rows = s.execute(text(
            "SELECT operation, user_id, old_data, new_data FROM audit_logs WHERE table_name = 'products' "
            "AND COALESCE(new_data, old_data) ->> 'product_code' = 'aud1' ORDER BY log_id")).all()
        assert [r.operation for r in rows] == ["INSERT", "UPDATE", "DELETE"]
        assert {r.user_id for r in rows} == {boss}
        assert rows[0].old_data is None and rows[0].new_data["product_name"] == "감사"
        assert rows[1].old_data["product_name"] == "감사" and rows[1].new_data["product_name"] == "감사2"
        assert rows[2].new_data is None and rows[2].old_data["product_name"] == "감사2"
        user_row = s.execute(text(
            "SELECT old_data, new_data FROM audit_logs WHERE table_name = 'users' AND operation = 'UPDATE' "
            "ORDER BY log_id DESC LIMIT 1")).one()
        assert "password_hash" not in user_row.old_data and "password_hash" not in user_row.new_data
        assert user_row.new_data["password_changed"] is True


def test_audit_rows_are_written_even_for_a_role_without_audit_rights(db) -> None:  # type: ignore[no-untyped-def]
    eng = make_engine(db.engine.url.render_as_string(hide_password=False))
    with eng.connect() as conn, conn.begin():
        conn.execute(text(f"REVOKE ALL ON audit_logs FROM {db.role}"))
        conn.execute(text(f"SET LOCAL ROLE {db.role}"))
        conn.execute(text("SELECT set_config('station.user_id', :u, true)"), {"u": str(db.ids['boss'])})
        conn.execute(text("UPDATE products SET description = 'x' WHERE product_id = :p"), {"p": db.product_id})
        with pytest.raises(DBAPIError):
            with conn.begin_nested():
                conn.execute(text("SELECT count(*) FROM audit_logs"))
    eng.dispose()
