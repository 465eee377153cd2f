"""How the bench's panes are arranged: the live column on the left, and on the right the result with its
override buttons (scrolling rather than forcing the window taller) above the guide, in a splitter the
worker drags."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget


def live_column(live: QWidget, controls: list[QWidget], below: list[QWidget]) -> QWidget:
    """The live view, a row of controls (a stretch before the last one) and the widgets ``below``."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.addWidget(live, 1)
    row = QHBoxLayout()
    for widget in controls[:-1]:
        row.addWidget(widget)
    row.addStretch(1)
    row.addWidget(controls[-1])
    layout.addLayout(row)
    for widget in below:
        layout.addWidget(widget)
    return column


def result_and_guide(result: QWidget, overrides: QWidget, guide: QWidget) -> QSplitter:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(result, 1)
    layout.addWidget(overrides)
    scroll = QScrollArea()
    scroll.setWidget(box)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName("BenchRightSplitter")
    splitter.addWidget(scroll)
    splitter.addWidget(guide)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 1)
    return splitter
