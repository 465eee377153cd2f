"""Dashboard per product (the view ``dashboard_stats``) with charts of the defect rate over time and the
counts by defect type, and on a second tab the control charts (score EWMA, shift p-chart, health alerts);
with a central database configured, the product's stations across the fleet."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.domain.reports import DailyCount, DashboardStats, FleetRow
from station.domain.spc import PChart
from station.ui.env import ScreenEnv
from station.ui.jobs import RequestTracker
from station.ui.supervisor.control_charts import ControlChartsView
from station.ui.widgets.charts import BarChart, ChartData, LineChart, Series
from station.ui.widgets.feedback import MessageBar
from station.ui.widgets.names import defect_name


@dataclass
class DashboardData:
    stats: DashboardStats | None
    daily: list[DailyCount]
    by_type: dict[str, int]
    fleet: list[FleetRow] = field(default_factory=list)
    fleet_shifts: dict[str, PChart] = field(default_factory=dict)  # each station's shift p-chart


class StatCard(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatCard")
        layout = QVBoxLayout(self)
        self.value = QLabel("—")
        self.value.setObjectName("StatValue")
        caption = QLabel(title)
        caption.setObjectName("StatCaption")
        layout.addWidget(self.value)
        layout.addWidget(caption)


class DashboardView(QWidget):
    DAYS = 14

    def __init__(self, env: ScreenEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        grid = QGridLayout()
        self.cards = {key: StatCard(title) for key, title in (
            ("total", self.tr("Inspections")), ("defects", self.tr("Defects found")),
            ("rate", self.tr("Defect rate")), ("uncertain", self.tr("UNCERTAIN")),
            ("pending", self.tr("Awaiting action")),
            ("resolved", self.tr("Resolved")), ("images", self.tr("Library images (good / defect)")),
            ("rating", self.tr("Guide rating")))}
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, 0, i)
        layout.addLayout(grid)
        # The overview charts and the control charts share one place, as tabs (the screen keeps its height).
        self.chart_tabs = QTabWidget()
        self.chart_tabs.setObjectName("DashboardChartTabs")
        overview = QWidget()
        charts = QHBoxLayout(overview)
        charts.setContentsMargins(0, 0, 0, 0)
        self.rate_chart = LineChart()
        self.rate_chart.setObjectName("DefectRateChart")
        self.type_chart = BarChart()
        self.type_chart.setObjectName("DefectTypeChart")
        charts.addWidget(self.rate_chart, 3)
        charts.addWidget(self.type_chart, 2)
        self.control = ControlChartsView(env)
        self.chart_tabs.addTab(overview, self.tr("Overview"))
        self.chart_tabs.addTab(self.control, self.tr("Control charts"))
        self.chart_tabs.currentChanged.connect(lambda _i: self._refresh_control())
        layout.addWidget(self.chart_tabs, 2)
        # The product's stations at the centre (shown only when a central database is configured).
        self.fleet_table = QTableWidget(0, 7)
        self.fleet_table.setObjectName("FleetTable")
        self.fleet_table.setHorizontalHeaderLabels([
            self.tr("Station"), self.tr("Per day"), self.tr("Defect rate"), self.tr("UNCERTAIN rate"),
            self.tr("Pending actions"), self.tr("Last sync"), self.tr("Shifts out of control")])
        charts = env.services.reports.charts
        self.fleet_table.horizontalHeaderItem(6).setToolTip(self.tr(
            "Shifts of the last {0} days whose FAIL + UNCERTAIN rate is outside the station's p-chart "
            "limits").format(charts.SHIFT_DAYS if charts is not None else 0))
        self.fleet_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.fleet_table.setVisible(env.services.reports.has_fleet)
        header = self.fleet_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # headers are never cut
        header.setStretchLastSection(True)
        # the charts take two thirds of the height left, the table (scrolling) one third
        self.fleet_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.fleet_table.setMinimumHeight(96)
        layout.addWidget(self.fleet_table, 1)
        self.data: DashboardData | None = None
        self.requests = RequestTracker()  # only the newest load is shown (an older one may finish later)

    def refresh(self) -> None:
        product = self.env.session.product
        if product is None:
            self.message.show_message(self.tr("Choose a product first."), "warning")
            return
        reports, pid = self.env.services.reports, product.product_id

        now = self.control.clock()

        def load(_ctx: object) -> DashboardData:
            stats = reports.dashboard(pid)
            fleet = reports.fleet(product.code) if reports.has_fleet else []
            shifts = reports.charts.fleet_shifts(product.code, now) if fleet and reports.charts is not None else {}
            return DashboardData(stats[0] if stats else None, reports.daily_counts(pid, self.DAYS),
                                 reports.defect_type_counts(pid), fleet, shifts)

        request = self.requests.begin("dashboard")
        self.env.runner.submit(load, name="dashboard", owner=self, on_done=self._show, on_error=self.message.show_error,
                               request=(self.requests, "dashboard", request))
        self._refresh_control()

    def _refresh_control(self) -> None:
        """The control charts load while their tab is shown (their centre queries are not free)."""
        if self.chart_tabs.currentWidget() is self.control:
            self.control.refresh()

    def _show(self, data: DashboardData) -> None:
        self.data = data
        s = data.stats
        values = {"total": "—", "defects": "—", "rate": "—", "uncertain": "—", "pending": "—", "resolved": "—",
                  "images": "—", "rating": "—"}
        if s is not None:
            values.update(total=str(s.total_inspection_count), defects=str(s.defect_detected_count),
                          rate=f"{s.defect_rate:.1%}", uncertain=str(s.uncertain_count),
                          pending=str(s.pending_action_count + s.pending_review_count),
                          resolved=str(s.resolved_count), images=f"{s.normal_image_count} / {s.defect_image_count}",
                          rating="—" if s.avg_guide_rating is None else f"{s.avg_guide_rating:.1f} / 5")
        for key, card in self.cards.items():
            card.value.setText(values[key])
        points = [(float(i), c.defect_rate) for i, c in enumerate(data.daily)]
        last = len(data.daily) - 1  # every other day, today labelled
        ticks = [(float(i), c.day.strftime("%m-%d")) for i, c in enumerate(data.daily) if (last - i) % 2 == 0]
        has_data = any(c.inspections for c in data.daily)
        self.rate_chart.set_data(ChartData(
            title=self.tr("Defect rate, last {0} days").format(self.DAYS), x_label=self.tr("day"), y_label="%",
            series=[Series(self.tr("defect rate"), points if has_data else [], "#e5484d", fill=True)],
            x_ticks=ticks, y_range=(0.0, min(1.0, max([0.1, *[p[1] for p in points]]) * 1.15))),
            empty_text=self.tr("No inspections in the last {0} days").format(self.DAYS))
        product = self.env.session.product
        names = {d.name_ko: defect_name(d.name_ko, d.name_en, d.code)
                 for d in (product.defect_types if product is not None else ())}
        by_type = sorted(((names.get(k, k), n) for k, n in data.by_type.items()), key=lambda kv: -kv[1])
        self.type_chart.set_values(self.tr("Defects by type"), by_type, empty_text=self.tr("No defects recorded"))
        self._show_fleet(data.fleet, data.fleet_shifts)
        self.control.set_stations(sorted({r.station_id for r in data.fleet}))

    def _show_fleet(self, rows: list[FleetRow], shifts: dict[str, PChart] | None = None) -> None:
        self.fleet_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            chart = (shifts or {}).get(r.station_id)
            charted = [p for p in chart.points if p.p is not None] if chart is not None else []
            out = self.tr("{0} of {1}").format(len(chart.out_of_control), len(charted)) if charted else "—"
            cells = (r.station_id, f"{r.per_day:.1f}", f"{r.defect_rate:.1%}", f"{r.uncertain_rate:.1%}",
                     str(r.pending_actions + r.pending_reviews),
                     r.last_received_at.strftime("%Y-%m-%d %H:%M") if r.last_received_at else "—", out)
            for j, value in enumerate(cells):
                self.fleet_table.setItem(i, j, QTableWidgetItem(value))
