"""Control charts at the supervisor's desk: the EWMA chart of a product's anomaly scores and the p-chart of
its FAIL/UNCERTAIN rate per shift (method and parameters: ``station.domain.spc``), with the camera/process
health alerts of their period, from the station's own store or, per station or for the fleet, from the
centre; and the same figures for one shift report.

Windows: the score chart shows the newest :data:`SCORE_PARTS` parts of the last :data:`SCORE_DAYS` days up
to ``now`` (its baseline is the first parts of that window judged at the current model); the p-chart the
shifts of the last :data:`SHIFT_DAYS` days up to ``now``. A shift report's shift is judged against the
p-chart of the :data:`SHIFT_DAYS` days before it, and its parts are charted after the
:data:`SCORE_PARTS` parts before it. ``now`` is always given by the caller (plant time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from station.domain.reports import InspectionRow
from station.domain.spc import (
    PChart,
    ShiftSpc,
    SpcCharts,
    p_chart,
    score_chart,
)
from station.services.records.ports import HealthMarkReader, SpcReader

SCORE_PARTS = 300
SCORE_DAYS = 30
SHIFT_DAYS = 14


class ControlCharts:
    """``local``: the station's store; ``centre``: the central database (None when none is configured)."""

    SCORE_PARTS, SCORE_DAYS, SHIFT_DAYS = SCORE_PARTS, SCORE_DAYS, SHIFT_DAYS

    def __init__(self, local: SpcReader, local_health: HealthMarkReader | None = None,
                 centre: SpcReader | None = None, centre_health: HealthMarkReader | None = None) -> None:
        self._local, self._local_health = local, local_health
        self._centre, self._centre_health = centre, centre_health

    @property
    def has_centre(self) -> bool:
        return self._centre is not None

    def station(self, product_code: str, now: datetime) -> SpcCharts:
        """Both charts of the product on this station's store."""
        return self._charts(self._local, self._local_health, product_code, now, None, "station")

    def centre(self, product_code: str, now: datetime, station_id: str | None = None) -> SpcCharts:
        """Both charts of the product at the centre: one station's, or every station's together (None)."""
        if self._centre is None:
            raise LookupError("no central database is configured")
        return self._charts(self._centre, self._centre_health, product_code, now, station_id, "centre")

    def _charts(self, reader: SpcReader, health: HealthMarkReader | None, product_code: str, now: datetime,
                station_id: str | None, source: str) -> SpcCharts:
        parts = reader.scored_parts(product_code, now - timedelta(days=SCORE_DAYS), now, SCORE_PARTS, station_id)
        scores = score_chart(parts)
        shifts = self._shifts(reader, product_code, now, SHIFT_DAYS, station_id)
        start = min([now - timedelta(days=SHIFT_DAYS), *(p.at for p in scores.points if p.at is not None)])
        marks = health.health_marks(product_code, start, now, station_id) if health is not None else None
        return SpcCharts(product_code, station_id, scores, shifts, marks or [], source, marks is not None)

    @staticmethod
    def _shifts(reader: SpcReader, product_code: str, now: datetime, days: int,
                station_id: str | None) -> PChart:
        last = now.date()
        counts = reader.shift_counts(product_code, last - timedelta(days=days - 1), last + timedelta(days=1),
                                     station_id)
        return p_chart(counts)

    def fleet_shifts(self, product_code: str, now: datetime) -> dict[str, PChart]:
        """Each station's shift p-chart at the centre (its own p̄), {} without a centre."""
        if self._centre is None:
            return {}
        last = now.date()
        counts = self._centre.station_shift_counts(product_code, last - timedelta(days=SHIFT_DAYS - 1),
                                                   last + timedelta(days=1))
        return {station: p_chart(c) for station, c in counts.items()}

    def shift_figures(self, product_code: str, start: datetime, end: datetime,
                      rows: list[InspectionRow]) -> ShiftSpc:
        """The report's shift [start, end) (plant time) on this station: its rows' FAIL/UNCERTAIN proportion
        (effective verdict) against the shifts of the days before it, its parts on the score chart."""
        reference = self._local.shift_counts(product_code, start.date() - timedelta(days=SHIFT_DAYS), start.date())
        before = p_chart(reference)
        flagged = sum(1 for r in rows if (r.verdict or ("FAIL" if r.defect_detected else "PASS"))
                      in ("FAIL", "UNCERTAIN"))
        parts = self._local.scored_parts(product_code, start - timedelta(days=SCORE_DAYS), end,
                                         SCORE_PARTS + len(rows))
        scores = score_chart(parts)
        in_shift = [p for p in scores.points if p.at is not None and start <= p.at < end]
        marks = self._local_health.health_marks(product_code, start, end) if self._local_health else None
        return ShiftSpc(len(rows), flagged, before.p_bar, len([p for p in before.points if p.p is not None]),
                        scores, in_shift, marks or [], marks is not None)

