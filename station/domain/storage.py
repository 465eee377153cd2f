"""The station's own disk: the retention policy of local object files, the free-space watermark below which
recording pauses, what a prune did, and the errors a person sees (one line each)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from station.domain.errors import StationError

GB = 1_000_000_000


class RecordingPausedError(StationError):
    """Free space is below the watermark: no new inspection is recorded until space is back."""


class DiskFullError(StationError):
    """The disk filled while a file or row was being written: nothing of that inspection was recorded."""


class NotKeptLocallyError(StationError):
    """The file is no longer on this station (pruned after it reached the centre) and the central object
    store cannot be reached now."""


@dataclass(frozen=True)
class RetentionPolicy:
    """``keep_days``: confirmed files older than this are pruned (0: no age limit). ``max_bytes``: the local
    object files are kept under this size, oldest confirmed first (0: no cap). ``min_free_bytes`` and
    ``min_free_percent``: the watermark is the larger of the two (of the disk's size)."""

    keep_days: int = 30
    max_bytes: int = 0
    min_free_bytes: int = GB
    min_free_percent: float = 5.0

    def watermark(self, total_bytes: int) -> int:
        """Free bytes the station keeps on a disk of ``total_bytes``."""
        return max(int(self.min_free_bytes), int(total_bytes * self.min_free_percent / 100.0))

    @staticmethod
    def space_target(watermark: int) -> int:
        """Free bytes a prune for space aims at: 10 % above the watermark, so that recording does not stop
        again at the next part."""
        return watermark + watermark // 10


@dataclass(frozen=True)
class LocalFile:
    """A local object file the centre has confirmed (``created``: when a record first referred to it, naive
    UTC)."""

    key: str
    size: int
    created: Any


@dataclass
class PruneReport:
    """What one prune did (or, with ``dry_run``, would do)."""

    dry_run: bool = False
    enabled: bool = True
    reason: str | None = None  # why nothing may be pruned (pruning off), or why the cap is not reached
    files: int = 0
    bytes: int = 0
    by_age: int = 0
    by_size: int = 0
    by_space: int = 0
    keys: list[str] = field(default_factory=list)
    at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DiskStatus:
    """The disk the station records to, for the status bar and ``station sync status``."""

    path: str
    free_bytes: int
    total_bytes: int
    watermark_bytes: int
    recording_paused: bool
    pruning: bool  # False where the storage folder is the object store itself (nothing is pruned)
    pruning_note: str | None = None
    local_files: int = 0
    local_bytes: int = 0
    prunable_files: int = 0
    prunable_bytes: int = 0
    awaiting_sync_files: int = 0
    keep_days: int = 0
    max_bytes: int = 0
    last_prune: str | None = None
    last_prune_files: int | None = None
    last_prune_bytes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def human_bytes(n: int) -> str:
    """``12.3 GB``, ``840 MB``, ``96 kB`` (decimal units, as disks are sold)."""
    for unit, size in (("GB", GB), ("MB", 1_000_000), ("kB", 1_000)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}" if n < 100 * size else f"{n / size:.0f} {unit}"
    return f"{n} B"


def paused_line(free_bytes: int, watermark_bytes: int, path: str) -> str:
    """The one line a person sees while recording is paused."""
    return (f"recording paused: only {human_bytes(free_bytes)} free on {path} (the station keeps "
            f"{human_bytes(watermark_bytes)} free); it resumes by itself when space is back "
            "(`station storage prune` removes files already at the centre)")
