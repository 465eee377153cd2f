"""Checks of a rendered screen for the screen review: text that does not fit its widget (clipped or elided
labels, buttons, check boxes, group titles, tabs and table headers), text in the wrong language (English
left in the Korean UI, Korean left in the English UI) and widgets placed outside their window.

Each check walks the visible widgets of one top-level window and returns :class:`Finding` rows; the
review test collects them over every screen, language and theme and reports them in one message.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QStyleOptionGroupBox,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableWidget,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

ELLIPSIS = "…"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
PLACEHOLDER = re.compile(r"\\\{\d+(?::[^}]*)?\\\}")
# Latin words that may stand in the Korean UI: units, formats, protocols and names of things.
LATIN_ALLOWED = frozenset(w.lower() for w in (
    "fps", "px", "ms", "s", "min", "h", "kb", "mb", "gb", "mm", "x", "id", "ok", "ng", "pass", "fail",
    "csv", "pdf", "png", "jpg", "json", "toml", "mqtt", "modbus", "tcp", "plc", "url", "roi", "llm", "ai",
    "patchcore", "clip", "auroc", "onnx", "cpu", "gpu", "cuda", "ctrl", "space", "esc", "enter", "tab", "f",
    "http", "https", "www", "com", "local", "example", "qr", "io", "usb", "rtsp", "opencv", "onnxruntime",
))
_TOLERANCE = 1  # pixels: rounding of fractional advances


@dataclass(frozen=True)
class Finding:
    """One problem of one widget on one screen, in one language and theme."""

    screen: str
    language: str
    theme: str
    widget: str
    text: str
    problem: str
    kind: str = ""

    def key(self) -> tuple[str, str, str, str, str, str]:
        """What identifies the finding across runs: the measured pixels are left out, and in the text
        numbers become ``#`` and paths ``<path>`` (dates, counts, scores and temporary folders vary)."""
        return (self.screen, self.language, self.theme, self.widget, normalized(self.text), self.kind)

    def line(self) -> str:
        return (f"[{self.screen} | {self.language} | {self.theme}] {self.widget}: {self.text!r} -> "
                f"{self.problem}")


def normalized(text: str) -> str:
    """``text`` with paths as ``<path>`` and each run of digits as ``#``."""
    return re.sub(r"\d+", "#", re.sub(r"(?<![\w.])/[^\s·,]+", "<path>", text))


@dataclass
class Catalogue:
    """The Korean ``.ts`` catalogue: finished translations, unfinished sources, and the Latin words the
    translations themselves keep (names of things such as ROI or MQTT)."""

    finished: dict[str, str] = field(default_factory=dict)
    unfinished: set[str] = field(default_factory=set)
    latin_kept: set[str] = field(default_factory=set)
    _patterns: list[tuple[re.Pattern[str], str, bool]] = field(default_factory=list)
    _filled: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        cat = cls()
        for message in ET.parse(path).getroot().iter("message"):
            source = message.findtext("source") or ""
            node = message.find("translation")
            translation = (node.text or "") if node is not None else ""
            kind = node.get("type", "") if node is not None else ""
            if not source:
                continue
            if translation and kind not in ("unfinished", "vanished", "obsolete"):
                cat.finished[source] = translation
                cat.latin_kept.update(w.lower() for w in LATIN_WORD.findall(PLACEHOLDER_TEXT.sub("", translation)))
            elif kind != "vanished" and kind != "obsolete":
                cat.unfinished.add(source)
        for source in list(cat.finished) + sorted(cat.unfinished):
            if "{" in source:
                regex = PLACEHOLDER.sub(".+?", re.escape(source))
                cat._patterns.append((re.compile(f"^{regex}$", re.S), source, source in cat.finished))
        return cat

    def source_of(self, text: str) -> tuple[str, bool] | None:
        """The English source ``text`` shows (exactly or with its placeholders filled), and whether the
        catalogue has a finished translation of it; None when ``text`` is no source."""
        if text in self.finished:
            return text, True
        if text in self.unfinished:
            return text, False
        for pattern, source, done in self._patterns:
            if pattern.match(text):
                return source, done
        return None

    def is_translation(self, text: str) -> bool:
        """Whether ``text`` is a finished translation (exactly or with its placeholders filled)."""
        if text in self.finished.values():
            return True
        return any(pattern.match(text) for pattern in self._translation_patterns())

    def _translation_patterns(self) -> list[re.Pattern[str]]:
        if not self._filled:
            self._filled = [re.compile("^" + PLACEHOLDER.sub(".+?", re.escape(t)) + "$", re.S)
                            for t in set(self.finished.values()) if "{" in t]
        return self._filled

    def ends_with_ellipsis(self) -> list[re.Pattern[str]]:
        """Patterns of the catalogue's texts (sources and translations) that end with an ellipsis."""
        texts = [t for pair in self.finished.items() for t in pair] + sorted(self.unfinished)
        return [re.compile("^" + PLACEHOLDER.sub(".+?", re.escape(t)) + "$", re.S)
                for t in texts if t.rstrip().endswith((ELLIPSIS, "..."))]


