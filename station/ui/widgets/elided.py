"""A one-line label that may be narrower than its text: it draws the text cut with an ellipsis (…) instead of
widening its window, so a long status line never pushes the window past a small screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QWidget


class ElidedLabel(QLabel):
    """A :class:`QLabel` for one line of plain text whose minimum width is ``min_chars`` characters: given
    less room than its text needs, it shows the beginning and an ellipsis (its tooltip, when none is set,
    is then the whole text)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, min_chars: int = 6) -> None:
        super().__init__(text, parent)
        self._min_chars = min_chars
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        full = super().minimumSizeHint()
        floor = self.fontMetrics().horizontalAdvance("x" * self._min_chars) + self.contentsMargins().left() \
            + self.contentsMargins().right()
        return QSize(min(full.width(), floor), full.height())

    def elided(self) -> bool:
        """Whether the label is narrower than its text now."""
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if not self.elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(painter, rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), text, self.foregroundRole())

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        if event.type() == event.Type.ToolTip and not self.toolTip() and self.elided():
            from PySide6.QtWidgets import QToolTip

            QToolTip.showText(event.globalPos(), self.text(), self)
            return True
        return super().event(event)
