"""Health alerts reach people (see ``station.domain.health``): every alert the health watch raises is
stored (this service is the watch's persistent sink), pushed to the centre, shown on the bench that
inspected the part, listed on the supervisor's queue and published by ``station serve`` on the line's alert
topic. A supervisor or admin acknowledges it (audited, pushed again); the change notifier fires ``health``
on both."""

from __future__ import annotations

import logging
from datetime import datetime

from station.domain.errors import AuthenticationError, NotFoundError
from station.domain.health import HealthAlert
from station.domain.health_alerts import ACKNOWLEDGE_ROLES, HealthAlertEntry, HealthAlertSummary
from station.domain.users import UserInfo
from station.services.records.ports import HealthAlertRepository
from station.services.shared.changes import ChangeNotifier, RecordsChanged

log = logging.getLogger(__name__)


class HealthAlertService:
    def __init__(self, repo: HealthAlertRepository, changes: ChangeNotifier | None = None) -> None:
        self._repo = repo
        self.changes = changes or ChangeNotifier()

    def raised(self, alert: HealthAlert) -> None:
        """The health watch's sink: the alert is stored. A store that refuses it is logged, never raised
        into the inspection that raised the alert (the part's verdict matters more)."""
        try:
            self._repo.record(alert)
        except Exception:  # noqa: BLE001 - an alert that cannot be stored must not fail the inspection
            log.exception("health alert %s of %s not stored", alert.kind, alert.product_code)
            return
        self.changes.fire(RecordsChanged("health"))

    def record(self, alert: HealthAlert) -> HealthAlertEntry:
        """Stores the alert and returns it with its id (errors are raised)."""
        entry = self._repo.record(alert)
        self.changes.fire(RecordsChanged("health"))
        return entry

    def open_alerts(self, product_code: str | None = None) -> list[HealthAlertEntry]:
        """Open alerts, oldest first (of one product when given)."""
        return self._repo.alerts(open_only=True, product_code=product_code)

    def alerts(self, *, open_only: bool = False, since: datetime | None = None, product_code: str | None = None,
               view: str | None = None, limit: int | None = None) -> list[HealthAlertEntry]:
        """Alerts, oldest first (for charts: ``since`` and ``product_code``, with ``view`` for one view)."""
        return self._repo.alerts(open_only=open_only, since=since, product_code=product_code, view=view,
                                 limit=limit)

    def summary(self) -> HealthAlertSummary:
        """The open alerts' count and the newest one (the line's status topic)."""
        return self._repo.summary()

    def acknowledge(self, alert_id: int, user: UserInfo) -> HealthAlertEntry:
        """A supervisor has seen the alert: it is no longer open; who and when are stored and audited."""
        if not user.is_active or not user.has_role(*ACKNOWLEDGE_ROLES):
            raise AuthenticationError(f"{user.username} may not acknowledge health alerts (supervisor or admin only)")
        entry = self._repo.acknowledge(alert_id, user.user_id, {"alert_id": alert_id, "by": user.username})
        if entry is None:
            raise NotFoundError(f"no health alert {alert_id}")
        self.changes.fire(RecordsChanged("health"))
        return entry
