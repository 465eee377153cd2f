"""The supervisor's control charts on real widgets over a real local store: the dashboard's score EWMA chart
shows its limits, the parts out of control ringed from the expected part on and the health alert marked; the
shift p-chart rings the one bad shift; the shift report states the shift's figures and its alert; with a
central PostgreSQL the same charts of one of its stations. The charts are read at a given moment (no wall
clock), four weeks or more before the day the tests run."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import text

from station.adapters.db.database import open_database
from station.adapters.db.health_alerts_repo import SqlHealthAlertRepository
from station.adapters.db.inspections_repo import SqlInspectionRecorder
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.db.spc_repo import SqlSpcReader
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.inspection import InspectionRecord
from station.domain.inspection import TestImage as StoredImage
from station.domain.reports import utc_from_local
from station.services.records import ControlCharts, ReportService
from station.ui.permissions import Screen
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401

# A Monday four to five weeks before the day the tests run (frozen at their start), so the screen's first
# refresh, at the wall clock's time, finds none of these parts in its 14 days. Times are plant (local) time.
_TODAY = date.today()
T0 = datetime.combine(_TODAY - timedelta(days=_TODAY.weekday() + 28), time(6, 0))
BAD = T0 + timedelta(days=1)  # the bad shift: the next day's S1
NOW = BAD + timedelta(hours=9)


def label(day: datetime, shift: int) -> str:
    """A shift as the charts name it: ``MM-DD S<n>``."""
    return f"{day:%m-%d} S{shift}"


def _product_id(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return int(session.execute(text("SELECT product_id FROM products WHERE product_code = 'demo-cast'")).scalar())


def populate(db, station: str = "ST01", stored=utc_from_local) -> None:  # type: ignore[no-untyped-def]
    """60 PASS parts every 20 minutes from T0 (0.29/0.31, then 0.36 from part 41 on), the camera moved
    before part 45; the bad shift: 8 FAIL of 20 (FAIL parts are not on the score chart), the picture darker
    in it. ``stored``: a plant time as the store keeps it (naive UTC)."""
    recorder, pid = SqlInspectionRecorder(db, station), _product_id(db)
    alerts = SqlHealthAlertRepository(db, station)

    def record(at: datetime, verdict: str, score: float) -> None:
        recorder.record(InspectionRecord(
            product_id=pid, image=StoredImage(file_name="x.png", file_path=f"k/{at:%d%H%M}"),
            defect_detected=verdict == "FAIL", anomaly_score=score, inspected_at=stored(at), verdict=verdict,
            image_threshold=0.85, pixel_threshold=0.9, review_threshold=0.7, provenance={"bank_sha256": "ef" * 32}))

    def alert(kind: HealthAlertKind, signal: HealthSignal, at: datetime) -> None:
        alerts.record(HealthAlert(kind, "demo-cast", None, signal, "changed", 1.0, 0.0, 40, raised_at=stored(at)))

    for i in range(1, 61):
        record(T0 + timedelta(minutes=20 * (i - 1)), "PASS", (0.31 if i % 2 else 0.29) if i < 41 else 0.36)
    alert(HealthAlertKind.CAMERA_MOVED, HealthSignal.OFFSET_X, T0 + timedelta(minutes=20 * 44 - 5))
    for j in range(20):
        record(BAD + timedelta(minutes=20 * j), "FAIL" if j < 8 else "PASS", 0.95 if j < 8 else 0.36)
    alert(HealthAlertKind.IMAGE_DARKER, HealthSignal.BRIGHTNESS, BAD + timedelta(hours=3))


def test_control_charts_show_limits_points_out_of_control_and_alerts(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    populate(station_ctx.db)
    main_window.resize(1366, 768)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    screen = main_window.screens[Screen.SUPERVISOR]
    screen.tabs.setCurrentWidget(screen.dashboard)
    dashboard = screen.dashboard
    control = dashboard.control
    control.clock = lambda: NOW
    dashboard.chart_tabs.setCurrentWidget(control)
    qtbot.waitUntil(lambda: control.charts is not None, timeout=15000)

    score = control.score_chart.data()
    labels = [s.label for s in score.series]
    assert labels == ["EWMA", "limits", "", "centre"]
    ewma, ucl, lcl, centre = score.series
    assert len(ewma.points) == 72 and ucl.dashed and lcl.dashed  # 60 + the bad shift's 12 PASS parts
    assert all(low[1] < high[1] for low, high in zip(lcl.points, ucl.points))
    assert abs(centre.points[0][1] - 0.30) < 1e-9 and centre.points[0][1] == centre.points[-1][1]
    assert score.highlights[0][0] == 42  # the first part out of control, ringed
    # each alert before the first part at or after it: part 45, and the bad shift's 09:00 part (62)
    assert [(m.x, m.label) for m in score.markers] == [(44.5, "Camera moved"), (61.5, "Picture darker")]

    shifts = control.shift_chart.data()
    assert [s.label for s in shifts.series] == ["FAIL + UNCERTAIN", "limits", "", "p̄"]
    tick_labels = [t[1] for t in shifts.x_ticks or []]
    assert tick_labels[0] == label(T0, 1)
    # shift 3 is counted on its calendar day: the next day's hours after midnight come after its S1
    assert [p.count.label for p in control.charts.shifts.points] == [
        label(T0, 1), label(T0, 2), label(T0, 3), label(BAD, 1), label(BAD, 3)]
    assert shifts.highlights == [(3, 0.4)]  # exactly the bad shift
    assert [(m.x, m.label) for m in shifts.markers] == [(1 - 0.45, "Camera moved"), (3 - 0.45, "Picture darker")]
    summary = control.summary.text()
    assert "first part 42" in summary and f"out of control: {label(BAD, 1)}" in summary and "Picture darker" in summary

    # painted at 1366x768 without pushing the cards and the fleet table away
    for chart in (control.score_chart, control.shift_chart):
        assert not chart.grab().isNull() and chart.height() >= chart.minimumHeight()
    assert all(card.isVisible() and card.height() > 0 for card in dashboard.cards.values())
    assert dashboard.geometry().bottom() <= main_window.height()


def test_shift_report_states_the_shifts_figures(qtbot, main_window, station_ctx) -> None:  # noqa: F811
    populate(station_ctx.db)
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    screen = main_window.screens[Screen.SUPERVISOR]
    shift = screen.shift
    shift.day.setDate(QDate(BAD.year, BAD.month, BAD.day))
    shift.start_hour.setValue(6)
    shift.hours.setValue(8)
    shift.refresh()
    qtbot.waitUntil(lambda: shift.report is not None and shift.report.start == BAD, timeout=15000)
    spc = shift.report.spc
    assert spc is not None and (spc.n, spc.flagged, spc.reference_shifts) == (20, 8, 3)
    assert spc.p_bar == 0.0 and spc.p_out_of_control
    text = shift.preview.toPlainText()
    assert "Control charts" in text and "FAIL + UNCERTAIN (effective verdicts): 8 of 20 (40.0%)" in text
    assert "p̄ of the 3 shifts of the 14 days before: 0.0%" in text and "out of control" in text
    assert "Health alerts (1)" in text and "Picture darker" in text
    assert "Anomaly score EWMA (λ 0.2, L 3; centre 0.300" in text


@pytest.fixture
def centre(pg_empty_url: str):  # type: ignore[no-untyped-def]
    """A central PostgreSQL holding station ST05's parts of the same product (plant time = UTC there)."""
    db = open_database(pg_empty_url, upgrade=True)
    with db.session() as session:
        session.execute(text("INSERT INTO products (product_code, product_name) VALUES ('demo-cast', 'D')"))
    populate(db, "ST05", stored=lambda at: at)
    yield db
    db.dispose()


