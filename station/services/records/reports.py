"""Supervisor reporting: dashboard per product, defects awaiting action, history, shift report (CSV rows).

Every row and count uses the effective verdict: where a person overrode the station, the latest override
decides (a false alarm leaves the defects and the queue, a missed defect enters them); the row keeps the
station's verdict and who overrode it when. The shift report also lists the period's corrective actions and
overrides, and its control-chart figures (``control_charts``): the shift's FAIL/UNCERTAIN proportion against
the p-chart of the shifts before it, each part's EWMA of the anomaly score, the health alerts raised in it.
Its PDF is rendered by the GUI from :class:`ShiftReport`; everything else is here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from station.domain.reports import (
    AWAITING_STATUSES,
    ActionLine,
    STATUS_OPEN,
    STATUS_REVIEW,
    DailyCount,
    DashboardStats,
    FleetRow,
    HistoryFilter,
    InspectionRow,
    OverrideLine,
    local_time,
    utc_from_local,
)
from station.domain.spc import ShiftSpc
from station.services.records.control_charts import ControlCharts
from station.services.records.ports import FleetReader, ReportReader

CSV_COLUMNS = ("inspection_code", "inspection_date", "product_code", "inspector", "verdict", "defect_type",
               "anomaly_score", "confidence", "action_status", "station_verdict", "override", "overridden_by",
               "overridden_at", "ewma", "ewma_lcl", "ewma_ucl", "ewma_out_of_control")


@dataclass(frozen=True)
class ShiftReport:
    product_code: str
    product_name: str
    start: datetime
    end: datetime
    rows: list[InspectionRow]
    by_defect_type: dict[str, int] = field(default_factory=dict)
    actions: list[ActionLine] = field(default_factory=list)  # made in the period, oldest first
    overrides: list[OverrideLine] = field(default_factory=list)  # made in the period, oldest first
    spc: ShiftSpc | None = None  # control-chart figures (None where the service has no charts)

    @property
    def overridden(self) -> int:
        """Listed parts whose verdict a person overrode (at any time)."""
        return sum(1 for r in self.rows if r.overridden)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def defects(self) -> int:
        return sum(1 for r in self.rows if r.defect_detected)

    @property
    def uncertain(self) -> int:
        """Parts judged UNCERTAIN (held for review): their own state, not defects."""
        return sum(1 for r in self.rows if r.verdict == "UNCERTAIN")

    @property
    def open_actions(self) -> int:
        return sum(1 for r in self.rows if r.action_status == STATUS_OPEN)

    @property
    def awaiting_review(self) -> int:
        return sum(1 for r in self.rows if r.action_status == STATUS_REVIEW)

    @property
    def defect_rate(self) -> float:
        return self.defects / self.total if self.total else 0.0

    def to_csv(self) -> str:
        """UTF-8 CSV text (with BOM, so spreadsheet programs show Korean correctly)."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        charted = {p.code: p for p in self.spc.in_shift} if self.spc is not None else {}
        for r in self.rows:
            point = charted.get(r.inspection_code)  # a FAIL part is not on the score chart
            shown = local_time(r.inspection_date)  # stored in UTC; the report is read in local time
            writer.writerow([
                r.inspection_code, shown.isoformat(sep=" ", timespec="seconds") if shown else "", r.product_code, r.inspector or "", row_verdict(r),
                r.defect_name_ko or "", "" if r.anomaly_score is None else f"{r.anomaly_score:.4f}",
                "" if r.confidence_score is None else f"{r.confidence_score:.4f}", r.action_status,
                r.station_verdict or "", r.override_kind or "", r.overridden_by or "",
                _shown(r.overridden_at),
                *(("", "", "", "") if point is None else (
                    f"{point.ewma:.4f}", "" if point.lcl is None else f"{point.lcl:.4f}",
                    "" if point.ucl is None else f"{point.ucl:.4f}", "yes" if point.out_of_control else "no")),
            ])
        return out.getvalue()


def _shown(moment: datetime | None) -> str:
    shown = local_time(moment)
    return shown.isoformat(sep=" ", timespec="seconds") if shown else ""


def row_verdict(row: InspectionRow) -> str:
    """PASS / FAIL / UNCERTAIN of a listed inspection (legacy rows without a stored verdict: by the defect)."""
    if row.verdict:
        return row.verdict
    return "FAIL" if row.defect_detected else "PASS"


def shift_window(day: date, start_hour: int, hours: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(hour=start_hour))
    return start, start + timedelta(hours=hours)


class ReportService:
    FLEET_DAYS = 7

    def __init__(self, reader: ReportReader, fleet: FleetReader | None = None,
                 charts: ControlCharts | None = None) -> None:
        self._reader = reader
        self._fleet = fleet
        self.charts = charts  # the control charts (None: reports without them)

    @property
    def has_fleet(self) -> bool:
        """True when a central database is configured (the view across stations is available)."""
        return self._fleet is not None

    def fleet(self, product_code: str | None = None, days: int = FLEET_DAYS,
              today: date | None = None) -> list[FleetRow]:
        """Per station (and product) at the centre over the last ``days`` days; [] without a centre."""
        if self._fleet is None:
            return []
        since = (today or date.today()) - timedelta(days=days - 1)
        return self._fleet.fleet(since, product_code=product_code)

    def dashboard(self, product_id: int | None = None) -> list[DashboardStats]:
        stats = self._reader.dashboard()
        return [s for s in stats if product_id is None or s.product_id == product_id]

    def awaiting_action(self, product_code: str | None = None) -> list[InspectionRow]:
        """Defects with no action result yet (미조치) and UNCERTAIN parts held for review (검토대기), as the
        view ``recent_inspections`` marks them."""
        return [r for r in self._reader.recent(product_code) if r.action_status in AWAITING_STATUSES]

    def history(self, flt: HistoryFilter) -> list[InspectionRow]:
        return self._reader.history(flt)

    def daily_counts(self, product_id: int, days: int = 14, today: date | None = None) -> list[DailyCount]:
        """One entry per day of the last ``days`` days (days without inspections included, as zeros)."""
        end = (today or date.today()) + timedelta(days=1)
        start = end - timedelta(days=days)
        found = {c.day: c for c in self._reader.daily_counts(product_id, start, end)}
        return [found.get(start + timedelta(days=i), DailyCount(start + timedelta(days=i), 0, 0))
                for i in range(days)]

    def defect_type_counts(self, product_id: int, days: int | None = None) -> dict[str, int]:
        start = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=days) if days else None
        return self._reader.defect_type_counts(product_id, start)

    def shift_report(self, product_id: int, product_code: str, product_name: str, start: datetime,
                     end: datetime) -> ShiftReport:
        """``start``/``end``: the shift in local time (as a person names it); rows are queried in UTC."""
        rows = self._reader.history(HistoryFilter(product_id=product_id, start=utc_from_local(start),
                                                  end=utc_from_local(end), limit=100000))
        by_type: dict[str, int] = {}
        for r in rows:
            if r.defect_detected:
                key = r.defect_name_ko or "?"
                by_type[key] = by_type.get(key, 0) + 1
        actions, overrides = self._reader.shift_activity(product_id, utc_from_local(start), utc_from_local(end))
        spc = self.charts.shift_figures(product_code, start, end, rows) if self.charts is not None else None
        return ShiftReport(product_code, product_name, start, end, rows, by_type, actions, overrides, spc)
