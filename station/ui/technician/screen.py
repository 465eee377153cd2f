"""The technician screen: camera, preprocessing and ROI, thresholds and calibration, threshold proposals
from the line's history, model builds, and the change log of settings (who by name, what changed in
words). Leaving the thresholds tab with unsaved values asks first (Save / Discard / Cancel).

The screen acts on a target: the bench's product and, for a product with views, the view chosen above the
tabs (builds, thresholds and calibration, preprocessing and ROI, the view's camera). A technician adds a view
here too. When the line changes the bench's product while thresholds or preprocessing hold unsaved edits,
the screen keeps them on their product and says so in a banner (save them there, or discard them); it
follows the line once they are saved or discarded."""

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
from station.ui.technician.kept_edits import KeptEditsBanner
from station.ui.technician.preprocessing import PreprocessingView, preprocessing_validator
from station.ui.technician.target import AddViewDialog, Target, ViewBar, read_views, target_name
from station.ui.technician.thresholds import ThresholdsView
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import image_label_name, override_name, role_name, verdict_name
from station.ui.widgets.tables import DataTable


class AuditView(QWidget):
    """The change log: when, who (name and role), what, for which product, and the change in words.

    Only the latest reading is shown (an older one that finishes later is dropped), and a threshold change
    made anywhere on the station reloads it while it is on screen."""

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
        env.changes.thresholds_changed.connect(self._thresholds_changed)

    def refresh(self) -> None:
        settings, users = self.env.services.station_settings, self.env.services.users
        self.env.runner.submit(lambda _ctx: describe_all(settings.audit_history(100), users.list_users()),
                               name="audit", owner=self, latest=True, on_done=self._show,
                               on_error=self.message.show_error)

    def _thresholds_changed(self, _product_id: int) -> None:
        if self.isVisible():
            self.refresh()

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
        elif entry.source == "calibration" and entry.basis is not None:
            text = self.tr("{0} (calibration on {1} good and {2} defective images)").format(text, *entry.basis)
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
        self.target: Target | None = None
        self.pinned = False  # the target keeps unsaved edits of a product the line moved the bench away from
        self.add_dialog: AddViewDialog | None = None
        self._select_after_load: str | None = None
        layout = QVBoxLayout(self)
        self.kept = KeptEditsBanner()
        layout.addWidget(self.kept)
        self.view_bar = ViewBar()
        layout.addWidget(self.view_bar)
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
        from station.ui.technician.learning import LearningView  # noqa: PLC0415 - the learning tab

        self.learning = LearningView(env)
        self.tabs.addTab(self.learning, self.tr("Learning from false alarms"))
        self.tabs.addTab(self.audit, self.tr("Change log"))
        layout.addWidget(self.tabs)
        self.tab_index = self.tabs.currentIndex()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.builds.built.connect(lambda _pid: self.thresholds.refresh())
        self.history.applied.connect(lambda _pid: self.thresholds.refresh())
        self.view_bar.chosen.connect(self.choose_view)
        self.view_bar.add_requested.connect(self.ask_add_view)
        self.kept.save_requested.connect(self.save_kept)
        self.kept.discard_requested.connect(self.discard_kept)
        self.thresholds.saved_to.connect(self._kept_saved)
        self.preprocessing.saved_to.connect(self._kept_saved)
        self.camera.view_camera_saved.connect(lambda target: self._load_views(target.product))
        self.refresh()

    def refresh(self) -> None:
        product = self.env.session.product
        views: tuple[Any, ...] = (self.camera, self.preprocessing, self.thresholds, self.history, self.builds,
                                  self.audit)
        if self.target is None and product is not None:
            self._follow(product)  # the first target: the bench's product, its own configuration (read there)
            views = (self.camera, self.audit)
        elif self.target is not None:
            self._load_views(self.target.product)
        for view in views:
            view.refresh()

    # The target: product and view ----------------------------------------------------------------
    def _share(self, target: Target, reload: bool = True) -> None:
        """Every tab acts on ``target``; ``reload``: they read its settings again (another product or view)."""
        views_changed = self.target is None or self.target.views != target.views
        self.target = target
        self.view_bar.show_target(target)
        self.view_bar.setEnabled(not self.pinned)
        self.camera.set_target(target)
        for view in (self.thresholds, self.preprocessing, self.builds):
            if reload:
                view.set_target(target)
            else:
                view.target = target
        if reload or views_changed:
            self.history.set_target(target)
        else:
            self.history.target = target

    def _follow(self, product: ProductInfo, view: str | None = None) -> None:
        """Acts on ``product`` (its ``view``) and no longer keeps edits of another product."""
        self.pinned = False
        self.kept.setVisible(False)
        cameras = self.target.cameras if self.target is not None and self.target.product.code == product.code else {}
        self._share(Target(product, view if view in cameras else None, cameras))
        self._load_views(product)

    def _load_views(self, product: ProductInfo) -> None:
        code, env = product.code, self.env
        self.env.runner.submit(lambda _ctx: read_views(env, code), name="technician-views", owner=self,
                               on_done=lambda cameras: self._views_loaded(code, cameras))

    def _views_loaded(self, code: str, cameras: dict[str, str | None]) -> None:
        target = self.target
        if target is None or target.product.code != code:
            return
        view = target.view if target.view in cameras else None
        self._share(Target(target.product, view, cameras), reload=view != target.view)
        chosen, self._select_after_load = self._select_after_load, None
        if chosen is not None and chosen in cameras:
            self.choose_view(chosen)

    def choose_view(self, view: str | None) -> None:
        """The technician chose ``view`` (None: the product's own configuration): unsaved edits ask first."""
        target = self.target
        if target is None or view == target.view:
            return
        if self.pinned or not self.confirm_leave():
            self.view_bar.set_view(target.view)  # Cancel: the view with the unsaved edits stays
            return
        self._share(Target(target.product, view, target.cameras))

    def ask_add_view(self) -> AddViewDialog | None:
        if self.target is None:
            return None
        self.add_dialog = AddViewDialog(self.env, self.target.product, self.target.views, preprocessing_validator(),
                                        self)
        product = self.target.product

        def added(code: str) -> None:
            self._select_after_load = code
            self._load_views(product)

        self.add_dialog.added.connect(added)
        self.add_dialog.open()
        return self.add_dialog

    # Unsaved edits and the line ------------------------------------------------------------------
    def holds_edits(self) -> bool:
        return self.thresholds.holds_edits() or self.preprocessing.holds_edits()

    def edits_in_words(self) -> list[str]:
        edits = []
        if self.thresholds.has_unsaved():
            edits.append(self.tr("thresholds {0}").format(self.thresholds.edits_text()))
        if self.preprocessing.has_unsaved():
            edits.append(self.tr("preprocessing: {0}").format(self.preprocessing.edits_text()))
        return edits

    def save_kept(self) -> None:
        """Saves the kept edits to the product (and view) they were made for; the screen then follows."""
        if self.thresholds.has_unsaved():
            self.thresholds.save(self.thresholds.saved_target)
        if self.preprocessing.has_unsaved():
            self.preprocessing.apply(self.preprocessing.config_target)

    def discard_kept(self) -> None:
        self.thresholds.discard_edits()
        self.preprocessing.discard_edits()
        self._follow_line()

    def _kept_saved(self, _target: Target) -> None:
        if self.pinned and not self.thresholds.has_unsaved() and not self.preprocessing.has_unsaved():
            self._follow_line()

    def _follow_line(self) -> None:
        product = self.env.session.product
        if product is not None:
            self._follow(product)

    def _tab_changed(self, index: int) -> None:
        previous, self.tab_index = self.tab_index, index
        if self.tabs.widget(previous) is self.thresholds and index != previous and not self.thresholds.confirm_leave():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(previous)  # Cancel: stay on the thresholds with the edits
            self.tabs.blockSignals(False)
            self.tab_index = previous
            return
        self.view_bar.setVisible(self.tabs.widget(index) is not self.audit)
        self.audit.refresh()

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """Asked by the main window before a product switch or closing (and here before a view switch):
        unsaved thresholds, then unsaved preprocessing, ask first."""
        if not self.thresholds.confirm_leave(then if not self.preprocessing.has_unsaved() else None):
            return False
        return self.preprocessing.confirm_leave(then)

    def product_changed(self, product: ProductInfo) -> None:
        """The bench's product changed. A person's switch has asked about unsaved edits already; the line's
        does not ask: edits still unsaved stay on their product, and the banner says so."""
        target = self.target
        if target is not None and target.product.code == product.code:
            if self.pinned:  # the line came back to the product of the kept edits
                self.pinned = False
                self.kept.setVisible(False)
                self.view_bar.setEnabled(True)
            self._load_views(product)
            for view in (self.preprocessing, self.thresholds, self.history, self.builds):
                view.refresh()  # edits of this product stay over a refresh
            return
        if target is not None and self.holds_edits():
            self.pinned = True
            self.view_bar.setEnabled(False)
            self.kept.show_kept(product.code, target_name(target), self.edits_in_words())
            return
        self._follow(product)
