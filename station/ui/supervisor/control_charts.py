"""The dashboard's control charts: the EWMA chart of the product's anomaly scores and the p-chart of its
FAIL/UNCERTAIN rate per shift (effective verdicts), with their limits, the points out of control ringed and
the camera/process health alerts marked, for this station or, with a centre, for one station or all of
them (method and parameters: ``station.domain.spc``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.domain.spc import EwmaChart, PChart, SpcCharts, alert_part_index, alert_shift_index
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.widgets.charts import ChartData, LineChart, Marker, Series
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import health_alert_name

LIMIT_COLOUR, CENTRE_COLOUR, VALUE_COLOUR, ALERT_COLOUR = "#e5484d", "#8b8d98", "#2f7de1", "#f5a524"
THIS_STATION = ""  # the source combo's data for this station's own store
ALL_STATIONS = "*"  # ... for every station at the centre


def _when(moment: datetime | None) -> str:
    return moment.strftime("%m-%d %H:%M") if moment else ""


class ControlChartsView(QWidget):
    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.clock: Callable[[], datetime] = datetime.now  # plant (local) time; tests give a fixed one
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.source = QComboBox()
        self.source.setObjectName("SpcSource")
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.source.addItem(self.tr("This station"), THIS_STATION)
        row.addWidget(QLabel(self.tr("Charts of")))
        row.addWidget(self.source)
        self.summary = QLabel()
        self.summary.setObjectName("SpcSummary")
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        self.message = MessageBar()
        layout.addWidget(self.message)
        charts = QHBoxLayout()
        self.score_chart = LineChart()
        self.score_chart.setObjectName("ScoreEwmaChart")
        self.shift_chart = LineChart()
        self.shift_chart.setObjectName("ShiftPChart")
        charts.addWidget(self.score_chart, 1)
        charts.addWidget(self.shift_chart, 1)
        layout.addLayout(charts, 1)
        self.charts: SpcCharts | None = None
        self.requests = RequestTracker()  # only the newest load is shown (another source may answer later)
        self.source.activated.connect(lambda _i: self.refresh())

    def set_stations(self, stations: list[str]) -> None:
        """The centre's stations of the product (the choices besides this station)."""
        chosen = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(self.tr("This station"), THIS_STATION)
        if stations:
            self.source.addItem(self.tr("All stations (centre)"), ALL_STATIONS)
            for station in stations:
                self.source.addItem(self.tr("{0} (centre)").format(station), station)
        index = self.source.findData(chosen)
        self.source.setCurrentIndex(max(index, 0))
        self.source.blockSignals(False)

    def refresh(self) -> None:
        product = self.env.session.product
        charts = self.env.services.reports.charts
        if product is None or charts is None:
            return
        now, source, code = self.clock(), self.source.currentData() or THIS_STATION, product.code

        def load(_ctx: object) -> SpcCharts:
            if source == THIS_STATION:
                return charts.station(code, now)
            return charts.centre(code, now, None if source == ALL_STATIONS else source)

        request = self.requests.begin("charts")
        self.env.runner.submit(load, name="control-charts", owner=self, on_done=self.show_charts,
                               on_error=self.message.show_error, request=(self.requests, "charts", request))

    def show_charts(self, spc: SpcCharts) -> None:
        self.charts = spc
        self.message.clear_message()
        charts = self.env.services.reports.charts
        score_days, shift_days = (charts.SCORE_DAYS, charts.SHIFT_DAYS) if charts is not None else (0, 0)
        self.score_chart.set_data(self.score_data(spc),
                                  empty_text=self.tr("No scored parts in the last {0} days").format(score_days))
        self.shift_chart.set_data(self.shift_data(spc),
                                  empty_text=self.tr("No inspections in the last {0} days").format(shift_days))
        self.summary.setText("\n".join(self.summary_lines(spc)))

    def score_data(self, spc: SpcCharts) -> ChartData:
        chart = spc.scores
        points = chart.points
        series = [Series(self.tr("EWMA"), [(p.index, p.ewma) for p in points], VALUE_COLOUR, dots=True)]
        values = [p.ewma for p in points]
        if chart.has_limits:
            series += [
                Series(self.tr("limits"), [(p.index, p.ucl) for p in points if p.ucl is not None], LIMIT_COLOUR,
                       dashed=True),
                Series("", [(p.index, p.lcl) for p in points if p.lcl is not None], LIMIT_COLOUR, dashed=True),
                Series(self.tr("centre"), [(points[0].index, chart.centre), (points[-1].index, chart.centre)],
                       CENTRE_COLOUR, dashed=True)]
            values += [v for p in points for v in (p.lcl, p.ucl) if v is not None]
        markers = []
        for mark in spc.alerts:
            x = alert_part_index(chart, mark)
            if x is not None:
                markers.append(Marker(x, health_alert_name(mark.kind), ALERT_COLOUR))
        y_range = None
        if values:
            low, high = min(values), max(values)
            pad = (high - low) * 0.15 or 0.01
            y_range = (low - pad, high + pad * 2)
        return ChartData(
            title=self.tr("Anomaly score EWMA (λ {0}, L {1})").format(f"{chart.lam:g}", f"{chart.width:g}"),
            x_label=self.tr("part"), x_whole=True, series=series if points else [],
            markers=markers if points else [],
            y_range=y_range, x_range=(points[0].index - 1, points[-1].index + 1) if points else None,
            highlights=[(p.index, p.ewma) for p in chart.out_of_control])

    def shift_data(self, spc: SpcCharts) -> ChartData:
        chart = spc.shifts
        shown = [(i, p) for i, p in enumerate(chart.points) if p.p is not None]
        series = [Series(self.tr("FAIL + UNCERTAIN"), [(i, p.p) for i, p in shown], VALUE_COLOUR, dots=True)]
        tops = [p.p for _i, p in shown]
        if chart.p_bar is not None and shown:
            upper = [xy for i, p in shown for xy in ((i - 0.4, p.ucl), (i + 0.4, p.ucl))]
            lower = [xy for i, p in shown for xy in ((i - 0.4, p.lcl), (i + 0.4, p.lcl))]
            series += [Series(self.tr("limits"), upper, LIMIT_COLOUR, dashed=True),
                       Series("", lower, LIMIT_COLOUR, dashed=True),
                       Series(self.tr("p̄"), [(shown[0][0] - 0.4, chart.p_bar), (shown[-1][0] + 0.4, chart.p_bar)],
                              CENTRE_COLOUR, dashed=True)]
            tops += [p.ucl for _i, p in shown]
        markers = []
        for mark in spc.alerts:
            at = alert_shift_index(chart, mark)
            if at is not None:
                markers.append(Marker(at - 0.45, health_alert_name(mark.kind), ALERT_COLOUR))
        step = max(1, len(chart.points) // 6)
        ticks = [(float(i), p.count.label) for i, p in enumerate(chart.points) if i % step == 0]
        top = max([0.05, *[t for t in tops if t is not None]]) * 1.15
        return ChartData(
            title=self.tr("FAIL + UNCERTAIN per shift (p-chart)"), x_label=self.tr("shift"), y_label="%",
            series=series if shown else [], markers=markers if shown else [], x_ticks=ticks,
            x_range=(-0.6, len(chart.points) - 0.4) if chart.points else None, y_range=(0.0, min(1.0, top)),
            highlights=[(i, p.p) for i, p in shown if p.out_of_control and p.p is not None])

    def summary_lines(self, spc: SpcCharts) -> list[str]:
        return [self._score_line(spc.scores), self._shift_line(spc.shifts), self._alerts_line(spc)]

    def _score_line(self, chart: EwmaChart) -> str:
        if not chart.points:
            return self.tr("Scores: no parts judged at the current model.")
        if not chart.has_limits:
            return self.tr("Scores: too few parts at the current model for limits ({0}).").format(len(chart.points))
        out, first = chart.out_of_control, chart.first_out
        head = self.tr("Scores: centre {0}, σ {1} from the first {2} parts at the current model;").format(
            f"{chart.centre:.3f}", f"{chart.sigma:.3f}", chart.baseline_parts)
        if first is None:
            return head + " " + self.tr("all {0} parts within the limits.").format(len(chart.points))
        return head + " " + self.tr("{0} of {1} parts out of control, first part {2} ({3}).").format(
            len(out), len(chart.points), first.index, _when(first.at))

    def _shift_line(self, chart: PChart) -> str:
        shifts = [p for p in chart.points if p.p is not None]
        if chart.p_bar is None or not shifts:
            return self.tr("Shifts: no inspections.")
        out = chart.out_of_control
        head = self.tr("Shifts (effective verdicts): p̄ {0};").format(f"{chart.p_bar:.1%}")
        if not out:
            return head + " " + self.tr("all {0} shifts within the limits.").format(len(shifts))
        return head + " " + self.tr("{0} of {1} shifts out of control: {2}.").format(
            len(out), len(shifts), ", ".join(p.count.label for p in out))

    def _alerts_line(self, spc: SpcCharts) -> str:
        if not spc.alerts_available:
            return self.tr("Health alerts: not kept by this store.")
        if not spc.alerts:
            return self.tr("Health alerts: none in this period.")
        return self.tr("Health alerts: {0}.").format(", ".join(
            f"{health_alert_name(m.kind)} {_when(m.at)}" for m in spc.alerts[-3:]))
