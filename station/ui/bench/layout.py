"""How the bench's panes are arranged, in a splitter the worker drags: on the left the live view with its
controls above the result pictures (test image and nearest good reference), which scale to their room;
on the right the verdict column: the verdict card (banner, scores, defect type, regions) and the override
buttons at its top, sized to their content and never scrolled, then the manual and guide taking the
remaining height. Nothing of the verdict is below a fold at 1366×768."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget


def live_column(live: QWidget, controls: list[QWidget], pictures: QWidget, below: list[QWidget]) -> QWidget:
    """The live view, a row of controls (a stretch before the last one), the result ``pictures`` and the
    widgets ``below``."""
    column = QWidget()
    column.setObjectName("BenchLiveColumn")
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 4, 0)
    layout.addWidget(live, 4)
    row = QHBoxLayout()
    for widget in controls[:-1]:
        row.addWidget(widget)
    row.addStretch(1)
    row.addWidget(controls[-1])
    layout.addLayout(row)
    layout.addWidget(pictures, 5)
    for widget in below:
        layout.addWidget(widget)
    return column


def stacked(*widgets: QWidget) -> QWidget:
    """``widgets`` one above the other, each with its own stretch (1), hidden ones taking no room: the single
    live view or the live views of a product's several views; the per-view result tiles above the pictures."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget, 1)
    return box


def verdict_column(result: QWidget, overrides: QWidget, guide: QWidget) -> QWidget:
    """The verdict card and the override buttons on top (their own height), the guide below (the rest)."""
    column = QWidget()
    column.setObjectName("BenchVerdictColumn")
    layout = QVBoxLayout(column)
    layout.setContentsMargins(4, 0, 0, 0)
    layout.setSpacing(6)
    layout.addWidget(result, 0)
    layout.addWidget(overrides, 0)
    layout.addWidget(guide, 1)
    return column


def bench_splitter(left: QWidget, right: QWidget) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("BenchSplitter")
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, 5)
    splitter.setStretchFactor(1, 4)
    return splitter
