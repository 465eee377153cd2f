"""What every screen receives: services, the signed-in session, the job runner and the camera."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from station.ui.camera_bridge import CameraBridge
from station.ui.jobs import JobRunner
from station.ui.permissions import Capability
from station.ui.services import GuiServices, Session


class EventHub(QObject):
    """Cross-screen notifications on the GUI thread."""

    thresholds_changed = Signal(int)      # product_id
    inspection_recorded = Signal(int)     # inspection_id
    catalog_changed = Signal()
    model_status = Signal(str)            # what the status bar shows as "Model: …"
    records_changed = Signal(object)      # RecordsChanged: an inspection, action or synced rows (any thread)


@dataclass
class ScreenEnv:
    services: GuiServices
    session: Session
    runner: JobRunner
    camera: CameraBridge
    events: EventHub = field(default_factory=EventHub)
    line: Any = None  # station.ui.bench.line_controller.LineController: the bench's line links

    def can(self, capability: Capability) -> bool:
        return self.session.can(capability)

    @property
    def user_id(self) -> int:
        return self.session.user.user_id
