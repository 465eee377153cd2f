"""Actions and feedback are recorded locally with their outbox entry (same transaction), follow the
view's pending semantics, and reach the centre attached to the right inspection."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.sync_actions_repo import SqlActionLog
from station.domain.errors import NotFoundError, ValidationError
from station.domain.reports import HistoryFilter
from station.services.records import ActionService
from tests.support.sync import code_for, make_station, prepare_central, record


def _service(st) -> ActionService:  # type: ignore[no-untyped-def]
    return ActionService(SqlActionLog(st.db), SqlReportReader(st.db))


def _local_station(tmp_path: Path):  # type: ignore[no-untyped-def]
    st = make_station(tmp_path, "ST03", None)
    with st.db.session() as s:  # a catalogue as a pull would have left it
        s.execute(text("INSERT INTO products (product_code, product_name) VALUES ('p1', 'P')"))
        s.execute(text("INSERT INTO defect_types (product_id, defect_code, defect_name_ko) VALUES (1, 'crack', '균열')"))
        s.execute(text("INSERT INTO users (username, email, password_hash) VALUES ('kim_worker', 'k@example.com', 'h')"))
    return st


def test_actions_and_feedback_are_queued_with_the_row(tmp_path: Path) -> None:
    st = _local_station(tmp_path)
    record(st, 3)  # inspections 1 and (3n) are defects: #1 (i=0)
    actions = _service(st)
    assert [r.inspection_code for r in actions.pending_defects()] == [code_for("ST03", 1)]
    with st.db.session() as s:
        s.execute(text("DELETE FROM sync_outbox"))  # as after a successful push
    entry = actions.log_action(1, "  연마 후 재검사 ", "pending", by_user=1, notes="2번 라인")
    assert entry.action_taken == "연마 후 재검사" and entry.action_date is not None
    assert [r.inspection_code for r in actions.pending_defects()] == [code_for("ST03", 1)]  # 조치중
    actions.log_action(1, "교체", "resolved", by_user=1, when=entry.action_date + timedelta(hours=1))  # after it, any day
    assert actions.pending_defects() == []
    fb = actions.add_feedback(1, 1, 4, "유용함")
    assert fb.feedback_type == "guide_quality"
    assert [a.action_result for a in actions.actions_for(1)] == ["pending", "resolved"]
    assert [f.rating for f in actions.feedback_for(1)] == [4]
    with st.db.session() as s:
        queued = s.execute(text("SELECT table_name, row_id FROM sync_outbox ORDER BY outbox_id")).all()
    assert queued == [("action_logs", 1), ("action_logs", 2), ("feedbacks", 1)]
    assert actions.history(HistoryFilter(defects_only=True))[0].action_status == "조치완료"


@pytest.mark.parametrize(("call", "message"), [
    (lambda a: a.log_action(1, " ", "resolved", 1), "describe"),
    (lambda a: a.log_action(1, "x", "done", 1), "action result"),
    (lambda a: a.add_feedback(1, 1, 6), "rating"),
    (lambda a: a.add_feedback(1, 1, 3, None, "nonsense"), "feedback type"),
])
def test_invalid_input_is_refused(tmp_path: Path, call, message: str) -> None:  # type: ignore[no-untyped-def]
    st = _local_station(tmp_path)
    record(st, 1)
    with pytest.raises(ValidationError, match=message):
        call(_service(st))


def test_unknown_inspection(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        _service(_local_station(tmp_path)).log_action(99, "x", None, 1)


def test_actions_reach_the_centre_on_the_right_inspection(pg_empty_url: str, tmp_path: Path) -> None:
    prepare_central(pg_empty_url)
    st = make_station(tmp_path, "ST04", pg_empty_url)
    st.service.run_once(pull=True)
    codes = record(st, 2)
    assert st.service.run_once().error is None  # the inspections are at the centre before the action
    _, users, _ = st.ids()
    _service(st).log_action(2, "재검사", "resolved", by_user=users["park_boss"])
    _service(st).add_feedback(2, users["kim_worker"], 5)
    assert st.service.run_once().pushed_rows == {"action_logs": 1, "feedbacks": 1}
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT i.inspection_code, u.username, f.rating FROM action_logs a JOIN inspections i USING (inspection_id) "
            "JOIN users u ON u.user_id = a.action_by JOIN feedbacks f ON f.inspection_id = i.inspection_id")).one()
    engine.dispose()
    assert tuple(row) == (codes[1], "park_boss", 5)
