"""Health alerts are kept on the station and reach the central PostgreSQL: an alert raised at a station is
stored (the health watch's sink), listed open, at the centre after a sync with its station, product, kind and
numbers; acknowledging it (supervisor or admin only, audited on the station) syncs too."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from station.adapters.db.engine import make_engine
from station.adapters.db.health_alerts_repo import SqlHealthAlertRepository
from station.domain.enums import Role
from station.domain.errors import AuthenticationError, NotFoundError
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.users import UserInfo
from station.services.records import HealthAlertService
from station.services.shared.changes import ChangeNotifier
from tests.support.sync import make_station, prepare_central, recording_day


def _central(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def moved(at: datetime, *, px: int = 14, view: str | None = None) -> HealthAlert:
    return HealthAlert(HealthAlertKind.CAMERA_MOVED, "p1", view, HealthSignal.OFFSET_X,
                       f"The camera or the fixture moved: the part sits {px} px to the right.", float(px), 0.4, 37,
                       params={"px": px, "direction": "right"}, raised_at=at)


def test_alert_and_its_acknowledgement_reach_the_centre(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST07", pg_empty_url)
    assert st.service.run_once(pull=True).error is None
    _, users, _ = st.ids()
    boss = UserInfo(users["park_boss"], "park_boss", "park_boss@example.com", roles=(Role.MANAGER,))
    worker = UserInfo(users["kim_worker"], "kim_worker", "kim_worker@example.com", roles=(Role.WORKER,))
    changes = ChangeNotifier()
    heard: list[str] = []
    changes.subscribe(lambda change: heard.append(change.kind))
    service = HealthAlertService(SqlHealthAlertRepository(st.db, "ST07"), changes)

    day = recording_day()
    service.raised(moved(day.replace(tzinfo=timezone.utc)))  # the sink port of the health watch
    darker = HealthAlert(HealthAlertKind.IMAGE_DARKER, "p1", "top", HealthSignal.BRIGHTNESS,
                         "The image is darker than at calibration (light dimmed or lens dirty).", 92.5, 128.0, 50,
                         params={"percent": 28}, raised_at=day + timedelta(minutes=5))
    second = service.record(darker)
    assert heard == ["health", "health"]
    open_alerts = service.open_alerts()
    assert [(a.kind, a.view, a.status, a.alert.station_code) for a in open_alerts] == [
        (HealthAlertKind.CAMERA_MOVED, None, "open", "ST07"), (HealthAlertKind.IMAGE_DARKER, "top", "open", "ST07")]
    assert open_alerts[0].alert.params == {"px": 14, "direction": "right"} and open_alerts[0].raised_at == day
    assert service.summary().open_count == 2 and service.summary().latest.alert_id == second.alert_id
    assert [a.kind for a in service.alerts(since=day + timedelta(minutes=1))] == [HealthAlertKind.IMAGE_DARKER]
    assert [a.kind for a in service.alerts(product_code="p1", view="top")] == [HealthAlertKind.IMAGE_DARKER]
    assert service.alerts(product_code="other") == []

    report = st.service.run_once()
    assert report.error is None and report.pushed_rows["health_alerts"] == 2
    assert _central(pg_empty_url, (
        "SELECT h.station_code, p.product_code, h.view_code, h.kind, h.signal, h.value, h.baseline, h.parts_seen, "
        "h.params->>'px', h.status, h.acknowledged_by FROM health_alerts h "
        "JOIN products p ON p.product_id = h.product_id ORDER BY h.raised_at")) == [
        ("ST07", "p1", None, "camera_moved", "offset_x", 14.0, 0.4, 37, "14", "open", None),
        ("ST07", "p1", "top", "image_darker", "brightness", 92.5, 128.0, 50, None, "open", None)]

    with pytest.raises(AuthenticationError, match="supervisor or admin"):
        service.acknowledge(second.alert_id, worker)
    with pytest.raises(NotFoundError):
        service.acknowledge(9999, boss)
    done = service.acknowledge(second.alert_id, boss)
    assert done.status == "acknowledged" and done.acknowledged_by == "park_boss" and done.acknowledged_at
    assert service.acknowledge(second.alert_id, boss).acknowledged_at == done.acknowledged_at  # once
    assert [a.kind for a in service.open_alerts()] == [HealthAlertKind.CAMERA_MOVED]
    with st.db.session() as s:
        audit = s.execute(text("SELECT user_id, new_data FROM audit_logs WHERE table_name = 'health_alerts'")).all()
    assert len(audit) == 1 and audit[0][0] == boss.user_id and "acknowledged" in str(audit[0][1])

    assert st.service.run_once().pushed_rows.get("health_alerts") == 1
    assert _central(pg_empty_url, (
        "SELECT h.kind, h.status, u.username, h.acknowledged_at IS NOT NULL FROM health_alerts h "
        "JOIN users u ON u.user_id = h.acknowledged_by")) == [("image_darker", "acknowledged", "park_boss", True)]
    assert st.service.run_once().pushed_rows == {}  # nothing new: nothing sent twice
    # the centre's audit triggers (the two inserts, the update) and the station's own audit row, pushed
    audited = _central(pg_empty_url, "SELECT operation FROM audit_logs WHERE table_name = 'health_alerts'")
    assert sorted(r[0] for r in audited) == ["INSERT", "INSERT", "UPDATE", "UPDATE"]


def test_the_store_refuses_an_unknown_kind_and_the_sink_never_raises(tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST08", None)
    with st.db.session() as s:
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'P')"))
        with pytest.raises(IntegrityError):
            s.execute(text("INSERT INTO health_alerts (station_code, product_id, kind, signal, message, value, "
                           "baseline, parts_seen) VALUES ('ST08', 1, 'sky_fell', 'focus', 'm', 1, 2, 3)"))
    repo = SqlHealthAlertRepository(st.db, "ST08")
    with pytest.raises(NotFoundError, match="unknown product"):
        repo.record(HealthAlert(HealthAlertKind.FOCUS_LOST, "nope", None, HealthSignal.FOCUS, "m", 1.0, 2.0, 3))
    service = HealthAlertService(repo)
    service.raised(HealthAlert(HealthAlertKind.FOCUS_LOST, "nope", None, HealthSignal.FOCUS, "m", 1.0, 2.0, 3))
    assert service.open_alerts() == []
    with st.db.session() as s:  # a raised alert is queued for the centre once, with its own key
        service.raised(moved(recording_day()))
        rows = s.execute(text("SELECT sync_uuid FROM health_alerts")).all()
    assert len(rows) == 1 and rows[0][0]
    assert st.gateway.pending_rows().get("health_alerts") == 1


def test_the_stored_vocabulary_is_the_domains() -> None:
    """The table's CHECKs (ORM and db/sql/0015) list exactly the alert kinds and signals of the domain."""
    import re

    from station.adapters.db.models import HealthAlertRow
    from station.adapters.db.sqlddl import sql_dir

    sql = (sql_dir() / "0015_health_alerts.sql").read_text(encoding="utf-8")
    checks = {c.name: str(c.sqltext) for c in HealthAlertRow.__table__.constraints if c.name and "check" in c.name}
    for name, values in (("health_alerts_kind_check", {k.value for k in HealthAlertKind}),
                         ("health_alerts_signal_check", {s.value for s in HealthSignal})):
        assert set(re.findall(r"'(\w+)'", checks[name])) == values
        in_sql = re.search(rf"CONSTRAINT {name}\s+CHECK \(\w+ IN \(([^)]*)\)\)", sql)
        assert in_sql is not None and set(re.findall(r"'(\w+)'", in_sql.group(1))) == values
