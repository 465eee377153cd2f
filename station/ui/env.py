"""What every screen receives: services, the signed-in session, the job runner, the camera and the
station's changes on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from station.ui.camera_bridge import CameraBridge
from station.ui.change_bridge import ChangeBridge
from station.ui.jobs import JobRunner
from station.ui.permissions import Capability
from station.ui.services import GuiServices, Session


@dataclass
class ScreenEnv:
    services: GuiServices
    session: Session
    runner: JobRunner
    camera: CameraBridge
    changes: ChangeBridge  # the window's bridge of ``services.changes``: fire and hear changes here
    line: Any = None  # station.ui.bench.line_controller.LineController: the bench's line links
    view_cameras: Any = None  # station.ui.bench.views.ViewCameras: the cameras of the bench product's views

    def can(self, capability: Capability) -> bool:
        return self.session.can(capability)

    @property
    def user_id(self) -> int:
        return self.session.user.user_id
