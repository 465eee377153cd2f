"""What the GUI gets from the application assembly (``station.app.gui``): services and factories.

Services of the engine, guidance and sync issues are optional: a screen whose service is missing shows
a clear message instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from station.config import Settings
from station.domain.camera import CameraSpec
from station.domain.catalog import ProductInfo
from station.domain.users import UserInfo
from station.services.admin import AdminService
from station.services.ports import CameraFeed, CatalogReader, DeploymentLog, ObjectStore
from station.services.reports import ReportService
from station.services.station_settings import StationSettingsService
from station.services.users import UserService
from station.ui.permissions import Capability, capabilities


@dataclass
class GuiServices:
    settings: Settings
    users: UserService
    catalog: CatalogReader
    deployments: DeploymentLog
    storage: ObjectStore
    station_settings: StationSettingsService
    reports: ReportService
    admin: AdminService
    camera_factory: Callable[[CameraSpec], CameraFeed]
    read_serial: Callable[[Any], str | None]
    probe_image: Callable[[Any], tuple[int, int, str] | None]
    save_preferences: Callable[[str, str], None]
    inspection: Any | None = None   # issue 3: station.services.inspection.InspectionService
    builder: Any | None = None      # issue 3: station.services.model_build.ModelBuildService
    calibration: Any | None = None  # issue 3: station.services.calibration.CalibrationService
    notes: Any | None = None        # serial numbers stored with inspections (InspectionNotes port)
    guidance: Any | None = None     # issue 4: station.services.guidance
    manuals: Any | None = None      # issue 4: station.services.manuals (ingestion)
    actions: Any | None = None      # issue 6: station.services.actions
    sync: Any | None = None         # issue 6: station.services.sync
    extras: dict[str, Any] = field(default_factory=dict)


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
