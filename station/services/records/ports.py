"""Ports of the records: supervisor reports, the fleet view, the control charts and the health alerts they
mark, actions, overrides, recurrence alerts, health alerts, inspection notes and sync with the centre."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from station.domain.actions import ActionEntry, FeedbackEntry
from station.domain.health import HealthAlert
from station.domain.health_alerts import HealthAlertEntry, HealthAlertSummary
from station.domain.overrides import InspectionFacts, NewOverride, OverrideEntry
from station.domain.recurrence import RecurrenceAlertInfo, RecurrenceWindow
from station.domain.reports import (
    ActionLine,
    DailyCount,
    DashboardStats,
    FleetRow,
    HistoryFilter,
    InspectionRow,
    OverrideLine,
)
from station.domain.review import InspectionReview
from station.domain.spc import HealthMark, ScoredPart, ShiftCount
from station.domain.storage import LocalFile
from station.domain.sync import PushResult


class ReportReader(Protocol):
    """Read-only supervisor queries over ``dashboard_stats``, ``recent_inspections`` and history (rows show
    the effective verdict: the latest override's where a person corrected the station)."""

    def dashboard(self) -> list[DashboardStats]: ...

    def recent(self, product_code: str | None = None) -> list[InspectionRow]: ...

    def history(self, flt: HistoryFilter) -> list[InspectionRow]: ...

    def daily_counts(self, product_id: int, start: date, end: date) -> list[DailyCount]: ...

    def defect_type_counts(self, product_id: int, start: datetime | None = None) -> dict[str, int]: ...

    def shift_activity(self, product_id: int, start: datetime,
                       end: datetime) -> tuple[list[ActionLine], list[OverrideLine]]:
        """Corrective actions and verdict overrides made in [start, end) (UTC) on the product's parts."""
        ...


class FleetReader(Protocol):
    """The view across stations at the centre (per station and product), from its aggregates."""

    def fleet(self, since: date, station_id: str | None = None,
              product_code: str | None = None) -> list[FleetRow]: ...


class SpcReader(Protocol):
    """The control charts' values of one product (``station.adapters.db.spc_repo``), on the station's store
    or at the centre; times are plant time."""

    def scored_parts(self, product_code: str, since: datetime, end: datetime, limit: int,
                     station_id: str | None = None) -> list[ScoredPart]:
        """The newest ``limit`` completed parts in [since, end), oldest first: score, effective verdict, model."""
        ...

    def shift_counts(self, product_code: str, start: date, end: date,
                     station_id: str | None = None) -> list[ShiftCount]:
        """Completed and FAIL/UNCERTAIN (effective verdict) inspections per shift of the days [start, end)."""
        ...

    def station_shift_counts(self, product_code: str, start: date, end: date) -> dict[str, list[ShiftCount]]:
        """The same per station (at the centre; {} on a station's own store)."""
        ...


class HealthMarkReader(Protocol):
    """Camera/process health alerts of a product in a period, as the charts mark them."""

    def health_marks(self, product_code: str, start: datetime, end: datetime,
                     station_id: str | None = None) -> list[HealthMark] | None:
        """Oldest first; None where the store keeps no health alerts."""
        ...


class SyncGateway(Protocol):
    """The local outbox and the central database (``station.adapters.sync.gateway``)."""

    @property
    def configured(self) -> bool: ...

    def push_batch(self, limit: int) -> PushResult:
        """Pushes the oldest outbox entries (up to ``limit``) in one central transaction."""
        ...

    def pull(self) -> dict[str, int]:
        """Copies the centre-owned tables here; returns changed rows per table."""
        ...

    def ping(self) -> None:
        """Raises a StationError when the centre cannot be reached (a pass with nothing to send)."""
        ...

    def pending_rows(self) -> dict[str, int]: ...

    def file_counts(self) -> dict[str, int]: ...

    def pending_files(self, limit: int) -> list[str]: ...

    def mark_file(self, key: str, state: str, *, size: int | None = None, error: str | None = None) -> None: ...

    def load_state(self) -> dict[str, str | None]: ...

    def save_state(self, values: dict[str, str | None]) -> None: ...


class ObjectTarget(Protocol):
    """Where the station's files go: an S3-compatible bucket or a shared (NAS) folder."""

    def exists(self, key: str) -> bool: ...

    def upload(self, key: str, path: Path) -> int:
        """Stores the file under ``key`` (multipart when large); returns its size."""
        ...


class ActionLogRepository(Protocol):
    """``action_logs`` and ``feedbacks`` on the station's store (queued for the centre by the outbox)."""

    def add_action(self, inspection_id: int, action_taken: str, action_result: str | None, by_user: int | None,
                   notes: str | None = None, when: datetime | None = None) -> ActionEntry: ...

    def add_feedback(self, inspection_id: int, user_id: int | None, rating: int, feedback_text: str | None,
                     feedback_type: str | None) -> FeedbackEntry: ...

    def actions_for(self, inspection_id: int) -> list[ActionEntry]: ...

    def feedback_for(self, inspection_id: int) -> list[FeedbackEntry]: ...


class OverrideRepository(Protocol):
    """``verdict_overrides`` (0009): the override, its labelled library image and audit row in one go; the
    facts give the station's verdict and the effective one (the latest override decides, migration 0013)."""

    def facts(self, inspection_code: str) -> InspectionFacts: ...

    def add(self, new: NewOverride, sample: dict[str, Any] | None, audit: dict[str, Any]) -> OverrideEntry: ...

    def for_inspection(self, inspection_id: int) -> list[OverrideEntry]: ...

    def labelled_scores(self, product_id: int) -> list[tuple[float, str]]: ...


class RecurrenceRepository(Protocol):
    """Recurrence alerts on the station's store: a new defect checked against the resolved action it
    follows (one alert per inspection), the open alerts and their acknowledgement."""

    def check(self, inspection_id: int, window: RecurrenceWindow) -> RecurrenceAlertInfo | None: ...

    def open_alerts(self, product_id: int | None = None) -> list[RecurrenceAlertInfo]: ...

    def acknowledge(self, alert_id: int, user_id: int, audit: dict[str, Any]) -> RecurrenceAlertInfo | None:
        """Marks the alert acknowledged by ``user_id`` with an audit row (one transaction); None when the
        alert does not exist; an alert already acknowledged is returned unchanged."""
        ...


class InspectionNotes(Protocol):
    """The serial number read from the frame, stored with the inspection's test image."""

    def serial_of(self, test_image_id: int) -> str | None: ...


class InspectionReviewReader(Protocol):
    """One recorded inspection as the supervisor reviews it (``station.adapters.db.review_repo``): latest
    result, image keys, regions, overrides and actions with who made them, the saved guide; None when the
    station has no such inspection."""

    def review(self, inspection_id: int) -> InspectionReview | None: ...


class LocalObjectFiles(Protocol):
    """The station's local copies of object files, as the disk upkeep sees them (implemented on the local
    store and the storage folder)."""

    pruning_enabled: bool  # False where the storage folder is the object store itself
    pruning_note: str | None  # why nothing is pruned, when it is not

    def disk_usage(self) -> list[tuple[str, int, int]]:
        """(path, total bytes, free bytes) of each disk the station records to (storage folder first)."""
        ...

    def confirmed_files(self) -> list[LocalFile]:
        """Local files the central store has confirmed ('stored') and no library image uses, oldest first."""
        ...

    def local_totals(self) -> tuple[int, int]:
        """Files and bytes in the local storage folder."""
        ...

    def awaiting_sync(self) -> int:
        """Files not yet confirmed by the central store."""
        ...

    def still_prunable(self, keys: list[str]) -> set[str]:
        """Those of ``keys`` that are still confirmed and unused by the library (read again just before removal)."""
        ...

    def remove(self, key: str) -> int:
        """Removes the local copy of ``key``; the bytes freed (0 when there was none)."""
        ...

    def load_prune_state(self) -> dict[str, str | None]: ...

    def save_prune_state(self, values: dict[str, str | None]) -> None: ...


class HealthAlertRepository(Protocol):
    """``health_alerts`` (0015) on the station's store, queued for the centre by the outbox."""

    def record(self, alert: HealthAlert) -> HealthAlertEntry: ...

    def alerts(self, *, open_only: bool = False, since: datetime | None = None, product_code: str | None = None,
               view: str | None = None, limit: int | None = None) -> list[HealthAlertEntry]:
        """Oldest first; ``limit`` keeps the newest."""
        ...

    def get(self, alert_id: int) -> HealthAlertEntry | None: ...

    def summary(self) -> HealthAlertSummary: ...

    def acknowledge(self, alert_id: int, user_id: int, audit: dict[str, Any]) -> HealthAlertEntry | None: ...
