"""The station window: sign-in page, then a workspace with the screens the user's roles allow,
a product selector, language and theme switches, and the status bar. Keyboard: Ctrl+1…4 screens,
F5 refresh, Ctrl+L sign out, Ctrl+Q quit, F1 the list of shortcuts (the bench adds Space, H and Esc).

A product's model can be built in the background while the window is open (:meth:`MainWindow.build_in_background`,
the demo's first start): the status bar shows its progress, and the screens that inspect hear it through
their ``set_model_building`` (the bench holds Inspect back until the model is ready)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ProductInfo
from station.domain.users import UserInfo
from station.ui.shell import appearance
from station.ui.camera_bridge import CameraBridge
from station.ui.change_bridge import ChangeBridge
from station.ui.env import ScreenEnv
from station.ui.jobs import JobRunner
from station.ui.bench.line_controller import LineController, served_products
from station.ui.shell.login import LoginPage
from station.ui.shell.model_build import BackgroundBuild, ModelBuildJob
from station.ui.permissions import Screen, screens_for
from station.ui.services import GuiServices, Session
from station.ui.shell.status_bar import StationStatusBar
from station.ui.widgets.names import role_name


PREFERRED_SIZE = QSize(1440, 900)


def fitted_size(available: QSize | None) -> QSize:
    """The window's first size: the preferred one, shrunk to the screen's free area (a 1366×768 panel
    with a taskbar must show the whole window, sign-out button and status bar included)."""
    return PREFERRED_SIZE if available is None else PREFERRED_SIZE.boundedTo(available)


def _screen_class(screen: Screen):  # type: ignore[no-untyped-def]
    if screen is Screen.BENCH:
        from station.ui.bench.screen import BenchScreen
        return BenchScreen
    if screen is Screen.SUPERVISOR:
        from station.ui.supervisor.screen import SupervisorScreen
        return SupervisorScreen
    if screen is Screen.TECHNICIAN:
        from station.ui.technician.screen import TechnicianScreen
        return TechnicianScreen
    from station.ui.admin.screen import AdminScreen
    return AdminScreen


class MainWindow(QMainWindow):
    def __init__(self, services: GuiServices, runner: JobRunner | None = None) -> None:
        super().__init__()
        self.services = services
        self.runner = runner or JobRunner(self)
        self.camera = CameraBridge(services.camera_factory, self.runner, self)
        # the station's changes, fired on any thread, reach the screens as Qt signals on this thread
        self.changes = ChangeBridge(services.changes, self)
        self.changes.catalog_changed.connect(self.reload_products)
        self.session: Session | None = None
        self.language = services.settings.language
        self.theme = services.settings.theme
        self.screens: dict[Screen, QWidget] = {}
        self.products: list[ProductInfo] = []
        self.setWindowTitle(self.tr("Inspection Station"))
        self.setWindowIcon(appearance.icon("app"))
        self.resize(fitted_size(self.screen().availableGeometry().size() if self.screen() else None))
        self.root = QStackedWidget()
        self.setCentralWidget(self.root)
        self.status = StationStatusBar(services, self.runner, self)
        self.setStatusBar(self.status)
        self.camera.status_changed.connect(self.status.show_camera)
        self.changes.model_status.connect(self.status.show_model)
        self.line = LineController(services.line, self.camera, self, served=lambda: served_products(services),
                                   switch=self.switch_product_for_line)
        self.line.state_changed.connect(self.status.show_line)
        self.login = LoginPage(services, self.runner)
        self.login.signed_in.connect(self.start_session)
        self.root.addWidget(self.login)
        self.workspace: QWidget | None = None
        self.model_build: ModelBuildJob | None = None
        for key, slot in (("Ctrl+L", self.sign_out), ("Ctrl+Q", self.close), ("F5", self.refresh_current),
                          ("F1", self.show_shortcuts)):
            QShortcut(QKeySequence(key), self, activated=slot)
        for index in range(4):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self, activated=lambda i=index: self.show_screen_at(i))

    # Session ----------------------------------------------------------------------------
    def start_session(self, user: UserInfo) -> None:
        self.session = Session(user=user, language=self.language, theme=self.theme)
        self.runner.submit(lambda _ctx: self.services.catalog.list_products(), name="products",
                           on_done=self._products_loaded, on_error=lambda e: self._products_loaded([]))

    def _products_loaded(self, products: list[ProductInfo]) -> None:
        self.products = products
        if self.session is not None and self.session.product is None and products:
            self.session.product = products[0]
        self._build_workspace()

    def sign_out(self) -> None:
        if self.session is None or not self.may_leave(then=self.sign_out):
            return
        building = self.model_build.handle if self.model_build is not None and self.model_build.running else None
        for handle in self.runner.active:  # the session's jobs stop; a model being built goes on
            if handle is not building:
                handle.cancel()
        self.session = None
        self._drop_workspace()
        self.line.stop()
        self.status.show_user("", "", None)
        self.login.reset()
        self.root.setCurrentWidget(self.login)

    # A model built in the background ------------------------------------------------------
    def build_in_background(self, build: BackgroundBuild) -> ModelBuildJob:
        """Starts ``build`` on the job runner; its progress shows until it ends (closing the window cancels it)."""
        job = ModelBuildJob(self.runner, build, self)
        self.model_build = job
        job.progressed.connect(lambda _percent: self._show_build())
        job.finished.connect(self._build_finished)
        self._show_build()
        return job

    def _building_text(self) -> str | None:
        """What the screens of the session's product show while its model is built; None when it is not."""
        job = self.model_build
        product = self.session.product if self.session is not None else None
        if job is None or not job.running or product is None or product.code != job.product_code:
            return None
        return self.tr("Building the model… {0} %").format(job.percent)

    def _show_build(self) -> None:
        job = self.model_build
        if job is not None and job.running:
            self.status.show_build(job.product_code, job.percent)
        else:
            self.status.show_build(None)
        text = self._building_text()
        for screen in self.screens.values():
            if hasattr(screen, "set_model_building"):
                screen.set_model_building(text)

    def _build_finished(self, built: bool, message: str) -> None:
        job = self.model_build
        if not built and job is not None:
            self.status.showMessage(self.tr("The model of {0} was not built: {1}").format(job.product_code, message))
        self._show_build()

    # Workspace ----------------------------------------------------------------------------
    def _drop_workspace(self) -> None:
        for screen in self.screens.values():
            if hasattr(screen, "shutdown"):
                screen.shutdown()
        self.screens = {}
        if self.workspace is not None:
            self.root.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None

    def _build_workspace(self) -> None:
        assert self.session is not None
        current = self.current_screen()
        self._drop_workspace()
        env = ScreenEnv(self.services, self.session, self.runner, self.camera, self.changes, self.line)
        workspace = QWidget()
        workspace.setObjectName("Workspace")
        outer = QVBoxLayout(workspace)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._header())
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        titles = {Screen.BENCH: self.tr("Bench"), Screen.SUPERVISOR: self.tr("Supervisor"),
                  Screen.TECHNICIAN: self.tr("Technician"), Screen.ADMIN: self.tr("Admin")}
        for number, screen in enumerate(screens_for(self.session.user.roles), start=1):
            widget = _screen_class(screen)(env)
            self.screens[screen] = widget
            self.stack.addWidget(widget)
            item = QListWidgetItem(appearance.icon(screen.value), f"{titles[screen]}")
            item.setToolTip(f"Ctrl+{number}")
            item.setData(Qt.ItemDataRole.UserRole, screen.value)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.workspace = workspace
        self.root.addWidget(workspace)
        self.root.setCurrentWidget(workspace)
        keep = list(self.screens).index(current) if current in self.screens else 0
        self.nav.setCurrentRow(keep)
        self._update_status_user()
        self._show_build()

    def _header(self) -> QWidget:
        assert self.session is not None
        header = QWidget()
        header.setObjectName("Header")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        title = QLabel(self.tr("Inspection Station"))
        title.setObjectName("HeaderTitle")
        row.addWidget(title)
        row.addSpacing(24)
        row.addWidget(QLabel(self.tr("Product")))
        self.product_combo = QComboBox()
        self.product_combo.setObjectName("ProductSelector")
        self.product_combo.setMinimumWidth(240)
        for product in self.products:
            self.product_combo.addItem(f"{product.name}  ({product.code})", product.code)
        if not self.products:
            self.product_combo.addItem(self.tr("no products yet"), None)
        if self.session.product is not None:
            self.product_combo.setCurrentIndex(max(0, self.product_combo.findData(self.session.product.code)))
        self.product_combo.currentIndexChanged.connect(self._product_selected)
        row.addWidget(self.product_combo)
        row.addStretch(1)
        user = self.session.user
        who = QLabel(f"{user.full_name or user.username} · {', '.join(role_name(r.value) for r in user.roles)}")
        who.setObjectName("HeaderUser")
        row.addWidget(who)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("LanguageSelector")
        for code, name in appearance.LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(self.language))
        self.language_combo.currentIndexChanged.connect(
            lambda _i: self.set_language(self.language_combo.currentData()))
        row.addWidget(self.language_combo)
        self.theme_button = QPushButton(self.tr("Dark") if self.theme == "light" else self.tr("Light"))
        self.theme_button.setObjectName("ThemeButton")
        self.theme_button.clicked.connect(lambda: self.set_theme("dark" if self.theme == "light" else "light"))
        row.addWidget(self.theme_button)
        sign_out = QPushButton(self.tr("Sign out"))
        sign_out.setToolTip("Ctrl+L")
        sign_out.clicked.connect(self.sign_out)
        row.addWidget(sign_out)
        return header

    def _product_selected(self, index: int) -> None:
        code = self.product_combo.itemData(index)
        product = next((p for p in self.products if p.code == code), None)
        if self.session is None or product is None:
            return
        current = self.session.product
        if current is not None and current.code != product.code and not self.may_leave():
            self.product_combo.blockSignals(True)  # Cancel: the product with the unsaved edits stays
            self.product_combo.setCurrentIndex(max(0, self.product_combo.findData(current.code)))
            self.product_combo.blockSignals(False)
            return
        self._apply_product(product)

    def _apply_product(self, product: ProductInfo) -> None:
        """The session's product becomes ``product``: every screen, the line link and the status bar follow."""
        assert self.session is not None
        self.session.product = product
        for screen in self.screens.values():
            if hasattr(screen, "product_changed"):
                screen.product_changed(product)
        self._update_status_user()
        self._show_build()

    def switch_product_for_line(self, code: str) -> str | None:
        """The line changed the product (a changeover, or a part of another product): the selector shows it
        and the screens switch as when the worker chooses it, without asking (the line does not wait; this
        is not a user's action). None once switched, else one line on why not."""
        if self.session is None or self.workspace is None:
            return "no one is signed in at the station"
        product = next((p for p in self.products if p.code == code), None)
        if product is None:
            return f"product {code!r} is not in the station's product list"
        if self.session.product is not None and self.session.product.code == code:
            return None
        self.product_combo.blockSignals(True)
        self.product_combo.setCurrentIndex(max(0, self.product_combo.findData(code)))
        self.product_combo.blockSignals(False)
        self._apply_product(product)
        return None

    def _update_status_user(self) -> None:
        if self.session is None:
            return
        product = self.session.product
        self.status.show_user(self.session.user.username, ", ".join(role_name(r.value) for r in self.session.user.roles),
                              product.code if product else None)

    def reload_products(self) -> None:
        """Re-reads the product list after admin edits: selector and screens follow, the workspace stays."""
        if self.session is None:
            return
        self.runner.submit(lambda _ctx: self.services.catalog.list_products(), name="products",
                           on_done=self._products_reloaded)

    def _products_reloaded(self, products: list[ProductInfo]) -> None:
        if self.session is None or self.workspace is None:
            return
        self.products = products
        current = self.session.product.code if self.session.product else None
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        for product in products:
            self.product_combo.addItem(f"{product.name}  ({product.code})", product.code)
        if not products:
            self.product_combo.addItem(self.tr("no products yet"), None)
        index = self.product_combo.findData(current)
        self.product_combo.setCurrentIndex(max(0, index))
        self.product_combo.blockSignals(False)
        self._product_selected(self.product_combo.currentIndex())

    # Navigation, language, theme --------------------------------------------------------
    def current_screen(self) -> Screen | None:
        if not self.screens or self.workspace is None:
            return None
        return list(self.screens)[self.stack.currentIndex()]

    def show_screen(self, screen: Screen) -> bool:
        if screen not in self.screens:
            return False
        self.nav.setCurrentRow(list(self.screens).index(screen))
        return True

    def show_screen_at(self, index: int) -> None:
        if self.workspace is not None and 0 <= index < self.nav.count():
            self.nav.setCurrentRow(index)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", self.tr("inspect the part in view (bench)")), ("H", self.tr("heatmap on/off (bench)")),
                ("Esc", self.tr("stop the guide (bench)")), ("1 … 5", self.tr("rate the result and guide (bench, once a result is shown)")),
                ("Ctrl+1 … Ctrl+4", self.tr("switch screens")), ("F5", self.tr("refresh the screen")),
                ("Ctrl+L", self.tr("sign out")), ("Ctrl+Q", self.tr("quit")), ("F1", self.tr("this list"))]

    def show_shortcuts(self) -> QMessageBox:
        rows = "".join(f"<tr><td style='padding-right:16px'><b>{html.escape(key)}</b></td>"
                       f"<td>{html.escape(text)}</td></tr>" for key, text in self.shortcuts())
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"), f"<table>{rows}</table>",
                          parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setModal(False)
        box.open()
        return box

    def refresh_current(self) -> None:
        screen = self.screens.get(self.current_screen()) if self.current_screen() else None
        if screen is not None and hasattr(screen, "refresh"):
            screen.refresh()

    def set_language(self, language: str) -> None:
        if language == self.language or language not in appearance.LANGUAGES:
            return
        self.language = language
        appearance.apply_language(QApplication.instance(), language)
        self._retranslate()
        self._save_preferences()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Inspection Station"))
        old_login = self.login
        self.login = LoginPage(self.services, self.runner)
        self.login.signed_in.connect(self.start_session)
        self.root.insertWidget(0, self.login)
        self.root.removeWidget(old_login)
        old_login.deleteLater()
        self.status.show_camera(self.camera.status)
        self.status.retranslate()
        if self.session is not None:
            self.session.language = self.language
            self._build_workspace()
        else:
            self.root.setCurrentWidget(self.login)

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        appearance.apply_theme(QApplication.instance(), theme)
        if self.session is not None:
            self.session.theme = theme
            self.theme_button.setText(self.tr("Dark") if theme == "light" else self.tr("Light"))
        self._save_preferences()

    def _save_preferences(self) -> None:
        language, theme = self.language, self.theme
        self.runner.submit(lambda _ctx: self.services.save_preferences(language, theme), name="save-preferences")

    def may_leave(self, then: Callable[[], None] | None = None) -> bool:
        """Asks every screen holding unsaved edits (Save / Discard / Cancel); False: stay, or with ``then``,
        a save is on its way and ``then`` follows it."""
        return all(screen.confirm_leave(then) for screen in self.screens.values() if hasattr(screen, "confirm_leave"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.session is not None and self.isVisible() and not self.may_leave(then=self.close):
            event.ignore()
            return
        self.changes.close()
        for screen in self.screens.values():
            if hasattr(screen, "shutdown"):
                screen.shutdown()
        self.runner.cancel_all()
        self.line.close()
        self.camera.close()
        self.runner.wait_idle(5000)
        super().closeEvent(event)
