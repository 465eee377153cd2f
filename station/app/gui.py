"""Assembly of the desktop station: wires adapters to services and hands them to the Qt GUI.

Imported by the CLI through ``importlib`` only (``station gui``, ``station demo``), so that the CLI
modules themselves stay free of Qt (see the import contracts in pyproject.toml).
"""

from __future__ import annotations

import logging

from station.adapters.camera.worker import make_capture_worker
from station.adapters.db.admin_repo import SqlAdminRepository
from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.inspection_notes_repo import SqlInspectionNotes
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.db.reports_repo import SqlReportReader
from station.app.bench import build_station_settings
from station.app.bench_line import build_line_settings
from station.app.central_reports import central_fleet
from station.app.station import AppContext
from station.app.onboarding import build_onboarding
from station.app.overrides import build_history_calibration, build_overrides
from station.config import load_settings, save_settings
from station.domain.camera import CameraSpec
from station.services.admin.service import AdminService
from station.services.admin.library import ImageLibraryService
from station.services.records.recurrence import RecurrenceWatch
from station.services.records.reports import ReportService
from station.ui.services import GuiServices

log = logging.getLogger(__name__)


def _save_preferences(language: str, theme: str) -> None:
    settings = load_settings()
    save_settings(settings.model_copy(update={"language": language, "theme": theme}))


def build_gui_services(ctx: AppContext) -> GuiServices:
    """Every service the GUI uses, built once from the context (the bench shares ``ctx.bench``)."""
    engine = ctx.engine
    return GuiServices(
        settings=ctx.settings,
        users=ctx.users,
        catalog=ctx.catalog,
        deployments=ctx.deployments,
        library=ImageLibraryService(ctx.catalog, ctx.storage),
        station_settings=build_station_settings(ctx),
        reports=ReportService(SqlReportReader(ctx.db), fleet=central_fleet(ctx.settings)),
        admin=AdminService(SqlAdminRepository(ctx.db), ctx.users, SqlAuditTrail(ctx.db)),
        camera_factory=make_capture_worker,
        save_preferences=_save_preferences,
        bench=ctx.bench,
        preview=engine.inspection,
        builder=engine.builder,
        calibration=engine.calibration,
        manuals=ctx.manuals,
        actions=ctx.actions,
        sync=ctx.sync,
        notes=SqlInspectionNotes(ctx.db),
        changes=ctx.changes,
        history_thresholds=build_history_calibration(ctx),
        recurrence=ctx.recurrence or RecurrenceWatch(SqlRecurrenceRepository(ctx.db), changes=ctx.changes),
        overrides=build_overrides(ctx),
        onboarding=build_onboarding(ctx),
        line=build_line_settings(ctx),
    )


def run_gui(ctx: AppContext, *, camera: CameraSpec | None = None, sign_in: tuple[str, str] | None = None) -> int:
    """Opens the station window (blocking until it is closed); starts and stops the sync service."""
    from station.ui.shell.app import open_station, qt_application

    services = build_gui_services(ctx)
    app = qt_application()
    window = open_station(services, camera=camera)
    sync = ctx.sync
    if sync is not None:
        try:
            sync.start()
        except Exception as exc:  # noqa: BLE001 - the station works without the centre
            log.warning("sync not started: %s", exc)
    window.show()
    if sign_in is not None:
        window.login.username.setText(sign_in[0])
        window.login.password.setText(sign_in[1])
        window.login.submit()
    try:
        return app.exec()
    finally:
        if sync is not None:
            sync.stop()