PLACEHOLDER_TEXT = re.compile(r"\{\d+(?::[^}]*)?\}")


@dataclass
class ReviewContext:
    """Where a window is reviewed: its name, the UI language and theme, the catalogue, and the texts that
    are user data (product names, people's names, codes) rather than UI text. ``scopes`` name the parts of
    the window from the innermost out (the tab page, its screen, the window's header and status bar): a
    finding belongs to the innermost scope holding its widget, so that what several views share is one
    finding."""

    screen: str
    language: str
    theme: str
    catalogue: Catalogue
    user_data: frozenset[str] = frozenset()
    latin_allowed: frozenset[str] = LATIN_ALLOWED
    content: frozenset[str] = frozenset()  # objectNames of widgets showing documents (guides, manual text)
    scopes: tuple[tuple[QWidget, str], ...] = ()

    def finding(self, widget: QWidget, text: str, problem: str, kind: str) -> Finding:
        return Finding(self.scope_of(widget), self.language, self.theme, describe(widget), text, problem, kind)

    def scope_of(self, widget: QWidget) -> str:
        for scope, name in self.scopes:
            if scope is widget or scope.isAncestorOf(widget):
                return name
        return self.screen


# Widgets and their texts -------------------------------------------------------------------------------
def describe(widget: QWidget) -> str:
    """``Class#objectName``, or for an unnamed widget its class inside the nearest named ancestor."""
    name = type(widget).__name__
    if widget.objectName() and not widget.objectName().startswith("qt_"):
        return f"{name}#{widget.objectName()}"
    parent = widget.parentWidget()
    while parent is not None and (not parent.objectName() or parent.objectName().startswith("qt_")):
        parent = parent.parentWidget()
    return f"{name} in {type(parent).__name__}#{parent.objectName()}" if parent is not None else name


def plain(text: str) -> str:
    """The text as shown: rich text reduced to plain text, the mnemonic ampersands removed."""
    if GuiQt.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def button_text(button: QAbstractButton) -> str:
    return re.sub(r"&(.)", r"\1", button.text())


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def widgets(window: QWidget) -> Iterator[QWidget]:
    """The window and its visible descendants."""
    yield window
    for child in window.findChildren(QWidget):
        if shown(child) and child.window() is window:
            yield child


def visible_texts(window: QWidget) -> Iterator[tuple[QWidget, str, str]]:
    """(widget, what, text) for each text the window shows: labels, buttons, group titles, tabs, table
    headers and cells, list items, combo boxes, placeholders and the window title."""
    if window.windowTitle():
        yield window, "window title", window.windowTitle()
    for w in widgets(window):
        if isinstance(w, QLabel) and w.text() and (w.pixmap() is None or w.pixmap().isNull()):
            yield w, "label", plain(w.text())
        elif isinstance(w, QAbstractButton) and w.text():
            yield w, "button", button_text(w)
        elif isinstance(w, QGroupBox) and w.title():
            yield w, "group title", w.title()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i) and w.tabText(i):
                    yield w, f"tab {i}", re.sub(r"&(.)", r"\1", w.tabText(i))
        elif isinstance(w, QHeaderView) and w.model() is not None:
            for i in _header_sections(w):
                text = w.model().headerData(i, w.orientation(), Qt.ItemDataRole.DisplayRole)
                if text:
                    yield w, f"header {i}", str(text)
        elif isinstance(w, QComboBox) and w.currentText() and not w.isEditable():
            yield w, "combo box", w.currentText()
        elif isinstance(w, QLineEdit) and not w.text() and w.placeholderText():
            yield w, "placeholder", w.placeholderText()
        elif isinstance(w, (QPlainTextEdit, QTextEdit)) and not w.toPlainText() and w.placeholderText():
            yield w, "placeholder", w.placeholderText()
        yield from ((w, what, text) for what, text in painted_texts(w))
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                item = w.item(i)
                if not item.isHidden() and item.text():
                    yield w, f"item {i}", item.text()
        elif isinstance(w, QTableWidget):
            for r in range(min(w.rowCount(), 50)):
                if w.isRowHidden(r):
                    continue
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None and item.text() and not w.isColumnHidden(c):
                        yield w, f"cell {r},{c}", item.text()