def test_control_charts_of_a_station_at_the_centre(qtbot, centre, gui_services, station_ctx, main_window) -> None:  # noqa: F811
    local = SqlSpcReader(station_ctx.db)
    gui_services.reports = ReportService(
        SqlReportReader(station_ctx.db), fleet=SqlReportReader(centre),
        charts=ControlCharts(local, local, centre=SqlSpcReader(centre), centre_health=SqlSpcReader(centre)))
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    screen = main_window.screens[Screen.SUPERVISOR]
    screen.tabs.setCurrentWidget(screen.dashboard)
    dashboard, control = screen.dashboard, screen.dashboard.control
    control.clock = lambda: NOW
    dashboard.refresh()
    qtbot.waitUntil(lambda: control.source.count() == 3, timeout=15000)  # this station, all, ST05
    table = dashboard.fleet_table
    # the refresh at NOW (the screen's first one, at the wall clock's time, finds no shifts in its 14 days)
    qtbot.waitUntil(lambda: table.rowCount() == 1 and table.item(0, 6) is not None
                    and table.item(0, 6).text() == "1 of 5", timeout=15000)  # shifts out of control
    assert table.item(0, 0).text() == "ST05"
    assert [control.source.itemText(i) for i in range(3)] == ["This station", "All stations (centre)", "ST05 (centre)"]
    control.source.setCurrentIndex(2)
    dashboard.chart_tabs.setCurrentWidget(control)
    qtbot.waitUntil(lambda: control.charts is not None and control.charts.station_id == "ST05", timeout=15000)
    spc = control.charts
    assert spc.source == "centre" and spc.scores.first_out is not None and spc.scores.first_out.index == 42
    assert [p.count.label for p in spc.shifts.out_of_control] == [label(BAD, 1)]
    assert [m.label for m in control.score_chart.data().markers] == ["Camera moved", "Picture darker"]
    assert control.shift_chart.data().highlights == [(3, 0.4)]
    control.source.setCurrentIndex(0)  # this station's own store holds none of these parts
    control.refresh()
    qtbot.waitUntil(lambda: control.charts is not None and control.charts.source == "station", timeout=15000)
    assert control.charts.scores.points == [] and control.score_chart.data().series == []
