"""What the GUI gets from the application assembly (``station.app.gui``): typed service protocols.

Widgets see use cases only, never repositories or adapter functions: the assembly builds every one of
these (a station without a local LLM or centre still has the services; they say so themselves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from station.config import Settings
from station.domain.bench import BenchEvent, BenchRequest, Failed, GuideDone, GuideUpdate, Inspected
from station.domain.camera import CameraSpec
from station.domain.catalog import ProductInfo
from station.domain.engine import CancelToken, InspectionOutcome, ProgressCallback
from station.domain.guidance import Language, ManualExcerpt
from station.domain.health_alerts import HealthAlertEntry
from station.domain.model_update import FalseAlarm, RollbackResult, UpdateResult
from station.domain.overrides import OverrideEntry
from station.domain.recurrence import RecurrenceAlertInfo
from station.domain.reports import HistoryFilter, InspectionRow
from station.domain.review import InspectionReview, ReviewImages
from station.domain.sync import SyncStatus
from station.domain.users import UserInfo
from station.services.admin import AdminService, UserService
from station.services.shared.changes import Change, Listener
from station.services.line import LineSettingsService
from station.services.shared.ports import CameraFeed
from station.services.records import ReportService
from station.services.engine import StationSettingsService, ThresholdProposal
from station.ui.permissions import Capability, capabilities


class BenchService(Protocol):
    """``station.services.bench.workflow.BenchWorkflow``: iterate its events on a worker thread."""

    @property
    def has_guidance(self) -> bool: ...

    def warm_up(self, product_code: str) -> str: ...

    def run(self, request: BenchRequest, cancel: CancelToken | None = None) -> Iterator[BenchEvent]: ...

    def write_guide(self, request_id: int, outcome: InspectionOutcome, language: Language,
                    excerpts: Sequence[ManualExcerpt] | None,
                    cancel: CancelToken | None = None) -> Iterator[GuideUpdate | GuideDone | Failed]: ...

    def reevaluate(self, request_id: int, shown: Inspected) -> Inspected: ...


class InspectionPreview(Protocol):
    """Unrecorded inspections for the technician's threshold preview (``InspectionService``)."""

    def inspect(self, product_code: str, image: np.ndarray, *, record: bool = ...,
                source_name: str | None = ..., view: str | None = ...) -> InspectionOutcome: ...

    def reevaluate(self, outcome: InspectionOutcome, image_threshold: float | None = ...,
                   pixel_threshold: float | None = ..., review_threshold: float | None = ...) -> InspectionOutcome: ...

    def bank_info(self, product_code: str) -> dict | None: ...


class BankBuilder(Protocol):
    def build(self, product_code: str, options: Any = ..., *, user_id: int | None = ...,
              progress: ProgressCallback | None = ..., cancel: CancelToken | None = ...,
              view: str | None = ...) -> Any: ...


class Calibrator(Protocol):
    def calibrate(self, product_code: str, good: Sequence[Path], defect: Sequence[Path] = ..., *,
                  progress: ProgressCallback | None = ..., cancel: CancelToken | None = ...,
                  view: str | None = ...) -> Any: ...


class ProductCatalog(Protocol):
    def list_products(self) -> list[ProductInfo]: ...


class DeploymentHistory(Protocol):
    def history(self, product_id: int | None = ..., limit: int = ...) -> list[dict[str, Any]]: ...


class ImageLibrary(Protocol):
    def import_images(self, product_id: int, image_type: str, paths: Sequence[Path], *,
                      defect_type_id: int | None = ..., uploaded_by: int | None = ...,
                      progress: Callable[[float, str], None] | None = ...,
                      cancelled: Callable[[], bool] | None = ...) -> Any: ...


class ManualLibrary(Protocol):
    def ingest(self, product_code: str, paths: Sequence[Path], *, user_id: int | None = ...) -> list[Any]: ...

    def list_manuals(self, product_code: str | None = ...) -> list[Any]: ...


class ActionLog(Protocol):
    def log_action(self, inspection_id: int, action_taken: str, action_result: str | None, by_user: int | None,
                   notes: str | None = ...) -> Any: ...

    def add_feedback(self, inspection_id: int, user_id: int | None, rating: int, feedback_text: str | None = ...,
                     feedback_type: str | None = ...) -> Any: ...

    def pending_defects(self, product_id: int | None = ..., limit: int = ...) -> list[InspectionRow]: ...

    def history(self, flt: HistoryFilter) -> list[InspectionRow]: ...


class SyncControl(Protocol):
    def status(self) -> SyncStatus: ...

    def trigger(self) -> None: ...


class SerialNotes(Protocol):
    def serial_of(self, test_image_id: int) -> str | None: ...


