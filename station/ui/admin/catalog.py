"""Products and their defect types (Korean/English names, severity): create, edit, retire (audited)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import DefectTypeSpec, ProductInfo
from station.services.shared.changes import CatalogChanged
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.tables import DataTable


class CatalogView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.products: list[ProductInfo] = []
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        top = QHBoxLayout()
        self.product_table = DataTable([self.tr("Code"), self.tr("Name"), self.tr("Defect types")])
        self.product_table.setObjectName("ProductsTable")
        top.addWidget(self.product_table, 3)
        pbox = QGroupBox(self.tr("Product"))
        pform = QFormLayout(pbox)
        self.product_code = QLineEdit()
        self.product_code.setObjectName("ProductCode")
        self.product_name = QLineEdit()
        self.product_name.setObjectName("ProductName")
        self.product_category = QLineEdit()
        self.product_description = QLineEdit()
        pform.addRow(self.tr("Code"), self.product_code)
        pform.addRow(self.tr("Name"), self.product_name)
        pform.addRow(self.tr("Category"), self.product_category)
        pform.addRow(self.tr("Description"), self.product_description)
        self.save_product_button = QPushButton(self.tr("Save product"))
        self.save_product_button.setObjectName("PrimaryButton")
        self.retire_product_button = QPushButton(self.tr("Retire product"))
        prow = QHBoxLayout()
        prow.addWidget(self.retire_product_button)
        prow.addWidget(self.save_product_button)
        pform.addRow(prow)
        top.addWidget(pbox, 2)
        layout.addLayout(top, 1)
        bottom = QHBoxLayout()
        self.defect_table = DataTable([self.tr("Code"), self.tr("Korean"), self.tr("English"), self.tr("Full name"),
                                       self.tr("Severity")])
        self.defect_table.setObjectName("DefectTypesTable")
        bottom.addWidget(self.defect_table, 3)
        dbox = QGroupBox(self.tr("Defect type"))
        dform = QFormLayout(dbox)
        self.defect_code = QLineEdit()
        self.defect_code.setObjectName("DefectCode")
        self.name_ko = QLineEdit()
        self.name_ko.setObjectName("DefectNameKo")
        self.name_en = QLineEdit()
        self.full_name = QLineEdit()
        self.severity = QSpinBox()
        self.severity.setObjectName("DefectSeverity")
        self.severity.setRange(0, 9)
        self.severity.setValue(3)
        self.severity.setToolTip(self.tr("1 = minor … 5 = critical"))
        dform.addRow(self.tr("Code"), self.defect_code)
        dform.addRow(self.tr("Korean name"), self.name_ko)
        dform.addRow(self.tr("English name"), self.name_en)
        dform.addRow(self.tr("Full name (ko)"), self.full_name)
        dform.addRow(self.tr("Severity (1-5)"), self.severity)
        self.save_defect_button = QPushButton(self.tr("Save defect type"))
        self.save_defect_button.setObjectName("PrimaryButton")
        self.retire_defect_button = QPushButton(self.tr("Retire defect type"))
        drow = QHBoxLayout()
        drow.addWidget(self.retire_defect_button)
        drow.addWidget(self.save_defect_button)
        dform.addRow(drow)
        bottom.addWidget(dbox, 2)
        layout.addLayout(bottom, 1)
        self.product_table.itemSelectionChanged.connect(self._product_selected)
        self.defect_table.itemSelectionChanged.connect(self._defect_selected)
        self.save_product_button.clicked.connect(self.save_product)
        self.retire_product_button.clicked.connect(self.retire_product)
        self.save_defect_button.clicked.connect(self.save_defect)
        self.retire_defect_button.clicked.connect(self.retire_defect)

    def refresh(self) -> None:
        self.env.runner.submit(lambda _ctx: self.env.services.catalog.list_products(), name="catalog",
                               owner=self, latest=True, on_done=self._show, on_error=self.message.show_error)

    def _show(self, products: list[ProductInfo]) -> None:
        selected = self.product_table.selected_id()
        self.products = products
        self.product_table.set_rows([[p.code, p.name, len(p.defect_types)] for p in products],
                                    [p.code for p in products])
        if selected:
            self.product_table.select_id(selected)
        self._product_selected()

    def selected_product(self) -> ProductInfo | None:
        return next((p for p in self.products if p.code == self.product_table.selected_id()), None)

    def _product_selected(self) -> None:
        product = self.selected_product()
        if product is None:
            self.defect_table.set_rows([])
            return
        self.product_code.setText(product.code)
        self.product_name.setText(product.name)
        self.defect_table.set_rows([[d.code, d.name_ko, d.name_en or "", d.full_name_ko or "", d.severity_level]
                                    for d in product.defect_types], [d.code for d in product.defect_types])

    def _defect_selected(self) -> None:
        product = self.selected_product()
        defect = product.defect_by_code(self.defect_table.selected_id()) if product else None
        if defect is None:
            return
        self.defect_code.setText(defect.code)
        self.name_ko.setText(defect.name_ko)
        self.name_en.setText(defect.name_en or "")
        self.full_name.setText(defect.full_name_ko or "")
        self.severity.setValue(defect.severity_level)

    def _run(self, fn, done_text: str) -> None:  # type: ignore[no-untyped-def]
        def done(_r: object) -> None:
            self.message.show_message(done_text, "info", 5000)
            self.refresh()
            self.env.changes.fire(CatalogChanged())
        self.env.runner.submit(lambda _ctx: fn(), name="admin-catalog", on_done=done,
                               on_error=self.message.show_error)

    def save_product(self) -> None:
        admin, by = self.env.services.admin, self.env.user_id
        code, name = self.product_code.text().strip(), self.product_name.text().strip()
        category, description = self.product_category.text().strip(), self.product_description.text().strip()
        self._run(lambda: admin.save_product(code, name, description, category, by),
                  self.tr("Product {0} saved.").format(code))

    def retire_product(self) -> None:
        product = self.selected_product()
        if product is None:
            self.message.show_message(self.tr("Select a product first."), "warning", 4000)
            return
        admin, by = self.env.services.admin, self.env.user_id
        self._run(lambda: admin.set_product_active(product.code, False, by),
                  self.tr("Product {0} retired.").format(product.code))

    def save_defect(self) -> None:
        product = self.selected_product()
        if product is None:
            self.message.show_message(self.tr("Select a product first."), "warning", 4000)
            return
        spec = DefectTypeSpec(code=self.defect_code.text().strip(), name_ko=self.name_ko.text().strip(),
                              name_en=self.name_en.text().strip() or None,
                              full_name_ko=self.full_name.text().strip() or None, severity_level=self.severity.value())
        admin, by = self.env.services.admin, self.env.user_id
        self._run(lambda: admin.save_defect_type(product.product_id, spec, by),
                  self.tr("Defect type {0} saved.").format(spec.code))

    def retire_defect(self) -> None:
        product = self.selected_product()
        code = self.defect_table.selected_id()
        if product is None or not code:
            self.message.show_message(self.tr("Select a defect type first."), "warning", 4000)
            return
        admin, by = self.env.services.admin, self.env.user_id
        self._run(lambda: admin.set_defect_type_active(product.product_id, code, False, by),
                  self.tr("Defect type {0} retired.").format(code))
