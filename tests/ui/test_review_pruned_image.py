"""The supervisor's review of an inspection whose recorded image is no longer on the station (its local copy
was pruned once the central object store held it) while that store cannot be reached: one clear line in place
of the picture, the rest of the review shown, no crash. Real widgets, a real SQLite store, the station's
local-first S3 storage pointed at a port where nothing listens."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from station.domain.reports import utc_from_local
from station.ui.permissions import Screen
from tests.support.review import record_reviewed_part, remove
from tests.support.s3 import free_port
from tests.support.ui import gui_services, main_window, replay_folder, sign_in, station_ctx  # noqa: F401


@pytest.fixture
def s3_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("STATION_S3_BUCKET", "inspection")
    monkeypatch.setenv("STATION_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("STATION_S3_ACCESS_KEY_ID", "station")
    monkeypatch.setenv("STATION_S3_SECRET_ACCESS_KEY", "station-secret")


def test_a_pruned_image_with_the_centre_unreachable_is_one_line(qtbot, s3_down, main_window,  # noqa: F811
                                                                 station_ctx) -> None:  # noqa: F811
    worker = next(u for u in station_ctx.users.list_users() if u.username == "worker")
    part = record_reviewed_part(station_ctx, inspected_at=utc_from_local(datetime.now() - timedelta(minutes=5)),
                                inspector_id=worker.user_id)
    remove(station_ctx, part.test_key)  # no longer on the station, as after a prune
    sign_in(qtbot, main_window, "manager")
    main_window.show_screen(Screen.SUPERVISOR)
    supervisor = main_window.screens[Screen.SUPERVISOR]
    supervisor.tabs.setCurrentWidget(supervisor.history)
    history = supervisor.history
    qtbot.waitUntil(lambda: history.table.rowCount() >= 1, timeout=10000)
    history.table.selectRow(0)
    dialog = history.open_review()
    panel = dialog.panel
    qtbot.waitUntil(lambda: panel.data is not None, timeout=30000)
    assert panel.picture.image().isNull() and panel.picture_problem == "pruned"
    assert panel.picture._placeholder == "Image pruned locally; it is at the centre, which cannot be reached now."
    assert panel.verdict.text() == "FAIL" and not panel.message.isVisible()  # the rest of the review is shown
    dialog.reject()
