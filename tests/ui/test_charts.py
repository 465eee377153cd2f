"""The line chart's marker labels stay inside the widget and do not cover each other."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics

from station.ui.widgets.charts import ChartData, LineChart, Marker, Series, x_tick_marks


def test_marker_labels_stay_inside_and_apart(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = LineChart()
    qtbot.addWidget(chart)
    chart.resize(420, 220)
    markers = [Marker(0.85, "FAIL", "#d93025"), Marker(0.86, "UNCERTAIN", "#f5a524"),
               Marker(0.995, "suggested label", "#2563eb")]
    chart.set_data(ChartData(series=[Series("good", [(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)], "#30a46c")],
                             markers=markers))
    chart.show()
    qtbot.waitExposed(chart)
    chart.grab()  # paints
    x0, x1, _y0, y1 = chart._ranges()
    plot_width = chart.width() - 52 - 14

    def pt(x: float, _y: float):  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QPointF
        return QPointF(52 + (x - x0) / (x1 - x0) * plot_width, 20)

    from PySide6.QtCore import QRectF
    plot = QRectF(52, 20, plot_width, 150)
    boxes = chart._marker_labels(plot, pt, QFontMetrics(chart.font()))
    assert all(plot.left() <= box.left() and box.right() <= plot.right() for box in boxes), boxes
    assert boxes[2].right() < pt(0.995, 0).x(), "the label at the right edge goes left of its line"
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_marker_labels_start_below_the_legend_and_limits_paint(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPointF, QRectF

    chart = LineChart()
    qtbot.addWidget(chart)
    chart.resize(420, 220)
    chart.set_data(ChartData(
        series=[Series("EWMA", [(1.0, 0.3), (2.0, 0.4)], dots=True),
                Series("limits", [(1.0, 0.35), (2.0, 0.35)], dashed=True), Series("", [(1.0, 0.25), (2.0, 0.25)])],
        markers=[Marker(1.5, "Camera moved")], highlights=[(2.0, 0.4)]))
    assert not chart.grab().isNull()  # dashed lines, dots and the ringed point paint
    metrics = QFontMetrics(chart.font())
    plot = QRectF(52, 20, 300, 150)
    [box] = chart._marker_labels(plot, lambda x, _y: QPointF(52 + (x - 1.0) * 300, 20), metrics)
    assert box.top() >= plot.top() + metrics.height()  # the legend's row stays free
    chart.set_data(ChartData(series=[Series("", [(1.0, 0.3), (2.0, 0.4)])], markers=[Marker(1.5, "m")]))
    [box] = chart._marker_labels(plot, lambda x, _y: QPointF(52 + (x - 1.0) * 300, 20), metrics)
    assert box.top() == plot.top()  # no legend: labels at the top


def test_an_axis_of_parts_has_whole_ticks_only() -> None:
    counted = ChartData(x_whole=True)
    assert [x for x, _ in x_tick_marks(counted, 0, 2)] == [0, 1, 2]
    assert all(float(x).is_integer() for x, _ in x_tick_marks(counted, 12, 15))
    assert [text for _, text in x_tick_marks(ChartData(), 0, 2)] == ["0", "0.5", "1", "1.5", "2"]