def painted_texts(widget: QWidget) -> list[tuple[str, str]]:
    """Texts an image view paints itself: its caption over the picture, its placeholder without one."""
    if not hasattr(widget, "set_caption"):
        return []
    texts = []
    caption = getattr(widget, "_caption", "")
    if caption:
        texts.append(("caption", caption))
    placeholder = getattr(widget, "_placeholder", "")
    if placeholder and hasattr(widget, "image") and widget.image().isNull():
        texts.append(("placeholder", placeholder))
    return texts


def caption_problem(widget: QWidget) -> str | None:
    """Why an image view's caption (bold, 8 px padding each side, 2 px from each edge) is cut, or None."""
    caption = getattr(widget, "_caption", "")
    if not caption or not hasattr(widget, "set_caption"):
        return None
    font = widget.font()
    font.setBold(True)
    need = QFontMetrics(font).horizontalAdvance(caption) + 16
    room = widget.width() - 4
    return f"caption clipped: needs {need} px of width, has {room} px" if need > room + _TOLERANCE else None


def _header_sections(header: QHeaderView) -> list[int]:
    count = header.count()
    return [i for i in range(count) if not header.isSectionHidden(i) and header.sectionSize(i) > 0]


# (a) Text that does not fit --------------------------------------------------------------------------
def _text_size(fm: QFontMetrics, text: str) -> tuple[int, int]:
    rect = fm.boundingRect(QRect(0, 0, 100_000, 100_000), int(Qt.TextFlag.TextExpandTabs), text)
    return max(rect.width(), max((fm.horizontalAdvance(line) for line in text.split("\n")), default=0)), rect.height()


def _label_room(label: QLabel) -> QRect:
    room = label.contentsRect()
    margin = label.margin()
    room = room.adjusted(margin, margin, -margin, -margin)
    indent = label.indent()
    if indent > 0:
        if label.alignment() & (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignRight):
            room.setWidth(room.width() - indent)
        if label.alignment() & (Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignBottom):
            room.setHeight(room.height() - indent)
    return room


def label_problem(label: QLabel) -> str | None:
    """Why ``label``'s text does not fit its contents rect, or None."""
    text = label.text()
    room = _label_room(label)
    if GuiQt.mightBeRichText(text) and label.textFormat() != Qt.TextFormat.PlainText:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if label.wordWrap():
            doc.setTextWidth(room.width())
            need_w, need_h = int(doc.idealWidth()), int(doc.size().height())
        else:
            need_w, need_h = int(doc.idealWidth()), int(doc.size().height())
    else:
        fm = label.fontMetrics()
        if label.wordWrap():
            longest = max((fm.horizontalAdvance(word) for word in re.split(r"\s+", text) if word), default=0)
            if longest > room.width() + _TOLERANCE:
                return f"word-wrapped, but a word needs {longest} px of width and it has {room.width()} px"
            need_w = 0
            need_h = fm.boundingRect(QRect(0, 0, max(room.width(), 1), 100_000),
                                     int(Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextExpandTabs), text).height()
            hfw = label.heightForWidth(label.width())
            need_h = max(need_h, hfw - (label.height() - room.height())) if hfw > 0 else need_h
        else:
            need_w, need_h = _text_size(fm, text)
    if need_w > room.width() + _TOLERANCE:
        return f"clipped: needs {need_w} px of width, has {room.width()} px"
    if need_h > room.height() + _TOLERANCE:
        return f"clipped: needs {need_h} px of height, has {room.height()} px"
    return None


