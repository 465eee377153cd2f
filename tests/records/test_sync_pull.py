"""Pull: the centre owns accounts, products, defect types, model configs and manuals. Its changes win,
local-only rows stay, the station-local lockout state of an account is never overwritten."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from station.adapters.db.engine import make_engine
from tests.support.sync import make_station, prepare_central


def test_centre_changes_arrive_and_win(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST20", pg_empty_url)
    with st.db.session() as s:  # made at the station before it ever synced
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'local name'), "
                       "('local9', 'only here')"))
    first = st.service.run_once(pull=True)
    assert first.error is None and first.pulled["users"] == 3 and first.pulled["defect_types"] == 2

    indexed = datetime.now().replace(microsecond=0) - timedelta(days=30)  # relative, never a fixed day
    engine = make_engine(pg_empty_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE products SET product_name = '주조품 v2' WHERE product_code = 'p1'"))
        conn.execute(text("UPDATE users SET password_hash = 'new-hash', is_active = FALSE "
                          "WHERE username = 'lee_worker'"))
        conn.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT u.user_id, r.role_id FROM users u, roles r "
                          "WHERE u.username = 'kim_worker' AND r.role_name = 'viewer'"))
        pid = conn.execute(text("SELECT product_id FROM products WHERE product_code = 'p1'")).scalar()
        did = conn.execute(text("SELECT defect_type_id FROM defect_types WHERE defect_code = 'crack'")).scalar()
        conn.execute(text("INSERT INTO model_configs (product_id, model_type, config_name, image_threshold, "
                          "preprocessing) VALUES (:p, 'anomaly_detection', 'line-2', 0.7, '{\"size\": 256}')"),
                     {"p": pid})
        mid = conn.execute(text(
            "INSERT INTO manuals (product_id, manual_title, file_name, file_path, version, vector_indexed, indexed_at) "
            "VALUES (:p, '주조 매뉴얼', 'm.docx', 'manual/ab/abc.docx', '1.0', TRUE, :t) RETURNING manual_id"),
            {"p": pid, "t": indexed}).scalar()
        for i, kind in enumerate(("cause", "action")):
            conn.execute(text("INSERT INTO manual_sections (manual_id, defect_type_id, section_type, section_content, "
                              "chunk_index, embedding_vector) VALUES (:m, :d, :k, :c, :i, :e)"),
                         {"m": mid, "d": did, "k": kind, "c": f"{kind} 내용", "i": i, "e": b"\x01\x02"})
    with st.db.session() as s:  # the station locked kim out locally; the pull must not undo that
        s.execute(text("UPDATE users SET failed_login_count = 3, locked_until = :t WHERE username = 'kim_worker'"),
                  {"t": datetime.now() + timedelta(minutes=15)})

    report = st.service.run_once(pull=True)
    assert report.error is None, report.error
    assert report.pulled["products"] == 1 and report.pulled["manual_sections"] == 2
    with st.db.session() as s:
        products = dict(s.execute(text("SELECT product_code, product_name FROM products")).all())
        lee = s.execute(text("SELECT password_hash, is_active FROM users WHERE username = 'lee_worker'")).one()
        kim = s.execute(text("SELECT failed_login_count, locked_until FROM users WHERE username = 'kim_worker'")).one()
        kim_roles = set(s.execute(text(
            "SELECT r.role_name FROM user_roles ur JOIN roles r USING (role_id) JOIN users u USING (user_id) "
            "WHERE u.username = 'kim_worker'")).scalars())
        config = s.execute(text("SELECT c.config_name, c.image_threshold, p.product_code FROM model_configs c "
                                "JOIN products p USING (product_id)")).one()
        sections = s.execute(text(
            "SELECT m.manual_title, s.section_type, d.defect_code, s.embedding_vector FROM manual_sections s "
            "JOIN manuals m USING (manual_id) JOIN defect_types d ON d.defect_type_id = s.defect_type_id "
            "ORDER BY s.chunk_index")).all()
    assert products == {"p1": "주조품 v2", "local9": "only here"}
    assert tuple(lee) == ("new-hash", False)
    assert kim[0] == 3 and kim[1] is not None and kim_roles == {"worker", "viewer"}
    assert tuple(config) == ("line-2", 0.7, "p1")
    assert [(r[1], r[2], bytes(r[3])) for r in sections] == [("cause", "crack", b"\x01\x02"),
                                                             ("action", "crack", b"\x01\x02")]

    with engine.begin() as conn:  # re-indexed at the centre: the station's sections follow
        conn.execute(text("DELETE FROM manual_sections WHERE section_type = 'action'"))
        conn.execute(text("UPDATE manuals SET indexed_at = :t", ), {"t": indexed + timedelta(days=19)})
    engine.dispose()
    assert st.service.run_once(pull=True).error is None
    with st.db.session() as s:
        assert s.execute(text("SELECT section_type FROM manual_sections")).scalars().all() == ["cause"]
    assert st.service.run_once(pull=True).pulled == dict.fromkeys(
        ("users", "user_roles", "products", "defect_types", "model_configs", "manuals", "manual_sections"), 0)