class HistoryThresholds(Protocol):
    """``HistoryCalibration``: threshold proposals from the labelled outcomes on the line."""

    def labelled_counts(self, product_code: str) -> tuple[int, int]: ...

    def propose(self, product_code: str, target_far: float = ...) -> list[ThresholdProposal]: ...

    def apply(self, product_code: str, proposal: ThresholdProposal, user: UserInfo) -> int: ...


class RecurrenceAlerts(Protocol):
    """``RecurrenceWatch``: open alerts for the supervisor's queue, acknowledged by a supervisor."""

    def open_alerts(self, product_id: int | None = ...) -> list[RecurrenceAlertInfo]: ...

    def acknowledge(self, alert_id: int, user: UserInfo) -> RecurrenceAlertInfo: ...


class HealthAlerts(Protocol):
    """``HealthAlertService``: camera/process health alerts, open ones for the bench and the supervisor's queue,
    acknowledged by a supervisor or admin."""

    def open_alerts(self, product_code: str | None = ...) -> list[HealthAlertEntry]: ...

    def acknowledge(self, alert_id: int, user: UserInfo) -> HealthAlertEntry: ...


class VerdictOverrides(Protocol):
    """``OverrideService``: who says the station was wrong about a part (checks the role itself)."""

    def override(self, inspection_code: str, kind: str, user: UserInfo, *, defect_code: str | None = ...,
                 notes: str | None = ...) -> OverrideEntry: ...

    def history(self, inspection_code: str) -> list[OverrideEntry]: ...


class InspectionReviews(Protocol):
    """``InspectionReviewService``: one recorded inspection and its pictures (call from a worker thread)."""

    def review(self, inspection_id: int) -> InspectionReview: ...

    def images(self, review: InspectionReview) -> ReviewImages: ...


class Onboarding(Protocol):
    """``OnboardingService``: a new product from parts captured at the bench, built in one call."""

    def onboard(self, code: str, name: str, good: Sequence[np.ndarray],
                defects: dict[str, Sequence[np.ndarray]] | None = ..., *, by_user: int | None = ...,
                progress: ProgressCallback | None = ..., cancel: CancelToken | None = ...,
                quick: bool = ...) -> Any: ...

    def add_good(self, code: str, good: Sequence[np.ndarray], *, by_user: int | None = ...,
                 progress: ProgressCallback | None = ..., cancel: CancelToken | None = ...,
                 quick: bool = ...) -> Any: ...


class ModelLearning(Protocol):
    """``station.services.engine.ModelUpdateService``: false alarms learned into a model, and rollback."""

    def pending(self, product_code: str | None = ...) -> list[FalseAlarm]: ...

    def thumbnail(self, alarm: FalseAlarm, size: int = ...) -> np.ndarray | None: ...

    def rollback_target(self, product_code: str, view: str | None = ...) -> str | None: ...

    def update(self, override_ids: Sequence[int] | None, user: UserInfo, *, progress: ProgressCallback | None = ...,
               cancel: CancelToken | None = ..., product_code: str | None = ...) -> list[UpdateResult]: ...

    def rollback(self, product_code: str, user: UserInfo, *, view: str | None = ...) -> RollbackResult: ...


class ChangeBus(Protocol):
    """``ChangeNotifier``: the station's one change bus (records, thresholds, catalogue, model status);
    listeners run on the thread that fires."""

    def subscribe(self, listener: Listener) -> Callable[[], None]: ...

    def fire(self, change: Change) -> None: ...


@dataclass
class GuiServices:
    settings: Settings
    users: UserService
    catalog: ProductCatalog
    deployments: DeploymentHistory
    library: ImageLibrary
    station_settings: StationSettingsService
    reports: ReportService
    review: InspectionReviews
    admin: AdminService
    camera_factory: Callable[[CameraSpec], CameraFeed]
    save_preferences: Callable[[str, str], None]
    bench: BenchService
    preview: InspectionPreview
    builder: BankBuilder
    calibration: Calibrator
    manuals: ManualLibrary
    actions: ActionLog
    sync: SyncControl
    notes: SerialNotes
    changes: ChangeBus
    history_thresholds: HistoryThresholds
    recurrence: RecurrenceAlerts
    health_alerts: HealthAlerts
    overrides: VerdictOverrides
    onboarding: Onboarding
    line: LineSettingsService
    learning: ModelLearning | None = None  # None where models cannot be updated


@dataclass
class Session:
    """The signed-in person and the product on the bench."""

    user: UserInfo
    product: ProductInfo | None = None
    language: str = "en"
    theme: str = "light"

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities(self.user.roles)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities
