"""Ports: the interfaces services need from the outside world, implemented in ``station.adapters``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from station.domain.audit import AuditEntry
from station.domain.camera import CameraSpec, CameraStatus, Frame
from station.domain.catalog import DefectTypeSpec, ImageInfo, ModelConfigInfo, ProductInfo, ProductSpec
from station.domain.reports import DailyCount, DashboardStats, FleetRow, HistoryFilter, InspectionRow
from station.domain.inspection import InspectionRecord, RecordedInspection
from station.domain.enums import Role
from station.domain.users import UserInfo
from station.pipeline.bank import PatchFeatures, RawScore
from station.domain.sync import PushResult
from station.domain.actions import ActionEntry, FeedbackEntry
from station.domain.guidance import Generation, PromptParts
from station.domain.manuals import DefectName, ManualInfo, NewManual, ParsedManual, StoredSection


class UserRepository(Protocol):
    def create_user(
        self, username: str, email: str, password_hash: str, full_name: str | None, roles: tuple[Role, ...]
    ) -> UserInfo: ...

    def get_user(self, username: str) -> UserInfo | None: ...

    def get_password_hash(self, username: str) -> str | None: ...

    def set_password_hash(self, username: str, password_hash: str) -> None: ...

    def record_login(self, username: str, when: datetime) -> None: ...

    def list_users(self) -> list[UserInfo]: ...

    def count_admins(self) -> int: ...

    # Login lockout: consecutive failures are counted per account on this station.
    def register_failed_login(self, username: str, when: datetime, max_failures: int,
                              lock_for_seconds: int) -> datetime | None:
        """Counts a failure; returns the lock end when this failure locks the account."""
        ...

    def clear_failed_logins(self, username: str) -> None: ...

    def locked_until(self, username: str) -> datetime | None: ...


class CatalogRepository(Protocol):
    def upsert_products(self, products: list[ProductSpec]) -> dict[str, int]:
        """Creates missing products/defect types, updates names; returns counts by kind."""
        ...


class CatalogReader(Protocol):
    def get_product(self, code: str) -> ProductInfo:
        """Raises NotFoundError when there is no active product with that code."""
        ...

    def list_products(self) -> list[ProductInfo]: ...

    def get_model_config(self, product_id: int) -> ModelConfigInfo:
        """The active anomaly-detection config; defaults (0.85/0.90) when the product has none."""
        ...

    def save_model_config(self, config: ModelConfigInfo) -> ModelConfigInfo: ...

    def list_images(self, product_id: int, image_type: str | None = None) -> list[ImageInfo]: ...

    def add_image(
        self, product_id: int, image_type: str, file_name: str, file_path: str, *,
        defect_type_id: int | None = None, file_size: int | None = None, width: int | None = None,
        height: int | None = None, format: str | None = None, uploaded_by: int | None = None,
    ) -> ImageInfo: ...


class InspectionRecorder(Protocol):
    def record(self, record: InspectionRecord) -> RecordedInspection:
        """Image, metadata, inspection and result in one transaction (nothing half-way)."""
        ...


class DeploymentLog(Protocol):
    def start(
        self, deployment_type: str, product_id: int | None, config: dict[str, Any], user_id: int | None = None
    ) -> int: ...

    def finish(
        self, deployment_id: int, status: str, result_summary: dict[str, Any] | None = None,
        error_message: str | None = None,
    ) -> None: ...

    def history(self, product_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]: ...


class ObjectStore(Protocol):
    """Images, heatmaps and manuals by content-hash key (``file_path`` columns hold the key)."""

    def put_bytes(self, data: bytes, *, kind: str, suffix: str) -> str: ...

    def put_file(self, path: Path, *, kind: str) -> str: ...

    def get_bytes(self, key: str) -> bytes: ...

    def local_path(self, key: str) -> Path | None:
        """A readable local file for ``key`` when the store has one (local folder), else None."""
        ...


# Station GUI ---------------------------------------------------------------------
class CameraFeed(Protocol):
    """A running capture (``station.adapters.camera.worker.CaptureWorker``): newest frame and state."""

    spec: CameraSpec

    def start(self) -> None: ...

    def stop(self, timeout: float = 3.0) -> None: ...

    def latest(self) -> Frame | None: ...

    def status(self) -> CameraStatus: ...


class CameraSettingsStore(Protocol):
    def load(self) -> CameraSpec: ...

    def save(self, spec: CameraSpec) -> None: ...


class AuditTrail(Protocol):
    """Application-written ``audit_logs`` rows (who, when, old, new)."""

    def record(self, table_name: str, operation: str, user_id: int | None,
               old_data: dict[str, Any] | None, new_data: dict[str, Any] | None) -> int: ...

    def recent(self, table_name: str | None = None, limit: int = 50) -> list[AuditEntry]: ...


class ReportReader(Protocol):
    """Read-only supervisor queries over ``dashboard_stats``, ``recent_inspections`` and history."""

    def dashboard(self) -> list[DashboardStats]: ...

    def recent(self, product_code: str | None = None) -> list[InspectionRow]: ...

    def history(self, flt: HistoryFilter) -> list[InspectionRow]: ...

    def daily_counts(self, product_id: int, start: date, end: date) -> list[DailyCount]: ...

    def defect_type_counts(self, product_id: int, start: datetime | None = None) -> dict[str, int]: ...


class FleetReader(Protocol):
    """The view across stations at the centre (per station and product), from its aggregates."""

    def fleet(self, since: date, station_id: str | None = None,
              product_code: str | None = None) -> list[FleetRow]: ...


class AdminRepository(Protocol):
    """Admin edits; each returns (old values or None, new values) for the audit trail."""

    def set_user_roles(self, username: str, roles: tuple[Role, ...], by_user: int | None) -> tuple[Any, Any]: ...

    def set_user_active(self, username: str, active: bool, by_user: int | None) -> tuple[Any, Any]: ...

    def active_admins_except(self, username: str) -> int: ...

    def save_product(self, code: str, name: str, description: str | None, category: str | None,
                     by_user: int | None) -> tuple[Any, Any]: ...

    def set_product_active(self, code: str, active: bool, by_user: int | None) -> tuple[Any, Any]: ...

    def save_defect_type(self, product_id: int, spec: DefectTypeSpec, by_user: int | None) -> tuple[Any, Any]: ...

    def set_defect_type_active(self, product_id: int, code: str, active: bool,
                               by_user: int | None) -> tuple[Any, Any]: ...


# Manuals and guidance ------------------------------------------------------------------------
class ManualParser(Protocol):
    def parse(self, data: bytes, file_name: str, defects: Sequence[DefectName]) -> ParsedManual:
        """Sections per defect type; raises a StationError for unreadable/encrypted/empty files."""
        ...


class TextEmbedder(Protocol):
    name: str  # stored with each vector: vectors of another embedder are not compared

    def embed(self, texts: Sequence[str]) -> Any:
        """A (len(texts), dim) float32 array of unit-length rows."""
        ...


class ManualRepository(Protocol):
    def find_by_file(self, product_id: int, file_path: str) -> ManualInfo | None:
        """The active manual of the product stored under that object key, if any."""
        ...

    def add_manual(self, manual: NewManual) -> ManualInfo:
        """Manual and its sections in one transaction; older active manuals with the same file name
        are deactivated; ``vector_indexed``/``indexed_at`` set when every section has an embedding."""
        ...

    def list_manuals(self, product_id: int | None = None, *, active_only: bool = True) -> list[ManualInfo]: ...

    def active_sections(self, product_id: int) -> list[StoredSection]: ...

    def set_section_embeddings(self, embeddings: dict[int, bytes]) -> None: ...

    def save_guide(self, result_id: int, content: str, quality_score: float | None, *,
                   manual_id: int | None = None, guide_model: str | None = None) -> None:
        """``inspection_results.guide_content``/``guide_generated``/``guide_quality_score``."""
        ...

    def get_guide(self, result_id: int) -> tuple[str | None, bool, float | None]: ...


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


class GuideGenerator(Protocol):
    """A local LLM that writes guides (llama.cpp)."""

    model_name: str
    languages: tuple[str, ...]

    def generate(self, prompt: PromptParts, on_token: Callable[[str], None] | None = None,
                 cancel: CancelToken | None = None, max_tokens: int = 512) -> Generation: ...

    def warm(self, prompt: PromptParts) -> None:
        """Evaluate and cache the system (and stable) part of the prompt ahead of time."""
        ...


# Sync and object storage -----------------------------------------------------------------
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


# Inspection engine (implemented in station.adapters.ml) ---------------------------------------------
class PatchModel(Protocol):
    """One loaded PatchCore backbone. Images are uint8 BGR arrays of ``input_size`` x ``input_size``."""

    name: str
    degraded: bool
    degraded_reason: str | None
    input_size: int
    embedding_dim: int

    @property
    def device_name(self) -> str: ...

    def embed(self, images: Sequence[np.ndarray]) -> PatchFeatures: ...

    def prepare_bank(self, bank: np.ndarray, image_score: str = "reweighted") -> Any:
        """An opaque handle of the bank placed on the model's device (reused for every inspection);
        ``image_score`` (:data:`station.pipeline.bank.IMAGE_SCORES`) says how its image score is taken."""
        ...

    def score(self, images: Sequence[np.ndarray], handle: Any) -> list[RawScore]: ...


class ImageEmbedder(Protocol):
    """A retrieval embedder (open_clip); ``method`` names it, e.g. ``"open_clip:ViT-B-32"``."""

    method: str

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """(B, E) L2-normalised embeddings of uint8 grey/BGR images of any size."""
        ...


class ModelProvider(Protocol):
    def default_backbone(self) -> str:
        """The best backbone whose weights are installed (``filterbank``, degraded, when none is)."""
        ...

    def backbones(self) -> list[dict[str, Any]]: ...

    def is_degraded(self, backbone: str) -> bool: ...

    def runtime(self, backbone: str, input_size: int) -> PatchModel: ...

    def release_runtimes(self, keep: set[tuple[str, int]]) -> int:
        """Forgets the cached runtimes other than ``keep`` ((backbone, input size) pairs) so that their memory
        can go once nobody uses them; returns how many were forgotten."""
        ...

    def clip_embedder(self) -> ImageEmbedder | None: ...


class ModelFiles(Protocol):
    """Per-product model files (memory bank, retrieval index) as arrays plus a JSON description."""

    def save(self, product_code: str, name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> tuple[str, str]:
        """Replaces the files atomically; returns (path, sha256)."""
        ...

    def publish(self, product_code: str,
                items: dict[str, tuple[dict[str, np.ndarray], dict[str, Any]]]) -> dict[str, tuple[str, str]]:
        """Replaces several files (bank and index) as one set, atomically; returns name -> (path, sha256)."""
        ...

    def load(self, product_code: str, name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The files, checked against their recorded sha256; None when there are none."""
        ...

    def load_set(self, product_code: str,
                 names: Iterable[str]) -> dict[str, tuple[dict[str, np.ndarray], dict[str, Any]] | None]:
        """Several files of the same published set (never a new bank with an old index)."""
        ...

    def meta(self, product_code: str, name: str) -> dict[str, Any] | None:
        """Only the JSON description (cheap; not verified), None when there are no files."""
        ...

    def stamp(self, product_code: str, name: str) -> float | None:
        """Changes whenever the files are replaced (for caches)."""
        ...

    def update_meta(self, product_code: str, name: str, changes: dict[str, Any]) -> None: ...


class InspectionNotes(Protocol):
    """The serial number read from the frame, stored with the inspection's test image."""

    def serial_of(self, test_image_id: int) -> str | None: ...


class ReviewThresholdStore(Protocol):
    """The calibrated default review (UNCERTAIN) threshold of a product's memory bank: what applies while
    none is configured in ``model_configs`` (read-only: the configured value lives in model_configs)."""

    def get(self, product_code: str) -> float | None:
        """None when the product has no bank yet."""
        ...
