"""Wires the verdict-override service (bench, ``station override``) to the station's store."""

from __future__ import annotations

from station.adapters.db.overrides_repo import SqlOverrideRepository
from station.app.context import AppContext
from station.services.overrides import OverrideService


def build_overrides(ctx: AppContext) -> OverrideService:
    return OverrideService(SqlOverrideRepository(ctx.db), ctx.catalog)
