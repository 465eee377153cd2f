"""A read-only table filled from rows of values, with one hidden id per row and sorting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget


class _Item(QTableWidgetItem):
    """Sorts numbers as numbers."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole + 1), other.data(Qt.ItemDataRole.UserRole + 1)
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return mine < theirs
        return self.text() < other.text()


class DataTable(QTableWidget):
    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setSortingEnabled(True)

    def set_rows(self, rows: Sequence[Sequence[Any]], ids: Sequence[Any] | None = None) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, float):
                    text = f"{value:.3f}"
                else:
                    text = "" if value is None else str(value)
                item = _Item(text)
                item.setData(Qt.ItemDataRole.UserRole + 1, value if isinstance(value, (int, float)) else None)
                if ids is not None and c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, ids[r])
                if isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()

    def selected_id(self) -> Any:
        row = self.currentRow()
        if row < 0 or self.item(row, 0) is None:
            return None
        return self.item(row, 0).data(Qt.ItemDataRole.UserRole)

    def select_id(self, wanted: Any) -> bool:
        for row in range(self.rowCount()):
            if self.item(row, 0) is not None and self.item(row, 0).data(Qt.ItemDataRole.UserRole) == wanted:
                self.selectRow(row)
                return True
        return False

    def column_values(self, column: int) -> list[str]:
        return [self.item(r, column).text() if self.item(r, column) else "" for r in range(self.rowCount())]
