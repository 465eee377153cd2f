"""Read models of the supervisor screens: per-product dashboard, inspection rows, time series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

# recent_inspections.action_status values (the view ``recent_inspections``, db/sql/0002_views.sql)
STATUS_OPEN = "미조치"
STATUS_IN_PROGRESS = "조치중"
STATUS_RESOLVED = "조치완료"
STATUS_OK = "정상"
STATUS_REVIEW = "검토대기"  # an UNCERTAIN part held for review, no action yet (migration 0007)
AWAITING_STATUSES = (STATUS_OPEN, STATUS_REVIEW)  # the supervisor's awaiting-action queue


def local_time(moment: datetime | None) -> datetime | None:
    """A stored time (naive UTC, db/README.md "Time") as naive local time, for display only."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone().replace(tzinfo=None)


def utc_from_local(moment: datetime) -> datetime:
    """A naive local time a person entered (a shift start, a date filter) as naive UTC, for queries."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class DashboardStats:
    """One row of the view ``dashboard_stats``."""

    product_id: int
    product_name: str
    normal_image_count: int
    defect_image_count: int
    total_inspection_count: int
    defect_detected_count: int
    resolved_count: int
    pending_action_count: int
    avg_guide_rating: float | None
    uncertain_count: int = 0  # inspections judged UNCERTAIN (held for review), not counted as defects
    pending_review_count: int = 0  # ... of which no action result yet

    @property
    def defect_rate(self) -> float:
        return self.defect_detected_count / self.total_inspection_count if self.total_inspection_count else 0.0


@dataclass(frozen=True)
class InspectionRow:
    """An inspection as the view ``recent_inspections`` shows it, plus its score and product id."""

    inspection_id: int
    inspection_code: str
    inspection_date: datetime | None
    product_id: int | None
    product_code: str
    product_name: str
    defect_name_ko: str | None
    defect_detected: bool | None
    confidence_score: float | None
    anomaly_score: float | None
    inspector: str | None
    action_status: str
    verdict: str | None = None  # the effective PASS / FAIL / UNCERTAIN: the latest override's, else the station's
    station_verdict: str | None = None  # what the station judged (kept when a person overrides it)
    override_kind: str | None = None  # the latest override (false_alarm / missed_defect / other_defect_type)
    overridden_from: str | None = None  # the verdict that override corrected
    overridden_by: str | None = None  # username
    overridden_at: datetime | None = None  # UTC

    @property
    def overridden(self) -> bool:
        return self.override_kind is not None


@dataclass(frozen=True)
class ActionLine:
    """A corrective action of a report's period: when, who, which part, the part's action result before and
    after it (None before: no result yet)."""

    at: datetime | None  # UTC
    inspection_code: str
    by: str | None
    action_taken: str
    result_before: str | None
    result: str | None


@dataclass(frozen=True)
class OverrideLine:
    """A verdict override of a report's period: when, who, which part, the verdict it corrected and the
    verdict (and defect type) it made."""

    at: datetime | None  # UTC
    inspection_code: str
    by: str | None
    kind: str
    from_verdict: str | None
    to_verdict: str  # PASS for a false alarm, FAIL otherwise
    defect_name_ko: str | None = None


@dataclass(frozen=True)
class HistoryFilter:
    product_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    defects_only: bool = False
    verdict: str | None = None  # PASS / FAIL / UNCERTAIN
    action_status: str | None = None
    inspector: str | None = None
    text: str | None = None
    limit: int = 500
    overridden_only: bool = False  # parts whose verdict a person corrected


@dataclass(frozen=True)
class DailyCount:
    day: date
    inspections: int
    defects: int
    uncertain: int = 0

    @property
    def defect_rate(self) -> float:
        return self.defects / self.inspections if self.inspections else 0.0


@dataclass(frozen=True)
class DashboardQuery:
    """Filters of the supervisor dashboard (``station report dashboard``): all None = the view itself."""

    product_code: str | None = None
    station_id: str | None = None
    since: date | None = None  # inspections on or after this day (the centre's days, UTC unless configured)

    @property
    def filtered(self) -> bool:
        return any(v is not None for v in (self.product_code, self.station_id, self.since))


@dataclass(frozen=True)
class FleetRow:
    """One station and product at the centre: counts since a day, open work and the last sync."""

    station_id: str
    product_code: str
    product_name: str
    inspections: int
    completed: int
    defects: int
    uncertain: int
    pending_actions: int  # defects without an action result, all time (what is open now)
    pending_reviews: int  # UNCERTAIN parts without an action result, all time
    days: int  # days in the window (since .. the newest day with data anywhere)
    last_inspection_at: datetime | None
    last_received_at: datetime | None  # when the centre last received an inspection of this station

    @property
    def per_day(self) -> float:
        return self.completed / self.days if self.days else 0.0

    @property
    def defect_rate(self) -> float:
        return self.defects / self.inspections if self.inspections else 0.0

    @property
    def uncertain_rate(self) -> float:
        return self.uncertain / self.inspections if self.inspections else 0.0
