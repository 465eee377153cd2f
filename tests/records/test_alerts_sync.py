"""Recurrence alerts and verdict overrides reach the central PostgreSQL: an alert raised on the station is
at the centre after a sync, linked to the centre's copy of the action and the inspection; acknowledging it
(audited on the station) syncs too; an override travels with its labelled library image."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.engine import make_engine
from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.domain.enums import Role
from station.domain.errors import AuthenticationError
from station.domain.users import UserInfo
from station.services.records import ActionService, OverrideService, RecurrenceWatch
from station.services.shared.changes import ChangeNotifier
from tests.support.sync import make_station, prepare_central, record, recording_day


def _central(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def test_alert_and_its_acknowledgement_reach_the_centre(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST07", pg_empty_url)
    assert st.service.run_once(pull=True).error is None
    codes = record(st, 7)  # defects (crack) at inspections 1, 4 and 7
    _, users, _ = st.ids()
    boss = UserInfo(users["park_boss"], "park_boss", "park_boss@example.com", roles=(Role.MANAGER,))
    worker = UserInfo(users["kim_worker"], "kim_worker", "kim_worker@example.com", roles=(Role.WORKER,))
    ActionService(SqlActionLog(st.db), SqlReportReader(st.db)).log_action(
        1, "replaced the core pin", "resolved", by_user=boss.user_id, when=recording_day() + timedelta(seconds=1.5))
    changes = ChangeNotifier()
    heard: list[str] = []
    changes.subscribe(lambda change: heard.append(change.kind))
    watch = RecurrenceWatch(SqlRecurrenceRepository(st.db), changes=changes)
    alert = watch.check(4)
    assert alert is not None and alert.inspection_code == codes[3] and alert.resolved_inspection_code == codes[0]
    assert (alert.action_by, alert.action_taken) == ("park_boss", "replaced the core pin")
    assert heard == ["recurrence"]
    OverrideService(SqlOverrideRepository(st.db), SqlCatalogRepository(st.db)).override(
        codes[6], "false_alarm", worker, notes="casting flash, not a crack")

    report = st.service.run_once()
    assert report.error is None
    assert report.pushed_rows["recurrence_alerts"] == 1 and report.pushed_rows["verdict_overrides"] == 1
    at_centre = _central(pg_empty_url, (
        "SELECT r.status, i.inspection_code, a.action_taken, d.defect_code, p.product_code, r.acknowledged_by "
        "FROM recurrence_alerts r JOIN inspections i ON i.inspection_id = r.inspection_id "
        "JOIN action_logs a ON a.action_id = r.action_id JOIN defect_types d ON d.defect_type_id = r.defect_type_id "
        "JOIN products p ON p.product_id = r.product_id"))
    assert at_centre == [("open", codes[3], "replaced the core pin", "crack", "p1", None)]
    overrides = _central(pg_empty_url, (
        "SELECT i.inspection_code, o.override_kind, o.corrected_label, u.username, img.image_type, o.notes "
        "FROM verdict_overrides o JOIN inspections i ON i.inspection_id = o.inspection_id "
        "JOIN users u ON u.user_id = o.overridden_by JOIN images img ON img.image_id = o.library_image_id"))
    assert overrides == [(codes[6], "false_alarm", "normal", "kim_worker", "normal", "casting flash, not a crack")]

    with pytest.raises(AuthenticationError, match="supervisor or admin"):
        watch.acknowledge(alert.alert_id, worker)
    done = watch.acknowledge(alert.alert_id, boss)
    assert done.status == "acknowledged" and done.acknowledged_by == "park_boss" and done.acknowledged_at
    assert watch.open_alerts() == []
    with st.db.session() as s:
        audit = s.execute(text("SELECT user_id, new_data FROM audit_logs WHERE table_name = 'recurrence_alerts'")
                          ).all()
    assert len(audit) == 1 and audit[0][0] == boss.user_id and "acknowledged" in str(audit[0][1])
    assert st.service.run_once().pushed_rows.get("recurrence_alerts") == 1
    assert _central(pg_empty_url, (
        "SELECT r.status, u.username, r.acknowledged_at IS NOT NULL FROM recurrence_alerts r "
        "JOIN users u ON u.user_id = r.acknowledged_by")) == [("acknowledged", "park_boss", True)]
    assert st.service.run_once().pushed_rows == {}  # nothing new: nothing sent twice
