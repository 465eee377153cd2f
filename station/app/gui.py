"""The desktop front end: the services the Qt GUI gets from the built station, and the window's run.

Imported by the CLI through ``importlib`` only (``station gui``, ``station demo``), so that the CLI
modules themselves stay free of Qt (see the import contracts in pyproject.toml).
"""

from __future__ import annotations

import logging

from station.adapters.camera.worker import make_capture_worker
from station.adapters.db.inspection_notes_repo import SqlInspectionNotes
from station.app.admin import build_admin
from station.app.line import build_line_settings
from station.app.records import build_reports, build_review
from station.app.station import Station
from station.config import load_settings, save_settings
from station.domain.camera import CameraSpec
from station.ui.services import GuiServices
from station.ui.shell.model_build import BackgroundBuild

__all__ = ["BackgroundBuild", "build_gui_services", "run_gui"]

log = logging.getLogger(__name__)


def _save_preferences(language: str, theme: str) -> None:
    settings = load_settings()
    save_settings(settings.model_copy(update={"language": language, "theme": theme}))


def build_gui_services(station: Station) -> GuiServices:
    """Every service the GUI uses: the station's own (the bench and its settings, the engine, records, sync),
    and the ones only its screens use (image library, admin edits, reports, serial notes, Line I/O settings),
    built here from the station's parts."""
    engine = station.engine
    admin = build_admin(station.db, station.catalog, station.storage, station.users, station.audit)
    return GuiServices(
        settings=station.settings,
        users=station.users,
        catalog=station.catalog,
        deployments=station.deployments,
        library=admin.library,
        station_settings=station.station_settings,
        reports=build_reports(station.settings, station.db),
        review=build_review(station.db, station.storage),
        admin=admin.admin,
        camera_factory=make_capture_worker,
        save_preferences=_save_preferences,
        bench=station.bench,
        preview=engine.inspection,
        builder=engine.builder,
        calibration=engine.calibration,
        manuals=station.manuals,
        actions=station.actions,
        sync=station.sync,
        notes=SqlInspectionNotes(station.db),
        changes=station.changes,
        history_thresholds=station.history_thresholds,
        recurrence=station.recurrence,
        health_alerts=station.health_alerts,
        overrides=station.overrides,
        onboarding=engine.onboarding,
        line=build_line_settings(station.settings, station.audit, station.recurrence, station.health_alerts),
        learning=engine.updates,
    )


def run_gui(station: Station, *, camera: CameraSpec | None = None, sign_in: tuple[str, str] | None = None,
            build: BackgroundBuild | None = None) -> int:
    """Opens the station window (blocking until it is closed); starts and stops the sync service. ``build``:
    a product's model to build in the background once the window is shown (its progress shows there)."""
    from station.ui.shell.app import open_station, qt_application

    services = build_gui_services(station)
    app = qt_application()
    window = open_station(services, camera=camera)
    sync = station.sync
    if sync is not None:
        try:
            sync.start()
        except Exception as exc:  # noqa: BLE001 - the station works without the centre
            log.warning("sync not started: %s", exc)
    window.show()
    if build is not None:
        window.build_in_background(build)
    if sign_in is not None:
        window.login.username.setText(sign_in[0])
        window.login.password.setText(sign_in[1])
        window.login.submit()
    try:
        return app.exec()
    finally:
        if sync is not None:
            sync.stop()
