"""The supervisor dashboard shows the product's stations at the centre when a central database is
configured (real widgets, a real central PostgreSQL with the 0008 aggregates)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.adapters.db import migrate
from station.adapters.db.database import open_database
from station.adapters.db.engine import make_engine
from station.adapters.db.reports_repo import SqlReportReader
from station.services.records import ReportService
from station.ui.permissions import Screen
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401


@pytest.fixture
def centre(pg_empty_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(pg_empty_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        pid = conn.execute(text("INSERT INTO products (product_code, product_name) VALUES ('demo-cast', 'D') "
                                "RETURNING product_id")).scalar()
        for k, (station, verdict) in enumerate([("ST05", "FAIL"), ("ST05", "PASS"), ("ST09", "UNCERTAIN")]):
            iid = conn.execute(text(
                "INSERT INTO inspections (inspection_code, product_id, status) VALUES (:c, :p, 'completed') "
                "RETURNING inspection_id"), {"c": f"INS-20261201-{station}-{k:04d}", "p": pid}).scalar()
            conn.execute(text("INSERT INTO inspection_results (inspection_id, defect_detected, verdict) "
                              "VALUES (:i, :d, :v)"), {"i": iid, "d": verdict == "FAIL", "v": verdict})
    engine.dispose()
    db = open_database(pg_empty_url)
    yield db
    db.dispose()


@pytest.fixture
def central_reports(centre, gui_services, station_ctx):  # type: ignore[no-untyped-def]  # noqa: F811
    gui_services.reports = ReportService(SqlReportReader(station_ctx.db), fleet=SqlReportReader(centre))
    return gui_services


def test_dashboard_lists_the_products_stations_at_the_centre(qtbot, central_reports, main_window) -> None:  # noqa: F811
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    screen = main_window.screens[Screen.SUPERVISOR]
    screen.tabs.setCurrentWidget(screen.dashboard)
    dashboard = screen.dashboard
    dashboard.refresh()
    table = dashboard.fleet_table
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=15000)
    rows = {table.item(i, 0).text(): [table.item(i, j).text() for j in range(1, 6)] for i in range(2)}
    assert rows["ST05"][1:4] == ["50.0%", "0.0%", "1"]  # defect rate, UNCERTAIN rate, pending
    assert rows["ST09"][1:4] == ["0.0%", "100.0%", "1"]
    assert table.isVisibleTo(dashboard)
