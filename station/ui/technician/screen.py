"""The technician screen: camera, preprocessing and ROI, thresholds and calibration, threshold proposals
from the line's history, model builds, and the change log of settings (who by name, what changed in
words). Leaving the thresholds tab with unsaved values asks first (Save / Discard / Cancel)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from station.domain.catalog import ProductInfo
from station.services.engine import ChangeLogEntry, FieldChange, describe_all
from station.ui.env import ScreenEnv
from station.ui.technician.builds import BuildsView
from station.ui.technician.camera_settings import CameraSettingsView
from station.ui.technician.history_proposals import HistoryProposalsView
from station.ui.technician.preprocessing import PreprocessingView
from station.ui.technician.thresholds import ThresholdsView
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import image_label_name, override_name, role_name, verdict_name
from station.ui.widgets.tables import DataTable


class AuditView(QWidget):
    """The change log: when, who (name and role), what, for which product, and the change in words."""

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.entries: list[ChangeLogEntry] = []
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.table = DataTable([self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Product"),
                                self.tr("Change")])
        self.table.setObjectName("AuditTable")
        layout.addWidget(self.table)

    def refresh(self) -> None:
        settings, users = self.env.services.station_settings, self.env.services.users
        self.env.runner.submit(lambda _ctx: describe_all(settings.audit_history(100), users.list_users()),
                               name="audit", on_done=self._show, on_error=self.message.show_error)

    def _show(self, entries: list[ChangeLogEntry]) -> None:
        self.entries = entries
        self.table.set_rows([[str(e.logged_at or "")[:19], self.who(e), self.what(e), e.product_code or "",
                              self.change_text(e)] for e in entries], [e.log_id for e in entries])

    def who(self, entry: ChangeLogEntry) -> str:
        if entry.user_name is None:
            return self.tr("the station") if entry.user_id is None else self.tr("a removed account")
        roles = ", ".join(role_name(r) for r in entry.user_roles)
        return f"{entry.user_name} ({roles})" if roles else entry.user_name

    def what(self, entry: ChangeLogEntry) -> str:
        tables = {
            "model_configs": self.tr("Thresholds and model settings"), "station_camera": self.tr("Camera"),
            "station_line": self.tr("Line connection"), "users": self.tr("User accounts"),
            "user_roles": self.tr("User roles"), "products": self.tr("Products"),
            "defect_types": self.tr("Defect types"), "verdict_overrides": self.tr("Verdict overrides"),
        }
        what = tables.get(entry.table_name, entry.table_name)
        operations = {"INSERT": self.tr("created"), "DELETE": self.tr("removed")}
        if entry.operation in operations:
            what = self.tr("{0}: {1}").format(what, operations[entry.operation])
        return what

    def change_text(self, entry: ChangeLogEntry) -> str:
        """``FAIL 0.62 → 0.58, UNCERTAIN 0.50 → 0.47`` (nested settings field by field); the new values of a
        created row stand alone."""
        parts = [self._field_text(c, entry.operation == "INSERT") for c in entry.changes]
        text = ", ".join(p for p in parts if p) or self.tr("no value changed")
        if entry.source == "history":
            text = self.tr("{0} (proposal from history: {1})").format(text, entry.proposal or "")
        return text

    def _field_text(self, change: FieldChange, created: bool = False) -> str:
        label = self.field_name(change.field)
        if created and change.old is None:  # a value of a created row: no "before"
            return f"{label} {self.value_text(change.field, change.new)}"
        if isinstance(change.old, dict) or isinstance(change.new, dict):
            old = change.old if isinstance(change.old, dict) else {}
            new = change.new if isinstance(change.new, dict) else {}
            keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            inner = ", ".join(self._field_text(FieldChange(k, old.get(k), new.get(k))) for k in keys)
            return f"{label}: {inner}" if inner else ""
        return f"{label} {self.value_text(change.field, change.old)} → {self.value_text(change.field, change.new)}"

    def field_name(self, field: str) -> str:
        names: dict[str, Callable[[], str]] = {
            "image_threshold": lambda: verdict_name("FAIL"), "review_threshold": lambda: verdict_name("UNCERTAIN"),
            "pixel_threshold": lambda: self.tr("defect pixels"), "preprocessing": lambda: self.tr("preprocessing"),
            "resize": lambda: self.tr("input size"), "grayscale": lambda: self.tr("greyscale"),
            "roi": lambda: self.tr("ROI"), "ignore": lambda: self.tr("ignore areas"),
            "source": lambda: self.tr("source"), "fps": lambda: self.tr("frame rate"),
            "width": lambda: self.tr("width"), "height": lambda: self.tr("height"),
            "exposure": lambda: self.tr("exposure"), "roles": lambda: self.tr("roles"),
            "is_active": lambda: self.tr("active"), "full_name": lambda: self.tr("name"),
            "email": lambda: self.tr("e-mail"), "username": lambda: self.tr("user name"),
            "password": lambda: self.tr("password"), "verdict": lambda: self.tr("verdict"),
            "override": lambda: self.tr("override"), "label": lambda: self.tr("label"),
            "inspection_code": lambda: self.tr("inspection"), "defect_code": lambda: self.tr("defect type"),
            "by": lambda: self.tr("by"),
        }
        name = names.get(field)
        return name() if name is not None else field.replace("_", " ")

    def value_text(self, field: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return self.tr("on") if value else self.tr("off")
        if isinstance(value, float) and field.endswith("_threshold"):  # scores: 0.62, 0.585
            text = f"{value:.3f}"
            return text[:-1] if text.endswith("0") else text
        if isinstance(value, float):
            return f"{value:.3f}".rstrip("0").rstrip(".")
        coded = {"verdict": verdict_name, "override": override_name, "label": image_label_name}
        if field in coded:
            return coded[field](str(value))
        if field == "roles" and isinstance(value, (list, tuple)):
            return ", ".join(role_name(str(r)) for r in value) or "—"
        if isinstance(value, (list, tuple, dict)):
            return json.dumps(value, ensure_ascii=False, default=str)[:60]
        return str(value)


class TechnicianScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("TechnicianScreen")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.camera = CameraSettingsView(env)
        self.preprocessing = PreprocessingView(env)
        self.thresholds = ThresholdsView(env)
        self.builds = BuildsView(env)
        self.history = HistoryProposalsView(env)
        self.audit = AuditView(env)
        self.tabs.addTab(self.camera, self.tr("Camera"))
        self.tabs.addTab(self.preprocessing, self.tr("Preprocessing and ROI"))
        self.tabs.addTab(self.thresholds, self.tr("Thresholds and calibration"))
        self.tabs.addTab(self.history, self.tr("Thresholds from history"))
        self.tabs.addTab(self.builds, self.tr("Model builds"))
        self.tabs.addTab(self.audit, self.tr("Change log"))
        layout.addWidget(self.tabs)
        self.tab_index = self.tabs.currentIndex()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.builds.built.connect(lambda _pid: self.thresholds.refresh())
        self.history.applied.connect(lambda _pid: self.thresholds.refresh())
        self.refresh()

    def refresh(self) -> None:
        for view in (self.camera, self.preprocessing, self.thresholds, self.history, self.builds, self.audit):
            view.refresh()

    def _tab_changed(self, index: int) -> None:
        previous, self.tab_index = self.tab_index, index
        if self.tabs.widget(previous) is self.thresholds and index != previous and not self.thresholds.confirm_leave():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(previous)  # Cancel: stay on the thresholds with the edits
            self.tabs.blockSignals(False)
            self.tab_index = previous
            return
        self.audit.refresh()

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """Asked by the main window before a product switch or closing: unsaved thresholds ask first."""
        return self.thresholds.confirm_leave(then)

    def product_changed(self, product: ProductInfo) -> None:
        for view in (self.preprocessing, self.thresholds, self.history, self.builds):
            view.refresh()
