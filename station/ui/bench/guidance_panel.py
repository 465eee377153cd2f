"""Manual excerpts (cause / action with page references), the streamed corrective-action guide rendered
as Markdown with a Stop button (Esc), and the feedback form (rating 1–5, type, text).

A citation ``[n]`` in the guide is a link: clicking it opens the Manual tab at excerpt n, which names
the manual file and page. Streamed tokens are re-rendered at most every 80 ms, so a fast model never
floods the event loop. Characters no installed font can draw (emoji) and invisible marks (BOM,
zero-width) are dropped before display.

Links are drawn in a colour of the theme (light blue on the dark theme, dark blue on the light one, both
above 4.5:1 contrast against the text background): the Markdown reader would take the application
palette's link colour, dark blue, which is unreadable on near-black.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QEvent, QTimer, QUrl
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station.domain.actions import FEEDBACK_TYPES
from station.domain.guidance import ManualExcerpt
from station.ui.widgets.feedback import MessageBar

CITATION = re.compile(r"\[(\d{1,2})\](?!\()")
INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\ufffe"))
RENDER_INTERVAL_MS = 80
LINK_ON_DARK, LINK_ON_LIGHT = QColor("#8ab4f8"), QColor("#1d4ed8")


def link_colour(background: QColor) -> QColor:
    """A readable link colour on ``background``."""
    return LINK_ON_DARK if background.lightnessF() < 0.5 else LINK_ON_LIGHT


def recolour_links(browser: QTextBrowser) -> None:
    """Draws every link of ``browser``'s document in :func:`link_colour` of its background, and sets the
    palette's link colours for links added later."""
    colour = link_colour(browser.palette().color(QPalette.ColorRole.Base))
    palette = browser.palette()
    for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
        palette.setColor(role, colour)
    browser.setPalette(palette)
    document = browser.document()
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isAnchor() and fragment.charFormat().anchorHref():
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                fmt = QTextCharFormat()
                fmt.setForeground(colour)
                cursor.mergeCharFormat(fmt)
            it += 1
        block = block.next()


@lru_cache(maxsize=4096)
def drawable(char: str) -> bool:
    """True when some installed font has a glyph for ``char`` (what Qt's font fallback can draw)."""
    if char.isspace() or unicodedata.category(char) in ("Cc",):
        return True
    code = ord(char)
    return any(QFontMetrics(QFont(family)).inFontUcs4(code) for family in _families())


@lru_cache(maxsize=1)
def _families() -> tuple[str, ...]:
    return tuple(QFontDatabase.families())


def displayable(text: str) -> str:
    """``text`` without invisible marks and without characters no installed font can draw."""
    text = text.translate(INVISIBLE)
    return "".join(c for c in text if c.isascii() or drawable(c))


def linked_citations(markdown: str) -> str:
    """``[n]`` citations as Markdown links to ``excerpt:n`` (already linked ones are left alone)."""
    return CITATION.sub(lambda m: f"[\\[{m.group(1)}\\]](excerpt:{m.group(1)})", markdown)


