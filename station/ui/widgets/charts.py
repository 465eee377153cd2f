"""Small charts painted with QPainter (PySide6-Essentials has no QtCharts): line/area series on numeric
axes (solid or dashed, e.g. control limits) with vertical markers, a shaded band and highlighted points
(e.g. points out of control), and horizontal bar charts for counts by category."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#2f7de1", "#e5484d", "#30a46c", "#f5a524", "#8e4ec6", "#12a594")


@dataclass
class Series:
    label: str  # "" keeps the series out of the legend
    points: list[tuple[float, float]]
    colour: str = PALETTE[0]
    fill: bool = False
    step: bool = False
    dashed: bool = False
    dots: bool = False  # a small dot at every point


@dataclass
class Marker:
    x: float
    label: str
    colour: str = "#e5484d"


@dataclass
class ChartData:
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    series: list[Series] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    band: tuple[float, float] | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    x_ticks: list[tuple[float, str]] | None = None
    x_whole: bool = False  # the x axis counts things (parts): ticks only at whole numbers
    highlights: list[tuple[float, float]] = field(default_factory=list)  # ringed in red


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = int(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-6:
        if value >= low - step * 1e-6:
            ticks.append(round(value, 10))
        value += step
    return ticks


def x_tick_marks(data: ChartData, low: float, high: float) -> list[tuple[float, str]]:
    """The x axis' (position, text) ticks: the data's own, else round numbers (whole ones for a count)."""
    if data.x_ticks:
        return data.x_ticks
    return [(x, f"{x:g}") for x in _nice_ticks(low, high) if not data.x_whole or float(x).is_integer()]


class LineChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = ChartData()
        self._empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(420, 240)

    def set_data(self, data: ChartData, empty_text: str = "") -> None:
        self._data = data
        self._empty_text = empty_text
        self.update()

    def data(self) -> ChartData:
        return self._data

    def _ranges(self) -> tuple[float, float, float, float]:
        xs = [p[0] for s in self._data.series for p in s.points] + [m.x for m in self._data.markers]
        ys = [p[1] for s in self._data.series for p in s.points]
        x0, x1 = self._data.x_range or ((min(xs), max(xs)) if xs else (0.0, 1.0))
        y0, y1 = self._data.y_range or (min([0.0, *ys]), max([1e-9, *ys]) * 1.1)
        return x0, (x1 if x1 > x0 else x0 + 1), y0, (y1 if y1 > y0 else y0 + 1)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg = self.palette().color(self.foregroundRole())
        grid = QColor(fg)
        grid.setAlpha(40)
        metrics = p.fontMetrics()
        top = metrics.height() + 10 if self._data.title else 8
        plot = QRectF(52, top, self.width() - 52 - 14, self.height() - top - metrics.height() * 2 - 12)
        if self._data.title:
            p.setPen(fg)
            p.drawText(QRectF(0, 2, self.width(), metrics.height() + 4), Qt.AlignmentFlag.AlignCenter,
                       self._data.title)
        if not any(s.points for s in self._data.series):
            p.setPen(fg)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)
            return
        x0, x1, y0, y1 = self._ranges()

        def pt(x: float, y: float) -> QPointF:
            return QPointF(plot.left() + (x - x0) / (x1 - x0) * plot.width(),
                           plot.bottom() - (y - y0) / (y1 - y0) * plot.height())

        if self._data.band is not None:
            a, b = self._data.band
            band = QRectF(pt(a, y1), pt(b, y0))
            p.fillRect(band, QColor(245, 165, 36, 50))
        p.setPen(QPen(grid, 1))
        for y in _nice_ticks(y0, y1):
            p.drawLine(pt(x0, y), pt(x1, y))
            p.setPen(fg)
            label = f"{y:.0%}" if self._data.y_label == "%" else f"{y:g}"
            p.drawText(QRectF(0, pt(x0, y).y() - 8, 48, 16), Qt.AlignmentFlag.AlignRight, label)
            p.setPen(QPen(grid, 1))
        ticks = x_tick_marks(self._data, x0, x1)
        p.setPen(fg)
        for x, text in ticks:
            at = pt(x, y0)
            p.drawText(QRectF(at.x() - 40, plot.bottom() + 2, 80, metrics.height()), Qt.AlignmentFlag.AlignHCenter,
                       text)
        p.drawText(QRectF(plot.left(), plot.bottom() + metrics.height() + 2, plot.width(), metrics.height() + 4),
                   Qt.AlignmentFlag.AlignCenter, self._data.x_label)
        p.setPen(QPen(fg, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        for series in self._data.series:
            if not series.points:
                continue
            path = QPainterPath(pt(*series.points[0]))
            for (xa, ya), (xb, yb) in zip(series.points, series.points[1:]):
                if series.step:
                    path.lineTo(pt(xb, ya))
                path.lineTo(pt(xb, yb))
            colour = QColor(series.colour)
            if series.fill:
                area = QPainterPath(path)
                area.lineTo(pt(series.points[-1][0], y0))
                area.lineTo(pt(series.points[0][0], y0))
                area.closeSubpath()
                fill = QColor(colour)
                fill.setAlpha(60)
                p.fillPath(area, fill)
            p.setPen(QPen(colour, 1 if series.dashed else 2,
                          Qt.PenStyle.DashLine if series.dashed else Qt.PenStyle.SolidLine))
            p.drawPath(path)
            if series.dots:
                p.setBrush(colour)
                for x, y in series.points:
                    p.drawEllipse(pt(x, y), 2, 2)
                p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("#e5484d"), 2))
        for x, y in self._data.highlights:
            p.drawEllipse(pt(x, y), 5, 5)
        for marker, box in zip(self._data.markers, self._marker_labels(plot, pt, metrics)):
            p.setPen(QPen(QColor(marker.colour), 2, Qt.PenStyle.DashLine))
            p.drawLine(pt(marker.x, y0), pt(marker.x, y1))
            p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, marker.label)
        legend_x = plot.left() + 8
        for series in self._data.series:
            if not series.label:
                continue
            p.fillRect(QRectF(legend_x, plot.top() + 4, 10, 10), QColor(series.colour))
            p.setPen(fg)
            p.drawText(QPointF(legend_x + 14, plot.top() + 13), series.label)
            legend_x += metrics.horizontalAdvance(series.label) + 30


    def _marker_labels(self, plot: QRectF, pt, metrics) -> list[QRectF]:  # type: ignore[no-untyped-def]
        """Where each marker's label goes, inside the plot below the legend: right of its line, or left of it
        where the plot's edge would cut it; a label that would cover an earlier one moves a line down."""
        boxes: list[QRectF] = []
        top = plot.top() + (metrics.height() + 6 if any(s.label for s in self._data.series) else 0)  # below the legend
        for marker in self._data.markers:
            width, height = metrics.horizontalAdvance(marker.label) + 2, metrics.height()
            x = pt(marker.x, 0).x()
            box = QRectF(x + 4, top, width, height)
            if box.right() > plot.right():
                box.moveLeft(x - 4 - width)
            while any(box.intersects(other) for other in boxes):
                box.translate(0, height)
            boxes.append(box)
        return boxes


