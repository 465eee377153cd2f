"""Wires the GUI bench's line: the Line I/O settings in ``line.toml`` (the file ``station serve`` reads),
the links built by ``line_assembly.build_links`` and the recurrence watch, as one
:class:`~station.services.line.settings.LineSettingsService`."""

from __future__ import annotations

from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.recurrence_repo import SqlRecurrenceRepository
from station.adapters.line.wiring_file import wiring_path
from station.adapters.line.wiring_store import TomlWiringStore
from station.app.station import AppContext
from station.app.line import build_links
from station.domain.recurrence import RecurrenceWindow
from station.services.line.settings import LineSettingsService
from station.services.records.recurrence import RecurrenceWatch


def build_line_settings(ctx: AppContext) -> LineSettingsService:
    station_id = ctx.settings.station_id
    store = TomlWiringStore(wiring_path(ctx.settings.home))

    def observers():  # type: ignore[no-untyped-def]
        wiring = store.load()  # the settings just saved: the window applies to the bench's own watch too
        watch = ctx.recurrence or RecurrenceWatch(SqlRecurrenceRepository(ctx.db), changes=ctx.changes)
        watch.window = RecurrenceWindow(wiring.recurrence_inspections, wiring.recurrence_hours)
        return [watch.line_observer(station_id)]

    return LineSettingsService(store, SqlAuditTrail(ctx.db), station_id,
                               lambda wiring: build_links(wiring, station_id), observers)
