"""The view across stations for the supervisor's dashboard: the centre's aggregates, read through the
station's own central login (no application user: the ``station_sync`` read policies), opened on first use."""

from __future__ import annotations

import threading
from datetime import date

from station.adapters.db.database import Database, open_database
from station.adapters.db.reports_repo import SqlReportReader
from station.adapters.sync.credentials import central_url
from station.config import Settings
from station.domain.reports import FleetRow


class CentralFleet:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._db: Database | None = None
        self._lock = threading.Lock()

    def fleet(self, since: date, station_id: str | None = None, product_code: str | None = None) -> list[FleetRow]:
        with self._lock:
            if self._db is None:
                url = central_url(self._settings)
                assert url is not None  # built only when a centre is configured
                self._db = open_database(url)
            db = self._db
        return SqlReportReader(db).fleet(since, station_id=station_id, product_code=product_code)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def central_fleet(settings: Settings) -> CentralFleet | None:
    return CentralFleet(settings) if settings.central_db_url else None
