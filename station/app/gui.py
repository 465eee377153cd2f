"""Assembly of the desktop station: wires adapters to services and hands them to the Qt GUI."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from station.adapters.camera.codes import read_serial
from station.adapters.camera.probe import probe_image
from station.adapters.camera.settings_file import JsonCameraSettings
from station.adapters.camera.worker import make_capture_worker
from station.adapters.db.admin_repo import SqlAdminRepository
from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.reports_repo import SqlReportReader
from station.app.context import AppContext
from station.config import load_settings, save_settings
from station.services.admin import AdminService
from station.services.reports import ReportService
from station.services.station_settings import StationSettingsService
from station.ui.services import GuiServices

log = logging.getLogger(__name__)


def _save_preferences(language: str, theme: str) -> None:
    settings = load_settings()
    save_settings(settings.model_copy(update={"language": language, "theme": theme}))


def build_gui_services(ctx: AppContext) -> GuiServices:
    audit = SqlAuditTrail(ctx.db)
    services = GuiServices(
        settings=ctx.settings,
        users=ctx.users,
        catalog=ctx.catalog,
        deployments=ctx.deployments,
        storage=ctx.storage,
        station_settings=StationSettingsService(JsonCameraSettings(ctx.settings.home / "camera.json"),
                                                ctx.catalog, audit),
        reports=ReportService(SqlReportReader(ctx.db)),
        admin=AdminService(SqlAdminRepository(ctx.db), ctx.users, audit),
        camera_factory=make_capture_worker,
        read_serial=read_serial,
        probe_image=probe_image,
        save_preferences=_save_preferences,
    )
    services.extras["audit"] = audit
    _attach_optional_services(ctx, services)
    return services


def _attach_optional_services(ctx: AppContext, services: GuiServices) -> None:
    """The engine, guidance and sync services when the context provides them (integrated as they land)."""
    for name in ("inspection", "guidance", "manuals", "actions", "sync"):
        value: Any = getattr(ctx, name, None)
        if value is not None:
            setattr(services, name, value)