class BarChart(QWidget):
    """Horizontal bars, one per category, with the count at the end of each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = ""
        self._values: list[tuple[str, float]] = []
        self._empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 120)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, 220)

    def set_values(self, title: str, values: list[tuple[str, float]], empty_text: str = "") -> None:
        self._title, self._values, self._empty_text = title, list(values), empty_text
        self.update()

    def values(self) -> list[tuple[str, float]]:
        return list(self._values)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg = self.palette().color(self.foregroundRole())
        metrics = p.fontMetrics()
        p.setPen(fg)
        top = metrics.height() + 10
        p.drawText(QRectF(0, 2, self.width(), metrics.height() + 4), Qt.AlignmentFlag.AlignCenter, self._title)
        if not self._values:
            p.drawText(QRectF(0, top, self.width(), self.height() - top), Qt.AlignmentFlag.AlignCenter,
                       self._empty_text)
            return
        label_w = min(max(metrics.horizontalAdvance(v[0]) for v in self._values) + 12, self.width() * 0.4)
        top_value = max(v[1] for v in self._values) or 1.0
        row_h = min(34.0, (self.height() - top - 8) / len(self._values))
        for i, (label, value) in enumerate(self._values):
            y = top + i * row_h
            p.setPen(fg)
            p.drawText(QRectF(0, y, label_w - 6, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       label)
            width = (self.width() - label_w - 56) * value / top_value
            p.fillRect(QRectF(label_w, y + row_h * 0.18, max(width, 2), row_h * 0.64),
                       QColor(PALETTE[i % len(PALETTE)]))
            p.drawText(QRectF(label_w + width + 6, y, 50, row_h), Qt.AlignmentFlag.AlignVCenter, f"{value:g}")