class GuidePanel(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("GuidePanel")
        # Manual excerpts
        self.excerpts = QTextBrowser()
        self.excerpts.setObjectName("ExcerptsText")
        self.excerpts.setOpenExternalLinks(False)
        # The Manual tab shows the detected defect's sections; the other defects' sections wait behind
        # this toggle (hidden while there are none).
        self.show_all = QCheckBox()
        self.show_all.setObjectName("ExcerptsShowAll")
        self.show_all.setVisible(False)
        self.show_all.toggled.connect(lambda _on: self._render_excerpts())
        manual_page = QWidget()
        m = QVBoxLayout(manual_page)
        m.setContentsMargins(0, 0, 0, 0)
        m.addWidget(self.show_all)
        m.addWidget(self.excerpts, 1)
        self._excerpts: tuple[ManualExcerpt, ...] = ()
        self._defect_code: str | None = None
        self._markdown = ""
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self._render)
        self.addTab(manual_page, self.tr("Manual"))
        # Guide
        guide_page = QWidget()
        g = QVBoxLayout(guide_page)
        row = QHBoxLayout()
        self.guide_state = QLabel("")
        self.guide_state.setObjectName("Subtle")
        self.stop_button = QPushButton(self.tr("Stop (Esc)"))
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setEnabled(False)
        self.regenerate_button = QPushButton(self.tr("Write again"))
        self.regenerate_button.setEnabled(False)
        row.addWidget(self.guide_state, 1)
        row.addWidget(self.regenerate_button)
        row.addWidget(self.stop_button)
        g.addLayout(row)
        self.guide = QTextBrowser()
        self.guide.setObjectName("GuideText")
        self.guide.setOpenLinks(False)
        self.guide.anchorClicked.connect(self._citation_clicked)
        g.addWidget(self.guide, 1)
        self.addTab(guide_page, self.tr("Guide"))
        # Feedback
        feedback_page = QWidget()
        f = QVBoxLayout(feedback_page)
        f.addWidget(QLabel(self.tr("How useful was this result and guide? (keys 1–5 anywhere on the bench)")))
        stars = QHBoxLayout()
        self.rating_group = QButtonGroup(self)
        for value in range(1, 6):
            button = QPushButton(str(value))
            button.setObjectName("RatingButton")
            button.setCheckable(True)
            self.rating_group.addButton(button, value)
            stars.addWidget(button)
        stars.addStretch(1)
        f.addLayout(stars)
        self.feedback_type = QComboBox()
        self.feedback_type.setObjectName("FeedbackType")
        labels = {"guide_quality": self.tr("guide quality"), "detection": self.tr("detection result"),
                  "retrieval": self.tr("reference and similar cases"), "other": self.tr("other")}
        for value in FEEDBACK_TYPES:
            self.feedback_type.addItem(labels.get(value, value), value)
        f.addWidget(self.feedback_type)
        self.feedback_text = QPlainTextEdit()
        self.feedback_text.setObjectName("FeedbackText")
        self.feedback_text.setPlaceholderText(self.tr("Comment (optional)"))
        self.feedback_text.setTabChangesFocus(True)
        self.feedback_text.setMaximumHeight(90)
        f.addWidget(self.feedback_text)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.feedback_button = QPushButton(self.tr("Save feedback"))
        self.feedback_button.setObjectName("PrimaryButton")
        self.feedback_button.setEnabled(False)
        save_row.addWidget(self.feedback_button)
        f.addLayout(save_row)
        self.feedback_message = MessageBar()
        f.addWidget(self.feedback_message)
        f.addStretch(1)
        # The form scrolls inside its tab, so it never pushes the verdict column above it off the screen.
        scroll = QScrollArea()
        scroll.setObjectName("FeedbackScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(feedback_page)
        self.addTab(scroll, self.tr("Feedback"))
        self.feedback_page = scroll
        self.clear()

    def clear(self) -> None:
        self._excerpts = ()
        self._defect_code = None
        self.show_all.setVisible(False)
        self._markdown = ""
        self._render_timer.stop()
        hint = self.tr("Manual excerpts appear here when a part fails.")
        self.excerpts.setHtml(f"<p style='color:gray'>{html.escape(hint)}</p>")
        self.guide.clear()
        self.guide_state.setText("")
        self.stop_button.setEnabled(False)
        self.regenerate_button.setEnabled(False)
        self.feedback_button.setEnabled(False)
        self.feedback_message.clear_message()
        checked = self.rating_group.checkedButton()
        if checked is not None:
            self.rating_group.setExclusive(False)
            checked.setChecked(False)
            self.rating_group.setExclusive(True)
        self.feedback_text.clear()

    def show_message(self, text: str) -> None:
        self.show_all.setVisible(False)
        self.excerpts.setHtml(f"<p>{html.escape(text)}</p>")

    def show_excerpts(self, excerpts: Sequence[ManualExcerpt], defect_code: str | None = None) -> None:
        """The excerpts chosen for the shown part. With the detected ``defect_code``, only that defect's
        sections are shown; the other defects' sections come with "show all" (or a citation of one)."""
        self._excerpts = tuple(excerpts)
        self._defect_code = defect_code
        self.show_all.blockSignals(True)
        self.show_all.setChecked(False)
        self.show_all.blockSignals(False)
        self._render_excerpts()

    def shown_excerpts(self) -> tuple[ManualExcerpt, ...]:
        """The excerpts the Manual tab lists now."""
        own = tuple(e for e in self._excerpts if e.defect_code == self._defect_code)
        if self._defect_code is None or not own or self.show_all.isChecked():
            return self._excerpts
        return own

    def _render_excerpts(self) -> None:
        excerpts = self.shown_excerpts()
        others = sum(1 for e in self._excerpts if e.defect_code != self._defect_code)
        own = len(self._excerpts) - others
        self.show_all.setVisible(self._defect_code is not None and others > 0 and own > 0)
        self.show_all.setText(self.tr("Show the other sections too ({0})").format(others))
        if not excerpts:
            missing = self.tr("The manual has no section for this defect.")
            self.excerpts.setHtml(f"<p>{html.escape(missing)}</p>")
            return
        kinds = {"cause": self.tr("Cause"), "action": self.tr("Action"), "other": self.tr("Other")}
        parts = []
        for e in excerpts:
            page = self.tr(", page {0}").format(e.page) if e.page else ""
            parts.append(
                f"<a name='ref-{e.ref}'></a><h4>[{e.ref}] {html.escape(displayable(e.title))}</h4>"
                f"<p style='color:gray'>{html.escape(kinds.get(e.section_type, e.section_type))} · "
                f"{html.escape(e.file_name)}{html.escape(page)}</p>"
                f"<p>{html.escape(displayable(e.text)).replace(chr(10), '<br>')}</p>")
        self.excerpts.setHtml("".join(parts))

    # Guide streaming ----------------------------------------------------------------------
    def start_guide(self, state: str) -> None:
        self._markdown = ""
        self._render_timer.stop()
        self.guide.clear()
        self.guide_state.setText(state)
        self.stop_button.setEnabled(True)
        self.regenerate_button.setEnabled(False)

    def show_progress(self, markdown: str) -> None:
        """The guide so far (the whole text; rendered at most every few tens of milliseconds)."""
        self._markdown = markdown
        if not self._render_timer.isActive():
            self._render_timer.start()

    def finish_guide(self, content: str, state: str) -> None:
        self._render_timer.stop()
        self._markdown = content
        self._render()
        self.guide_state.setText(state)
        self.stop_button.setEnabled(False)
        self.regenerate_button.setEnabled(True)

    def _render(self) -> None:
        bar = self.guide.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self.guide.setMarkdown(linked_citations(displayable(self._markdown)))
        recolour_links(self.guide)
        if at_end:
            bar.setValue(bar.maximum())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange) and self._markdown:
            recolour_links(self.guide)  # the theme changed

    def guide_text(self) -> str:
        """The guide as written (Markdown source), also while it streams."""
        return self._markdown

    def show_citation(self, ref: int) -> bool:
        """Opens the Manual tab at excerpt ``ref``; False when no such excerpt is shown."""
        if not any(e.ref == ref for e in self._excerpts):
            return False
        if not any(e.ref == ref for e in self.shown_excerpts()):
            self.show_all.setChecked(True)  # a cited section of another defect: list them all
        self.setCurrentIndex(0)
        self.excerpts.scrollToAnchor(f"ref-{ref}")
        return True

    def _citation_clicked(self, url: QUrl) -> None:
        if url.scheme() == "excerpt" and url.path().isdigit():
            self.show_citation(int(url.path()))

    # Feedback ----------------------------------------------------------------------------
    def rating(self) -> int | None:
        value = self.rating_group.checkedId()
        return value if value > 0 else None

    def set_rating(self, value: int) -> None:
        button = self.rating_group.button(value)
        if button is not None:
            button.setChecked(True)
