"""The admin screen: users and roles (admin only), products and defect types, image library (import and
browse), manuals."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from station.domain.catalog import ProductInfo
from station.ui.admin.browser import LibraryBrowserView
from station.ui.admin.catalog import CatalogView
from station.ui.admin.library import LibraryView, ManualsView
from station.ui.admin.users import UsersView
from station.ui.env import ScreenEnv
from station.ui.permissions import Capability


class AdminScreen(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setObjectName("AdminScreen")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.views: dict[str, QWidget] = {}
        if env.can(Capability.MANAGE_USERS):
            self.views["users"] = UsersView(env)
            self.tabs.addTab(self.views["users"], self.tr("Users and roles"))
        if env.can(Capability.MANAGE_CATALOG):
            self.views["catalog"] = CatalogView(env)
            self.tabs.addTab(self.views["catalog"], self.tr("Products and defect types"))
        if env.can(Capability.IMPORT_LIBRARY):
            self.views["library"] = LibraryView(env)
            self.tabs.addTab(self.views["library"], self.tr("Image library"))
            self.views["browser"] = LibraryBrowserView(env)
            self.tabs.addTab(self.views["browser"], self.tr("Browse library"))
        if env.can(Capability.UPLOAD_MANUALS):
            self.views["manuals"] = ManualsView(env)
            self.tabs.addTab(self.views["manuals"], self.tr("Manuals"))
        layout.addWidget(self.tabs)
        self.refresh()

    def refresh(self) -> None:
        for view in self.views.values():
            view.refresh()

    def product_changed(self, product: ProductInfo) -> None:
        for key in ("library", "manuals"):
            if key in self.views:
                self.views[key].refresh()
        if "browser" in self.views:
            self.views["browser"].show_product(product.code)
