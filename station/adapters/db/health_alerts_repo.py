"""Health alerts on the station's store (``health_alerts``, migration 0015): the persistent sink of the
health watch (``raised``), the lists the bench, the supervisor, the line and the charts read, and the
audited acknowledgement. Times are stored as naive UTC, as every time of the schema."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from station.adapters.db.acknowledgement import acknowledge_row
from station.adapters.db.database import Database
from station.adapters.db.models import HealthAlertRow, Product, User
from station.domain.errors import NotFoundError
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.health_alerts import HealthAlertEntry, HealthAlertSummary


def _utc_naive(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(timezone.utc).replace(tzinfo=None)
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo is not None else moment


class SqlHealthAlertRepository:
    """``station_id`` is stored on alerts that do not name their station."""

    def __init__(self, db: Database, station_id: str) -> None:
        self._db = db
        self._station_id = station_id

    def record(self, alert: HealthAlert) -> HealthAlertEntry:
        """Stores a raised alert (queued for the centre by the outbox); its product must be known here."""
        with self._db.session() as session:
            product_id = session.scalar(select(Product.product_id).where(Product.product_code == alert.product_code))
            if product_id is None:
                raise NotFoundError(f"health alert for unknown product {alert.product_code!r}")
            row = HealthAlertRow(
                station_code=alert.station_code or self._station_id, product_id=product_id, view_code=alert.view,
                kind=HealthAlertKind(alert.kind).value, signal=HealthSignal(alert.signal).value,
                message=alert.message, value=float(alert.value), baseline=float(alert.baseline),
                params=dict(alert.params), parts_seen=int(alert.parts_seen), raised_at=_utc_naive(alert.raised_at))
            session.add(row)
            session.flush()
            session.refresh(row)
            return self._entry(session, row)

    def raised(self, alert: HealthAlert) -> None:
        """The health watch's sink port: the alert is stored."""
        self.record(alert)

    def alerts(self, *, open_only: bool = False, since: datetime | None = None, product_code: str | None = None,
               view: str | None = None, limit: int | None = None) -> list[HealthAlertEntry]:
        """Alerts, oldest first: only the open ones, raised at or after ``since`` (naive UTC or aware), of one
        product (and view); ``limit`` keeps the newest."""
        with self._db.session() as session:
            query = select(HealthAlertRow)
            if open_only:
                query = query.where(HealthAlertRow.status == "open")
            if since is not None:
                query = query.where(HealthAlertRow.raised_at >= _utc_naive(since))
            if product_code is not None:
                query = query.join(Product, Product.product_id == HealthAlertRow.product_id).where(
                    Product.product_code == product_code)
            if view is not None:
                query = query.where(HealthAlertRow.view_code == view)
            query = query.order_by(HealthAlertRow.raised_at.desc(), HealthAlertRow.alert_id.desc())
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.scalars(query))
            return [self._entry(session, r) for r in reversed(rows)]

    def get(self, alert_id: int) -> HealthAlertEntry | None:
        with self._db.session() as session:
            row = session.get(HealthAlertRow, alert_id)
            return None if row is None else self._entry(session, row)

    def summary(self) -> HealthAlertSummary:
        """How many alerts are open and the newest of them."""
        with self._db.session() as session:
            count = int(session.scalar(select(func.count()).select_from(HealthAlertRow).where(
                HealthAlertRow.status == "open")) or 0)
            latest = session.scalars(select(HealthAlertRow).where(HealthAlertRow.status == "open").order_by(
                HealthAlertRow.raised_at.desc(), HealthAlertRow.alert_id.desc()).limit(1)).first()
            return HealthAlertSummary(count, None if latest is None else self._entry(session, latest))

    def acknowledge(self, alert_id: int, user_id: int, audit: dict[str, Any]) -> HealthAlertEntry | None:
        """Marks the alert acknowledged by ``user_id`` (once; audited); None when there is no such alert."""
        with self._db.session(user_id=user_id) as session:
            row = session.get(HealthAlertRow, alert_id)
            if row is None:
                return None
            acknowledge_row(session, row, "health_alerts", user_id, audit)
            return self._entry(session, row)

    @staticmethod
    def _entry(session, row: HealthAlertRow) -> HealthAlertEntry:  # type: ignore[no-untyped-def]
        product = session.get(Product, row.product_id)
        user = session.get(User, row.acknowledged_by) if row.acknowledged_by is not None else None
        alert = HealthAlert(
            kind=HealthAlertKind(row.kind), product_code=product.product_code if product else "",
            view=row.view_code, signal=HealthSignal(row.signal), message=row.message, value=row.value,
            baseline=row.baseline, parts_seen=row.parts_seen, params=dict(row.params or {}),
            station_code=row.station_code, raised_at=row.raised_at)
        return HealthAlertEntry(row.alert_id, alert, row.status, user.username if user else None,
                                row.acknowledged_at, row.product_id)
