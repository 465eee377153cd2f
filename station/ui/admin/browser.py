"""Image-library browser: a product's good and defect images page by page as thumbnails, filtered by
label, selected one or many to relabel (good <-> a defect type) or remove (after confirmation).

Pages and thumbnails load in background jobs (the thumbnails of a page stream in one by one); thumbnails
are kept small and cached, so paging back and forth through 10 000 images stays responsive. Relabel and
removal go through the library's browser service, which validates and audits them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.catalog import ProductInfo
from station.domain.library import LibraryImage, LibraryPage
from station.ui.env import ScreenEnv
from station.ui.jobs import BACKGROUND, JobHandle
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.imaging import to_qimage
from station.ui.widgets.names import defect_name, image_label_name

THUMB_PIXELS = 96
THUMB_CACHE_SIZE = 600  # thumbnails kept in memory (ten pages), least recently shown dropped first
ALL, GOOD, DEFECT = "all", "normal", "defect"

_IMAGE_ID = Qt.ItemDataRole.UserRole
_KEY = Qt.ItemDataRole.UserRole + 1


def _label_choice(data: object) -> tuple[str, int | None]:
    """A label combo's item data (``all``, ``normal``, ``defect`` or ``defect:<defect_type_id>``) as (kind, id)."""
    kind, _, type_id = str(data or ALL).partition(":")
    return kind, int(type_id) if type_id else None


