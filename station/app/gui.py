"""Assembly of the desktop station: wires adapters to services and hands them to the Qt GUI.

Imported by the CLI through ``importlib`` only (``station gui``, ``station demo``), so that the CLI
modules themselves stay free of Qt (see the import contracts in pyproject.toml).
"""

from __future__ import annotations

import logging
from typing import Any

from station.adapters.camera.codes import read_serial
from station.adapters.camera.probe import probe_image
from station.adapters.camera.settings_file import JsonCameraSettings
from station.adapters.camera.worker import make_capture_worker
from station.adapters.db.admin_repo import SqlAdminRepository
from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.inspection_notes_repo import SqlInspectionNotes
from station.adapters.db.reports_repo import SqlReportReader
from station.app.central_reports import central_fleet
from station.app.context import AppContext
from station.config import load_settings, save_settings
from station.domain.camera import CameraSpec
from station.services.admin import AdminService
from station.services.reports import ReportService
from station.services.station_settings import StationSettingsService
from station.ui.services import GuiServices

log = logging.getLogger(__name__)


def _save_preferences(language: str, theme: str) -> None:
    settings = load_settings()
    save_settings(settings.model_copy(update={"language": language, "theme": theme}))


class BankReviewThresholds:
    """The review threshold kept in the memory bank's description (engine's ModelFiles), cache-aware."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def get(self, product_code: str) -> float | None:
        info = self._engine.inspection.bank_info(product_code)
        return None if info is None or info.get("review_threshold") is None else float(info["review_threshold"])

    def set(self, product_code: str, value: float) -> None:
        from station.services.engine_runtime import BANK_FILE

        self._engine.files.update_meta(product_code, BANK_FILE, {"review_threshold": float(value)})
        self._engine.inspection.cache.invalidate(product_code)


def engine_of(ctx: AppContext) -> Any:
    """The context's inspection engine, or one built here when the context does not carry it."""
    engine = getattr(ctx, "engine", None)
    if engine is not None:
        return engine
    from station.app.engine_assembly import build_engine

    engine = build_engine(ctx.settings, ctx.catalog, ctx.recorder, ctx.storage, ctx.deployments)
    ctx.engine = engine  # type: ignore[attr-defined]
    return engine


def build_gui_services(ctx: AppContext) -> GuiServices:
    audit = SqlAuditTrail(ctx.db)
    engine = engine_of(ctx)
    services = GuiServices(
        settings=ctx.settings,
        users=ctx.users,
        catalog=ctx.catalog,
        deployments=ctx.deployments,
        storage=ctx.storage,
        station_settings=StationSettingsService(JsonCameraSettings(ctx.settings.home / "camera.json"),
                                                ctx.catalog, audit, BankReviewThresholds(engine)),
        reports=ReportService(SqlReportReader(ctx.db), fleet=central_fleet(ctx.settings)),
        admin=AdminService(SqlAdminRepository(ctx.db), ctx.users, audit),
        camera_factory=make_capture_worker,
        read_serial=read_serial,
        probe_image=probe_image,
        save_preferences=_save_preferences,
        inspection=engine.inspection,
        builder=engine.builder,
        calibration=engine.calibration,
        notes=SqlInspectionNotes(ctx.db),
    )
    services.extras["audit"] = audit
    services.extras["engine"] = engine
    for name in ("guidance", "manuals", "actions", "sync"):
        value: Any = getattr(ctx, name, None)
        if value is not None:
            setattr(services, name, value)
    return services


def run_gui(ctx: AppContext, *, camera: CameraSpec | None = None, sign_in: tuple[str, str] | None = None) -> int:
    """Opens the station window (blocking until it is closed); starts and stops the sync service."""
    from station.ui.app import open_station, qt_application

    services = build_gui_services(ctx)
    app = qt_application()
    window = open_station(services, camera=camera)
    sync = services.sync
    if sync is not None and hasattr(sync, "start"):
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
        if sync is not None and hasattr(sync, "stop"):
            sync.stop()
