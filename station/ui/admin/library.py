"""Image-library import: files or folders (buttons or drag and drop) labelled normal or defect (with the
defect type), imported in a background job with progress and cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from station.domain.manuals import IngestReport, ManualInfo
from station.services.admin import ImportReport
from station.ui.env import ScreenEnv
from station.ui.widgets.feedback import JobProgress, MessageBar
from station.ui.widgets.names import defect_name


class DropList(QListWidget):
    """A list of paths that accepts files and folders dropped from the desktop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("DropList")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_path(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def add_path(self, path: Path) -> None:
        if str(path) not in self.paths_text():
            self.addItem(str(path))

    def paths_text(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def paths(self) -> list[Path]:
        return [Path(p) for p in self.paths_text()]


class LibraryView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("Drop image files or folders here, or add them with the buttons."))
        hint.setObjectName("Subtle")
        layout.addWidget(hint)
        self.drop_list = DropList()
        layout.addWidget(self.drop_list, 1)
        row = QHBoxLayout()
        self.files_button = QPushButton(self.tr("Add files…"))
        self.folder_button = QPushButton(self.tr("Add folder…"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.normal = QRadioButton(self.tr("normal (good)"))
        self.defect = QRadioButton(self.tr("defect"))
        self.normal.setChecked(True)
        self.defect_type = QComboBox()
        self.defect_type.setObjectName("LibraryDefectType")
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setObjectName("PrimaryButton")
        for w in (self.files_button, self.folder_button, self.clear_button, self.normal, self.defect,
                  self.defect_type):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.defect.toggled.connect(self.defect_type.setEnabled)
        self.defect_type.setEnabled(False)
        self.files_button.clicked.connect(self._add_files)
        self.folder_button.clicked.connect(self._add_folder)
        self.clear_button.clicked.connect(self.drop_list.clear)
        self.import_button.clicked.connect(self.start_import)

    def refresh(self) -> None:
        self.defect_type.clear()
        product = self.env.session.product
        for d in product.defect_types if product else ():
            self.defect_type.addItem(defect_name(d.name_ko, d.name_en, d.code), d.defect_type_id)

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Images"), "",
                                                self.tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)"))
        for f in files:
            self.drop_list.add_path(Path(f))

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Image folder"))
        if folder:
            self.drop_list.add_path(Path(folder))

    def start_import(self) -> None:
        product = self.env.session.product
        paths = self.drop_list.paths()
        if product is None or not paths:
            self.message.show_message(self.tr("Choose a product and add images first."), "warning", 5000)
            return
        kind = "defect" if self.defect.isChecked() else "normal"
        defect_type_id = self.defect_type.currentData() if kind == "defect" else None
        services, user_id = self.env.services, self.env.user_id

        def work(ctx) -> ImportReport:  # type: ignore[no-untyped-def]
            return services.library.import_images(product.product_id, kind, paths, defect_type_id=defect_type_id,
                                                  uploaded_by=user_id, progress=ctx.progress,
                                                  cancelled=lambda: ctx.cancelled)

        def done(report: ImportReport) -> None:
            text = self.tr("Imported {0} images.").format(report.imported)
            if report.skipped:
                text += " " + self.tr("Skipped {0}: {1}").format(len(report.skipped), "; ".join(report.skipped[:3]))
            self.message.show_message(text, "warning" if report.skipped else "info")
            self.drop_list.clear()

        self.import_button.setEnabled(False)
        handle = self.env.runner.submit(
            work, name="import-images", on_done=done, on_progress=self.progress.set_progress,
            on_error=self.message.show_error,
            on_cancelled=lambda: self.message.show_message(self.tr("Import cancelled."), "warning"))
        handle.finished.connect(lambda: self.import_button.setEnabled(True))
        self.progress.track(handle, self.tr("Importing images"))


class ManualsView(QWidget):
    """Manual upload: runs the manual ingestion of the guidance services (parse, link to defect types, index)."""

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.upload_button = QPushButton(self.tr("Upload manual…"))
        self.upload_button.setObjectName("PrimaryButton")
        row.addWidget(self.upload_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.empty_hint = QLabel(self.tr("No manual for this product yet: upload a DOCX, PDF, Markdown or text "
                                         "manual with a cause and an action section for each defect type."))
        self.empty_hint.setObjectName("Subtle")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        layout.addWidget(self.empty_hint)
        self.list = QListWidget()
        self.list.setObjectName("ManualsList")
        layout.addWidget(self.list, 1)
        self.upload_button.clicked.connect(self._ask)

    def refresh(self) -> None:
        manuals, product = self.env.services.manuals, self.env.session.product
        if manuals is None or product is None:
            return
        self.env.runner.submit(lambda _ctx: manuals.list_manuals(product.code), name="manuals", owner=self,
                               latest=True, on_done=self._show, on_error=self.message.show_error)

    def _show(self, items: list[ManualInfo]) -> None:
        self.list.clear()
        self.empty_hint.setVisible(not items)
        for m in items:
            indexed = self.tr("indexed") if m.vector_indexed else self.tr("not indexed")
            self.list.addItem(self.tr("{0} · {1} · version {2} · {3} sections · {4}").format(
                m.title, m.file_name, m.version or "-", m.section_count, indexed))

    def _ask(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Manual"), "",
                                                self.tr("Manuals (*.docx *.pdf *.md *.txt)"))
        if files:
            self.upload([Path(f) for f in files])

    def upload(self, paths: list[Path]) -> None:
        manuals, product, user_id = self.env.services.manuals, self.env.session.product, self.env.user_id
        if manuals is None or product is None:
            return

        parsing = self.tr("parsing")
        names = {d.code: defect_name(d.name_ko, d.name_en, d.code) for d in product.defect_types}

        def work(ctx):  # type: ignore[no-untyped-def]
            ctx.progress(0.1, parsing)
            return manuals.ingest(product.code, paths, user_id=user_id)

        def done(reports: list[IngestReport]) -> None:
            lines = [self.tr("Ingested {0} manual(s), {1} sections.").format(
                len(reports), sum(r.sections for r in reports))]
            for r in reports:  # per file: one manual's gaps are not another's
                if r.missing:
                    lines.append(self.tr("{0}: no cause/action section for {1}").format(
                        r.manual.file_name, ", ".join(names.get(code, code) for code in r.missing)))
                lines.extend(r.notes)
            self.message.show_message("\n".join(lines), "warning" if len(lines) > 1 else "info")
            self.refresh()

        handle = self.env.runner.submit(work, name="ingest-manual", on_done=done, on_error=self.message.show_error,
                                        on_progress=self.progress.set_progress)
        self.progress.track(handle, self.tr("Ingesting manual"))