class ThumbnailCache:
    """Object key -> thumbnail pixmap, bounded (least recently used dropped first)."""

    def __init__(self, size: int = THUMB_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, QPixmap] = OrderedDict()

    def get(self, key: str) -> QPixmap | None:
        pixmap = self._items.get(key)
        if pixmap is not None:
            self._items.move_to_end(key)
        return pixmap

    def put(self, key: str, pixmap: QPixmap) -> None:
        self._items[key] = pixmap
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class LibraryBrowserView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.products: list[ProductInfo] = []
        self.page_data: LibraryPage | None = None
        self.page_number = 0  # the page shown
        self.requested_page = 0  # the page last asked for (quick clicks on Next move on from it)
        self.cache = ThumbnailCache()
        self._generation = 0
        self._thumb_job: JobHandle | None = None
        self._placeholder = QPixmap(THUMB_PIXELS, THUMB_PIXELS)
        self._placeholder.fill(QColor("#d9dde3"))
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.product = QComboBox()
        self.product.setObjectName("LibraryProduct")
        self.product.setMinimumContentsLength(16)
        self.label_filter = QComboBox()
        self.label_filter.setObjectName("LibraryLabelFilter")
        self.label_filter.setMinimumContentsLength(16)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        filters.addWidget(QLabel(self.tr("Product")))
        filters.addWidget(self.product)
        filters.addWidget(QLabel(self.tr("Label")))
        filters.addWidget(self.label_filter)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        layout.addLayout(filters)
        self.grid = QListWidget()
        self.grid.setObjectName("LibraryGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB_PIXELS, THUMB_PIXELS))
        self.grid.setGridSize(QSize(THUMB_PIXELS + 36, THUMB_PIXELS + 44))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setWordWrap(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.grid, 1)
        paging = QHBoxLayout()
        self.prev_button = QPushButton(self.tr("‹ Previous"))
        self.next_button = QPushButton(self.tr("Next ›"))
        self.page_label = QLabel()
        self.page_label.setObjectName("Subtle")
        self.selection_label = QLabel()
        self.selection_label.setObjectName("Subtle")
        paging.addWidget(self.prev_button)
        paging.addWidget(self.page_label)
        paging.addWidget(self.next_button)
        paging.addSpacing(16)
        paging.addWidget(self.selection_label)
        paging.addStretch(1)
        self.new_label = QComboBox()
        self.new_label.setObjectName("LibraryNewLabel")
        self.new_label.setMinimumContentsLength(14)
        self.relabel_button = QPushButton(self.tr("Relabel"))
        self.relabel_button.setObjectName("PrimaryButton")
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.setObjectName("LibraryRemove")
        paging.addWidget(QLabel(self.tr("Relabel selected as")))
        paging.addWidget(self.new_label)
        paging.addWidget(self.relabel_button)
        paging.addWidget(self.remove_button)
        layout.addLayout(paging)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.product.currentIndexChanged.connect(self._product_chosen)
        self.label_filter.currentIndexChanged.connect(lambda _i: self.load_page(0))
        self.refresh_button.clicked.connect(lambda: self.load_page(self.page_number))
        self.prev_button.clicked.connect(lambda: self.load_page(self.requested_page - 1))
        self.next_button.clicked.connect(lambda: self.load_page(self.requested_page + 1))
        self.grid.itemSelectionChanged.connect(self._selection_changed)
        self.relabel_button.clicked.connect(self.relabel_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self._selection_changed()

    # Products and filters ----------------------------------------------------------------
    def refresh(self) -> None:
        self.env.runner.submit(lambda _ctx: self.env.services.catalog.list_products(), name="library-products",
                               on_done=self._show_products, on_error=self.message.show_error, owner=self,
                               latest=True)

    def _show_products(self, products: list[ProductInfo]) -> None:
        current = self.selected_product()
        wanted = current.code if current else (self.env.session.product.code if self.env.session.product else None)
        self.products = products
        self.product.blockSignals(True)
        self.product.clear()
        for p in products:
            self.product.addItem(f"{p.name} ({p.code})", p.code)
        index = self.product.findData(wanted) if wanted else -1
        self.product.setCurrentIndex(index if index >= 0 else (0 if products else -1))
        self.product.blockSignals(False)
        self._product_chosen()

    def show_product(self, code: str) -> None:
        """Browses ``code`` (the product chosen in the top bar), when the product list has it."""
        index = self.product.findData(code)
        if index >= 0 and index != self.product.currentIndex():
            self.product.setCurrentIndex(index)

    def selected_product(self) -> ProductInfo | None:
        code = self.product.currentData()
        return next((p for p in self.products if p.code == code), None)

    def _product_chosen(self, *_: Any) -> None:
        product = self.selected_product()
        defects = product.defect_types if product else ()
        previous = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem(self.tr("All images"), ALL)
        self.label_filter.addItem(image_label_name("normal"), GOOD)
        self.label_filter.addItem(self.tr("Defect: all types"), DEFECT)
        for d in defects:
            self.label_filter.addItem(self.tr("Defect: {0}").format(defect_name(d.name_ko, d.name_en, d.code)),
                                      f"{DEFECT}:{d.defect_type_id}")
        index = self.label_filter.findData(previous) if previous else -1
        self.label_filter.setCurrentIndex(max(0, index))
        self.label_filter.blockSignals(False)
        self.new_label.clear()
        self.new_label.addItem(image_label_name("normal"), GOOD)
        for d in defects:
            self.new_label.addItem(defect_name(d.name_ko, d.name_en, d.code), f"{DEFECT}:{d.defect_type_id}")
        self.load_page(0)

    # Pages and thumbnails ------------------------------------------------------------------
    def load_page(self, number: int) -> None:
        product = self.selected_product()
        browser = self._browser()
        if product is None or browser is None:
            self.grid.clear()
            self.page_label.setText(self.tr("No product"))
            return
        kind, defect_type_id = _label_choice(self.label_filter.currentData())
        label = None if kind == ALL else kind
        pages = self.page_data.pages if self.page_data is not None else 1
        number = max(0, min(number, pages - 1)) if self.page_data is not None else max(0, number)
        self.requested_page = number
        self._generation += 1
        generation = self._generation
        if self._thumb_job is not None:
            self._thumb_job.cancel()
        self.env.runner.submit(
            lambda _ctx: browser.page(product.product_id, label, defect_type_id, page=number),
            name="library-page", on_done=lambda page: self._show_page(page, generation),
            on_error=self.message.show_error, owner=self)

    def _show_page(self, page: LibraryPage, generation: int) -> None:
        if generation != self._generation:
            return  # a newer page was asked for meanwhile
        if page.total and not page.images and page.page > 0:  # the page emptied (images removed): go back
            self.page_data = page
            self.load_page(page.pages - 1)
            return
        self.page_data, self.page_number, self.requested_page = page, page.page, page.page
        names = self._defect_names()
        self.grid.clear()
        missing: list[str] = []
        for image in page.images:
            item = QListWidgetItem(self._item_text(image, names))
            item.setData(_IMAGE_ID, image.image_id)
            item.setData(_KEY, image.file_path)
            item.setToolTip(self._tooltip(image, names))
            cached = self.cache.get(image.file_path)
            item.setIcon(QIcon(cached if cached is not None else self._placeholder))
            if cached is None and image.file_path not in missing:
                missing.append(image.file_path)
            self.grid.addItem(item)
        first = page.offset + 1 if page.images else 0
        self.page_label.setText(self.tr("Page {0} of {1} · {2}–{3} of {4} images").format(
            page.page + 1, page.pages, first, page.offset + len(page.images), page.total))
        self.prev_button.setEnabled(page.page > 0)
        self.next_button.setEnabled(page.page + 1 < page.pages)
        self._selection_changed()
        if missing:
            self._load_thumbnails(missing, generation)

    def _load_thumbnails(self, keys: list[str], generation: int) -> None:
        browser = self._browser()
        if browser is None:
            return

        def work(ctx) -> None:  # type: ignore[no-untyped-def]
            for key in keys:
                pixels = browser.thumbnail(key, THUMB_PIXELS)
                ctx.emit((generation, key, to_qimage(pixels, bgr=False) if pixels is not None else None))

        self._thumb_job = self.env.runner.submit(work, name="library-thumbnails", on_chunk=self._thumbnail_ready,
                                                 owner=self, priority=BACKGROUND)

    def _thumbnail_ready(self, chunk: tuple[int, str, Any]) -> None:
        generation, key, image = chunk
        if image is None or image.isNull():
            return
        pixmap = QPixmap.fromImage(image)
        self.cache.put(key, pixmap)
        if generation != self._generation:
            return
        icon = QIcon(pixmap)
        for row in range(self.grid.count()):
            item = self.grid.item(row)
            if item.data(_KEY) == key:
                item.setIcon(icon)

    def thumbnails_shown(self) -> int:
        """Items of the page showing their thumbnail (not the placeholder)."""
        return sum(1 for row in range(self.grid.count())
                   if self.cache.get(self.grid.item(row).data(_KEY)) is not None)

    def _browser(self):  # type: ignore[no-untyped-def]
        return getattr(self.env.services.library, "browser", None)

    def _defect_names(self) -> dict[int, str]:
        product = self.selected_product()
        return {d.defect_type_id: defect_name(d.name_ko, d.name_en, d.code)
                for d in (product.defect_types if product else ())}

    def _item_text(self, image: LibraryImage, names: dict[int, str]) -> str:
        if image.image_type == "defect":
            return names.get(image.defect_type_id or 0, image_label_name("defect"))
        return image_label_name(image.image_type)

    def _tooltip(self, image: LibraryImage, names: dict[int, str]) -> str:
        lines = [image.file_name, self._item_text(image, names)]
        if image.width and image.height:
            lines.append(f"{image.width}×{image.height}")
        if image.uploaded_at:
            lines.append(image.uploaded_at.strftime("%Y-%m-%d %H:%M"))
        if image.used_by_inspections:
            lines.append(self.tr("used by {0} inspection(s)").format(image.used_by_inspections))
        return "\n".join(lines)

    # Selection, relabel and removal ----------------------------------------------------------
    def selected_ids(self) -> list[int]:
        return [int(item.data(_IMAGE_ID)) for item in self.grid.selectedItems()]

    def _selection_changed(self) -> None:
        count = len(self.grid.selectedItems())
        self.selection_label.setText(self.tr("{0} selected").format(count) if count else "")
        self.relabel_button.setEnabled(count > 0)
        self.remove_button.setEnabled(count > 0)

    def relabel_selected(self) -> None:
        ids, browser = self.selected_ids(), self._browser()
        if not ids or browser is None:
            self.message.show_message(self.tr("Select one or more images first."), "warning", 4000)
            return
        kind, defect_type_id = _label_choice(self.new_label.currentData() or GOOD)
        label_text, by = self.new_label.currentText(), self.env.user_id
        self._change(lambda: browser.relabel(ids, kind, defect_type_id, by),
                     lambda n: self.tr("{0} image(s) relabelled as {1}.").format(n, label_text))

    def remove_selected(self) -> None:
        ids, browser = self.selected_ids(), self._browser()
        if not ids or browser is None:
            self.message.show_message(self.tr("Select one or more images first."), "warning", 4000)
            return
        if not self.confirm_removal(len(ids)):
            return
        by = self.env.user_id
        self._change(lambda: browser.remove(ids, by),
                     lambda n: self.tr("{0} image(s) removed from the library.").format(n))

    def confirm_removal(self, count: int) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Remove images"),
            self.tr("Remove {0} image(s) from the library? Models built later will not use them; inspections "
                    "that used them keep their images.").format(count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _change(self, fn, done_text) -> None:  # type: ignore[no-untyped-def]
        self.relabel_button.setEnabled(False)
        self.remove_button.setEnabled(False)

        def done(count: int) -> None:
            self.message.show_message(done_text(count), "info", 6000)
            self.load_page(self.page_number)

        def failed(error: BaseException) -> None:
            self.message.show_error(error)
            self._selection_changed()

        self.env.runner.submit(lambda _ctx: fn(), name="library-change", on_done=done, on_error=failed, owner=self)
