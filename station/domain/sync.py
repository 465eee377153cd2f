"""Sync state and errors: what the status bar and ``station sync status`` show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from station.domain.errors import StationError


class SyncError(StationError):
    """A push or pull could not complete (centre down, record refused, ...); retried with backoff."""


class ObjectStoreUnavailableError(StationError):
    """The object store (S3-compatible endpoint or shared folder) cannot be reached."""


class CorruptLocalStoreError(StationError):
    """The station's SQLite file is damaged: the station stops instead of starting over silently."""


@dataclass(frozen=True)
class SyncStatus:
    """``pending``: rows and files not yet at the centre; times are ISO-8601 (UTC), or None."""

    pending: int
    pending_rows: dict[str, int] = field(default_factory=dict)
    pending_files: int = 0
    failed_files: int = 0
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    last_pull: str | None = None
    consecutive_failures: int = 0
    running: bool = False
    configured: bool = True
    disk: dict[str, Any] | None = None  # the station's disk (DiskStatus.to_dict()), when its upkeep is wired

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PushResult:
    """One push batch: outbox entries taken and rows written (inserted or updated) per table."""

    entries: int
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class SyncRunReport:
    """What one ``run_once`` did (the CLI prints it)."""

    pushed_entries: int = 0
    pushed_rows: dict[str, int] = field(default_factory=dict)
    pulled: dict[str, int] = field(default_factory=dict)
    files_stored: int = 0
    files_failed: int = 0
    files_waiting: int = 0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
