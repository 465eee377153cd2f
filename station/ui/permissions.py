"""Who may do what at the station: capabilities per role and the screens they unlock.

admin: everything. manager (supervisor/technician): inspect, supervise, settings, model builds,
products and data. worker: inspect at the bench, give feedback and override a verdict. viewer: read
dashboards and history.
"""

from __future__ import annotations

from enum import StrEnum

from station.domain.enums import Role


class Capability(StrEnum):
    INSPECT = "inspect"
    FEEDBACK = "feedback"
    VIEW_REPORTS = "view_reports"
    LOG_ACTION = "log_action"
    EXPORT_REPORT = "export_report"
    EDIT_SETTINGS = "edit_settings"
    BUILD_MODELS = "build_models"
    MANAGE_CATALOG = "manage_catalog"
    IMPORT_LIBRARY = "import_library"
    UPLOAD_MANUALS = "upload_manuals"
    MANAGE_USERS = "manage_users"
    OVERRIDE_VERDICT = "override_verdict"


class Screen(StrEnum):
    BENCH = "bench"
    SUPERVISOR = "supervisor"
    TECHNICIAN = "technician"
    ADMIN = "admin"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.MANAGER: frozenset(Capability) - {Capability.MANAGE_USERS},
    Role.WORKER: frozenset({Capability.INSPECT, Capability.FEEDBACK, Capability.OVERRIDE_VERDICT}),
    Role.VIEWER: frozenset({Capability.VIEW_REPORTS, Capability.EXPORT_REPORT}),
}

SCREEN_REQUIRES: dict[Screen, frozenset[Capability]] = {
    Screen.BENCH: frozenset({Capability.INSPECT}),
    Screen.SUPERVISOR: frozenset({Capability.VIEW_REPORTS}),
    Screen.TECHNICIAN: frozenset({Capability.EDIT_SETTINGS, Capability.BUILD_MODELS}),
    Screen.ADMIN: frozenset({Capability.MANAGE_USERS, Capability.MANAGE_CATALOG, Capability.IMPORT_LIBRARY,
                             Capability.UPLOAD_MANUALS}),
}


def capabilities(roles: tuple[Role, ...] | list[Role]) -> frozenset[Capability]:
    caps: set[Capability] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES.get(Role(role), frozenset())
    return frozenset(caps)


def screens_for(roles: tuple[Role, ...] | list[Role]) -> list[Screen]:
    """The screens a user with ``roles`` sees, in navigation order (a screen needs any one capability)."""
    caps = capabilities(roles)
    return [screen for screen in Screen if SCREEN_REQUIRES[screen] & caps]