def button_problem(button: QAbstractButton) -> str | None:
    """Why a push button's, check box's or radio button's text does not fit its contents, or None."""
    text = button_text(button)
    fm = button.fontMetrics()
    style = button.style()
    need = fm.horizontalAdvance(text) if "\n" not in text else _text_size(fm, text)[0]
    icon = 0 if button.icon().isNull() else button.iconSize().width() + 4
    if isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button)
        if button.menu() is not None:
            room.setWidth(room.width() - style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button))
    elif isinstance(button, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(button, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        room = style.subElementRect(element, opt, button)
    elif isinstance(button, QToolButton):
        return None if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly or \
            button.width() + _TOLERANCE >= button.sizeHint().width() else \
            f"clipped: needs {button.sizeHint().width()} px of width, has {button.width()} px"
    else:
        return None
    room = room.intersected(button.rect())
    if need + icon > room.width() + _TOLERANCE:
        return f"clipped: text needs {need + icon} px of width, its contents have {room.width()} px"
    ink = fm.tightBoundingRect(text).height() if text.strip() else 0
    if ink > room.height() + _TOLERANCE:
        return f"clipped: text needs {ink} px of height, its contents have {room.height()} px"
    return None


def item_problems(view: QListWidget) -> Iterator[tuple[str, str]]:
    """Items of a list whose text is elided: the room the item gets within the viewport is narrower than
    the size its delegate asks for (text, icon and margins); word-wrapped and icon-mode items are judged by
    their longest word."""
    viewport = view.viewport().rect()
    delegate = view.itemDelegate()
    fm = view.fontMetrics()
    wraps = view.wordWrap() or view.viewMode() == QListWidget.ViewMode.IconMode
    for i in range(view.count()):
        item = view.item(i)
        if item.isHidden() or not item.text():
            continue
        rect = view.visualItemRect(item)
        if not rect.intersects(viewport):
            continue
        room = min(rect.right(), viewport.right()) - rect.left() + 1
        if wraps:
            need = max((fm.horizontalAdvance(w) for w in item.text().split()), default=0)
        else:
            option = QStyleOptionViewItem()
            view.initViewItemOption(option)
            need = delegate.sizeHint(option, view.indexFromItem(item)).width()
        if need > room:  # the delegate elides as soon as the text is wider than its room
            yield item.text(), f"list item elided: needs {need} px of width, has {room} px"


def group_problem(box: QGroupBox) -> str | None:
    opt = QStyleOptionGroupBox()
    box.initStyleOption(opt)
    style = box.style()
    label = style.subControlRect(QStyle.ComplexControl.CC_GroupBox, opt, QStyle.SubControl.SC_GroupBoxLabel, box)
    need = box.fontMetrics().horizontalAdvance(box.title())
    if box.isCheckable():
        check = style.subControlRect(QStyle.ComplexControl.CC_GroupBox, opt,
                                     QStyle.SubControl.SC_GroupBoxCheckBox, box)
        label = label.united(check)
        need += check.width()
    right_edge = max(label.right(), label.left() + need - 1)
    if right_edge > box.rect().right() + _TOLERANCE:
        return f"title clipped: needs {right_edge - box.rect().left() + 1} px of width, the box has {box.width()} px"
    return None


def tab_problems(bar: QTabBar) -> Iterator[tuple[str, str]]:
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text, rect = bar.tabText(i), bar.tabRect(i)
        need = bar.tabSizeHint(i)
        horizontal = bar.shape() in (QTabBar.Shape.RoundedNorth, QTabBar.Shape.RoundedSouth,
                                     QTabBar.Shape.TriangularNorth, QTabBar.Shape.TriangularSouth)
        have, want = (rect.width(), need.width()) if horizontal else (rect.height(), need.height())
        if have + _TOLERANCE < want:
            yield text, f"tab elided: needs {want} px, has {have} px"
        elif not bar.rect().contains(rect):
            yield text, "tab outside the tab bar (hidden behind the scroll buttons)"


def header_problems(header: QHeaderView) -> Iterator[tuple[str, str]]:
    model = header.model()
    style = header.style()
    for i in _header_sections(header):
        text = model.headerData(i, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        opt = QStyleOptionHeader()
        header.initStyleOption(opt)
        opt.section = i
        opt.text = str(text)
        opt.orientation = header.orientation()
        sorted_here = header.isSortIndicatorShown() and header.sortIndicatorSection() == i
        opt.sortIndicator = (QStyleOptionHeader.SortIndicator.SortDown if sorted_here
                             else QStyleOptionHeader.SortIndicator.None_)
        need = style.sizeFromContents(QStyle.ContentsType.CT_HeaderSection, opt, QSize(), header)
        if header.orientation() == Qt.Orientation.Horizontal:  # a column: its text needs the section's width
            size, want, what = header.sectionSize(i), need.width(), "the column has"
        else:  # a row: its text needs the header's width
            size, want, what = header.width(), need.width(), "the row header has"
        if size + _TOLERANCE < want:
            yield str(text), f"header text clipped: needs {want} px, {what} {size} px"


def fit_findings(window: QWidget, ctx: ReviewContext) -> list[Finding]:
    """(a): texts that need more room than their widget gives them, elided texts and elided tabs."""
    found: list[Finding] = []
    ellipsis_ok = ctx.catalogue.ends_with_ellipsis()
    for w in widgets(window):
        problem: str | None = None
        text = ""
        if isinstance(w, QLabel) and w.text() and (w.pixmap() is None or w.pixmap().isNull()):
            text = plain(w.text())
            problem = label_problem(w)
            if problem is None and text.rstrip().endswith((ELLIPSIS, "...")) \
                    and not any(p.match(text) for p in ellipsis_ok):
                problem = "elided: ends with an ellipsis that is not part of its UI text"
        elif isinstance(w, QAbstractButton) and w.text():
            text = button_text(w)
            problem = button_problem(w)
        elif isinstance(w, QGroupBox) and w.title():
            text = w.title()
            problem = group_problem(w)
        elif isinstance(w, QTabBar):
            found += [ctx.finding(w, t, p, "fit") for t, p in tab_problems(w)]
        elif isinstance(w, QHeaderView) and w.model() is not None:
            found += [ctx.finding(w, t, p, "fit") for t, p in header_problems(w)]
        elif isinstance(w, QListWidget):
            found += [ctx.finding(w, t, p, "fit") for t, p in item_problems(w)]
        elif caption_problem(w) is not None:
            text, problem = getattr(w, "_caption", ""), caption_problem(w)
        if problem is not None:
            found.append(ctx.finding(w, text, problem, "fit"))
    return found


# (b) Text in the wrong language ------------------------------------------------------------------------
def language_findings(window: QWidget, ctx: ReviewContext) -> list[Finding]:
    """(b): in Korean, English UI text (a catalogue source without a finished translation, a source shown
    untranslated, or Latin words not allowed); in English, Korean text that is not user data."""
    found: list[Finding] = []
    for widget, what, text in visible_texts(window):
        if widget.objectName() in ctx.content:
            continue
        problem = (korean_problem(text, what, ctx) if ctx.language == "ko" else english_problem(text, what, ctx))
        if problem is not None:
            found.append(ctx.finding(widget, text, f"{what}: {problem}", "language"))
    return found


def _is_user_data(text: str, ctx: ReviewContext) -> bool:
    if text.strip() in ctx.user_data:
        return True
    rest = text
    for value in sorted(ctx.user_data, key=len, reverse=True):
        if value and value in rest:
            rest = rest.replace(value, " ")
    return not LATIN_WORD.search(rest) and not HANGUL.search(rest) if ctx.language == "ko" else \
        not HANGUL.search(rest)


def _strip_user_data(text: str, ctx: ReviewContext) -> str:
    for value in sorted(ctx.user_data, key=len, reverse=True):
        if value and len(value) > 1:
            text = text.replace(value, " ")
    return text


def korean_problem(text: str, what: str, ctx: ReviewContext) -> str | None:
    cat = ctx.catalogue
    source = cat.source_of(text)
    if source is not None and not cat.is_translation(text):
        name, done = source
        if not done:
            return f"English source text without a finished Korean translation ({name!r})"
        return (f"English source text shown untranslated ({name!r} has a Korean translation in the catalogue: "
                f"its context lacks one, the .qm is stale, or the text bypasses tr)")
    rest = _strip_user_data(text, ctx)
    if what.startswith("cell") and re.match(r"^\s*[{\[]|^\s*\w+=", rest):
        return None  # a stored record (JSON, key=value parameters) shown as it is
    rest = _CODES.sub(" ", rest)
    words = [w for w in LATIN_WORD.findall(rest) if len(w) > 1
             and w.lower() not in ctx.latin_allowed and w.lower() not in cat.latin_kept]
    if what.startswith("cell") and HANGUL.search(rest) is None and len(words) <= 1 and \
            not any(w.lower() in _UI_WORDS for w in words):
        return None  # a stored value (a code, a file name, a model name) in a table cell
    if words:
        return f"Latin words in the Korean UI: {', '.join(dict.fromkeys(words))}"
    return None


# e-mails, paths, file names, identifiers with underscores or digits, key sequences: codes, not words
_CODES = re.compile(r"\S+@\S+|[\w.-]*[/\\][\w./\\-]*|\b\w+\.(?:md|pdf|png|jpg|csv|txt|json|toml|mp4|avi)\b"
                    r"|\b\w*_\w*\b|\b[\w-]*\d[\w.-]*\b|\b(?:Ctrl|Alt|Shift|Meta)\+\S+")

# Words that are never a stored value: in a Korean table cell they mean an untranslated UI text.
_UI_WORDS = frozenset({
    "open", "resolved", "pending", "failed", "deferred", "completed", "cancelled", "running", "good", "defect",
    "test", "normal", "admin", "manager", "worker", "viewer", "yes", "no", "true", "false", "none", "unknown",
    "insert", "update", "delete", "false_alarm", "missed_defect", "other_defect_type",
})


def english_problem(text: str, what: str, ctx: ReviewContext) -> str | None:
    if not HANGUL.search(text):
        return None
    if _is_user_data(text, ctx) or text in ctx.user_data:
        return None
    return "Korean text in the English UI"


# (c) Widgets outside their window ----------------------------------------------------------------------
def _scroll_content(widget: QWidget) -> QWidget | None:
    """The scrolled widget of the nearest scroll area ``widget`` lives in (None outside scroll areas)."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return grand.widget() if isinstance(grand, QScrollArea) and grand.widget() is not None else parent
        parent = grand
    return None


def placement_findings(window: QWidget, ctx: ReviewContext, size: tuple[int, int] | None = None) -> list[Finding]:
    """(c): the window larger than ``size`` (it could not shrink to it), and visible widgets that reach
    outside the window (or, inside a scroll area, outside its scrolled content)."""
    found: list[Finding] = []
    if size is not None and (window.width() > size[0] or window.height() > size[1]):
        minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
        found.append(ctx.finding(window, window.windowTitle(),
                                 f"window is {window.width()}x{window.height()}, larger than {size[0]}x{size[1]} "
                                 f"(its minimum is {minimum.width()}x{minimum.height()})", "placement"))
    for w in widgets(window):
        if w is window or isinstance(w.parentWidget(), QTabBar):
            continue
        frame = _scroll_content(w)
        if frame is not None and isinstance(w.parentWidget(), QAbstractItemView):
            continue
        bounds = frame if frame is not None else window
        origin = w.mapTo(bounds, QPoint(0, 0))
        rect = QRect(origin, w.size())
        if not bounds.rect().contains(rect):
            where = "window" if bounds is window else "scroll area content"
            outside = QRect(rect)
            found.append(ctx.finding(w, _any_text(w), f"outside its {where}: at {outside.x()},{outside.y()} size "
                                     f"{outside.width()}x{outside.height()}, the {where} is "
                                     f"{bounds.width()}x{bounds.height()}", "placement"))
            continue
        parent = w.parentWidget()
        if _any_text(w) and parent is not None and parent is not window and frame is None \
                and not isinstance(parent, (QAbstractScrollArea, QComboBox)) \
                and not parent.rect().contains(w.geometry()):
            found.append(ctx.finding(w, _any_text(w), f"reaches outside its parent {describe(parent)} "
                                     f"({w.geometry().getRect()} in {parent.width()}x{parent.height()}): clipped",
                                     "placement"))
    return found


def _any_text(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return plain(widget.text())
    if isinstance(widget, QAbstractButton):
        return button_text(widget)
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def review_window(window: QWidget, ctx: ReviewContext, size: tuple[int, int] | None = None) -> list[Finding]:
    """Every check on one top-level window."""
    return fit_findings(window, ctx) + language_findings(window, ctx) + placement_findings(window, ctx, size)


def report(findings: Iterable[Finding]) -> str:
    """The findings grouped by screen, one line each."""
    by_screen: dict[str, list[Finding]] = {}
    for f in findings:
        by_screen.setdefault(f.screen, []).append(f)
    lines: list[str] = []
    for screen in sorted(by_screen):
        lines.append(f"{screen}:")
        lines += [f"  {f.line()}" for f in by_screen[screen]]
    return "\n".join(lines)
