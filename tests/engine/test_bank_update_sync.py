"""A model update and its rollback reach the centre: a station with a real local store, syncing to a real
PostgreSQL 15 centre, learns a false alarm into its demo model and rolls it back; both ``model_update``
deployments and their audit rows arrive at the centre with the product and the technician mapped."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import text

from station.adapters.db.database import open_database
from station.adapters.db.engine import make_engine
from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.pipeline.synthetic.parts import render_part
from station.resources import resources_dir
from station.services.admin import import_defect_mapping
from tests.support.engine import demo_context, fixed_build

SIZE = 96
pytestmark = [pytest.mark.network, pytest.mark.slow]


def _prepare_centre(url: str) -> None:
    db = open_database(url, upgrade=True)
    import_defect_mapping(SqlCatalogRepository(db), resources_dir() / "demo" / "demo_product.json")
    db.engine.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        for name, role in (("tech1", "manager"), ("worker1", "worker")):
            uid = conn.execute(text("INSERT INTO users (username, email, password_hash) VALUES (:u, :e, 'argon2-hash') "
                                    "RETURNING user_id"), {"u": name, "e": f"{name}@example.com"}).scalar()
            conn.execute(text("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles "
                              "WHERE role_name = :r"), {"u": uid, "r": role})
    engine.dispose()


def test_update_and_rollback_deployments_reach_the_centre(pg_empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare_centre(pg_empty_url)
    monkeypatch.setenv("STATION_CENTRAL_DB_URL", pg_empty_url)
    ctx = demo_context(size=SIZE, n_good=10, n_per_defect=1)
    try:
        ctx.users.add_user("tech1", "tech1@example.com", "Secret-pass-1", ["manager"])
        ctx.users.add_user("worker1", "worker1@example.com", "Secret-pass-1", ["worker"])
        fixed_build(ctx)
        users = {u.username: u for u in ctx.users.list_users()}
        dark = render_part(50_000, SIZE).image.astype(np.float32) * 0.6 + 30
        stripes = np.sin(np.arange(SIZE) / 1.5)[None, :] * 14
        part = np.clip(dark + stripes, 0, 255).astype(np.uint8)
        outcome = ctx.engine.inspection.inspect("demo-cast", part, inspector_id=users["worker1"].user_id)
        assert outcome.verdict.value != "PASS"
        override = ctx.overrides.override(outcome.inspection_code, "false_alarm", users["worker1"])
        result, = ctx.engine.updates.update([override.override_id], users["tech1"])
        back = ctx.engine.updates.rollback("demo-cast", users["tech1"])
        report = ctx.sync.run_once()
        assert report.error is None, report.error
    finally:
        ctx.close()
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT d.status, d.config_params, d.result_summary, d.error_message, p.product_code, u.username "
            "FROM deployments d JOIN products p ON p.product_id = d.product_id "
            "LEFT JOIN users u ON u.user_id = d.deployed_by "
            "WHERE d.deployment_type = 'model_update' ORDER BY d.started_at, d.deployment_id")).all()
        audits = conn.execute(text(
            "SELECT new_data FROM audit_logs WHERE table_name = 'deployments' ORDER BY log_id")).all()
    engine.dispose()
    actions = [(r.config_params["action"], r.product_code, r.username) for r in rows]
    assert actions == [("update", "demo-cast", "tech1"), ("rollback", "demo-cast", "tech1")]
    update_row, rollback_row = rows
    expected = "completed" if result.accepted else "failed"
    assert update_row.status == expected and update_row.result_summary["version_before"] == result.version_before
    assert rollback_row.status == "completed" and rollback_row.config_params["to_version"] == back.version
    kinds = [a.new_data.get("model_update") for a in audits if isinstance(a.new_data, dict)]
    assert "rollback" in kinds and ("update" in kinds or "refused" in kinds)
