"""The control charts' arithmetic on known data: the EWMA chart of a series that shifts, the p-chart of
shifts with one bad one, which parts the score chart takes, the plant's shifts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from station.domain.spc import (
    D2,
    HealthMark,
    ScoredPart,
    ShiftCount,
    alert_part_index,
    alert_shift_index,
    baseline,
    charted_parts,
    ewma_chart,
    ewma_limits,
    p_chart,
    score_chart,
    shift_of,
)

T0 = datetime(2026, 3, 2, 6, 0)


def _shifted(shift_at: int = 41, level: float = 0.36, count: int = 60) -> list[float]:
    """0.29, 0.31, 0.29, ... (mean 0.30, moving range 0.02), then ``level`` from part ``shift_at`` on."""
    return [0.30 + (0.01 if i % 2 else -0.01) if i < shift_at else level for i in range(1, count + 1)]


def test_baseline_is_the_mean_and_the_average_moving_range_over_d2() -> None:
    mean, sigma = baseline(_shifted()[:30])
    assert mean == pytest.approx(0.30)
    assert sigma == pytest.approx(0.02 / D2)
    assert D2 == 1.128


def test_a_shifted_series_crosses_the_upper_limit_at_the_expected_part() -> None:
    chart = ewma_chart(_shifted())
    assert (chart.lam, chart.width, chart.baseline_parts) == (0.2, 3.0, 30)
    sigma = 0.02 / D2
    # exact limits: narrow first, then 3 sigma * sqrt(0.2 / 1.8) = 1 sigma
    assert chart.points[0].ucl == pytest.approx(0.30 + 3 * sigma * (0.2 / 1.8 * (1 - 0.8 ** 2)) ** 0.5)
    assert chart.points[-1].ucl == pytest.approx(0.30 + sigma, abs=1e-6)
    # after the shift of 0.06 the EWMA is 0.30 + 0.06 * (1 - 0.8^k): 0.012 at part 41 (inside 0.0177),
    # 0.0216 at part 42 (outside)
    assert [p.index for p in chart.points if p.out_of_control][:1] == [42]
    assert chart.first_out is not None and chart.first_out.index == 42
    assert all(not p.out_of_control for p in chart.points[:41])
    assert all(p.out_of_control for p in chart.points[41:])


def test_a_downward_shift_crosses_the_lower_limit() -> None:
    chart = ewma_chart(_shifted(level=0.24))
    assert chart.first_out is not None and chart.first_out.index == 42
    assert chart.first_out.ewma < chart.first_out.lcl  # type: ignore[operator]


def test_no_limits_without_enough_baseline_parts() -> None:
    chart = ewma_chart(_shifted(count=19))
    assert not chart.has_limits and chart.out_of_control == [] and chart.points[0].ucl is None


def test_ewma_limits_formula() -> None:
    low, high = ewma_limits(1.0, 0.5, 1, lam=0.2, width=3.0)
    assert high - 1.0 == pytest.approx(3 * 0.5 * (0.2 / 1.8 * (1 - 0.64)) ** 0.5)
    assert 1.0 - low == pytest.approx(high - 1.0)


def test_a_p_chart_with_one_bad_shift_flags_exactly_that_shift() -> None:
    day = date(2026, 3, 2)
    counts = [ShiftCount(day, 1, 100, 2), ShiftCount(day, 2, 100, 3), ShiftCount(day, 3, 20, 2),
              ShiftCount(day + timedelta(days=1), 1, 100, 3), ShiftCount(day + timedelta(days=1), 2, 100, 2),
              ShiftCount(day + timedelta(days=1), 3, 100, 15)]
    chart = p_chart(counts)
    assert chart.p_bar == pytest.approx(27 / 520)
    assert [p.count.label for p in chart.out_of_control] == ["03-03 S3"]
    assert chart.out_of_control[0].above
    p_bar = 27 / 520
    # the limits vary with each shift's n: the 20-part shift's are wider
    assert chart.points[0].ucl == pytest.approx(p_bar + 3 * (p_bar * (1 - p_bar) / 100) ** 0.5)
    assert chart.points[2].ucl == pytest.approx(p_bar + 3 * (p_bar * (1 - p_bar) / 20) ** 0.5)
    assert chart.points[2].ucl > chart.points[0].ucl
    assert chart.points[0].lcl == 0.0  # p_bar - 3 sigma < 0: floored
    assert (chart.total, chart.flagged) == (520, 27)


def test_a_p_chart_flags_a_shift_below_its_lower_limit() -> None:
    day = date(2026, 3, 2)
    counts = [ShiftCount(day, s, 400, 80) for s in (1, 2, 3)] + [ShiftCount(day + timedelta(days=1), 1, 400, 20)]
    chart = p_chart(counts)
    assert [(p.count.label, p.below) for p in chart.out_of_control] == [("03-03 S1", True)]


def test_the_score_chart_takes_the_current_models_parts_without_fails() -> None:
    old, new = ("bank-a", 0.8, 0.7), ("bank-b", 0.8, 0.7)
    parts = [ScoredPart(T0 + timedelta(minutes=i), 0.5, "PASS", old, f"A{i}") for i in range(5)]
    parts += [ScoredPart(T0 + timedelta(minutes=10 + i), 0.3 + i / 100, "PASS", new, f"B{i}") for i in range(25)]
    parts += [ScoredPart(T0 + timedelta(minutes=40), 0.95, "FAIL", new, "B-fail"),
              ScoredPart(T0 + timedelta(minutes=41), 0.75, "UNCERTAIN", new, "B-held")]
    charted, other = charted_parts(list(reversed(parts)))
    assert other == 5
    assert [p.code for p in charted][-2:] == ["B24", "B-held"] and "B-fail" not in {p.code for p in charted}
    chart = score_chart(parts)
    assert len(chart.points) == 26 and chart.other_model_parts == 5 and chart.has_limits
    assert chart.points[-1].code == "B-held" and chart.points[-1].at == T0 + timedelta(minutes=41)


def test_alerts_are_placed_on_both_charts() -> None:
    parts = [ScoredPart(T0 + timedelta(hours=i), 0.3, "PASS", (), f"P{i}") for i in range(30)]
    chart = score_chart(parts)
    mark = HealthMark(T0 + timedelta(hours=4, minutes=30), "camera_moved", "ST01")
    assert alert_part_index(chart, mark) == 5.5  # before part 6 (the first at or after it)
    assert alert_part_index(chart, HealthMark(T0 + timedelta(days=5), "focus_lost")) is None
    shifts = p_chart([ShiftCount(T0.date(), 1, 10, 1), ShiftCount(T0.date(), 2, 10, 1)])
    assert alert_shift_index(shifts, HealthMark(T0.replace(hour=15), "image_darker")) == 1
    assert alert_shift_index(shifts, HealthMark(T0.replace(hour=23), "image_darker")) is None


@pytest.mark.parametrize(("hour", "shift"), [(6, 1), (13, 1), (14, 2), (21, 2), (22, 3), (0, 3), (5, 3)])
def test_the_plants_shifts(hour: int, shift: int) -> None:
    assert shift_of(datetime(2026, 3, 2, hour, 59)) == (date(2026, 3, 2), shift)
