"""Threshold advice for the technician: the calibration's UNCERTAIN band (always there, of stated width,
spanning the gap or covering the overlap of real score arrays), the Wilson score interval against
published values, the minimum of labelled outcomes behind proposals from history (refused below it, on a
real local store), and the readable change log."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from station.domain.audit import AuditEntry
from station.adapters.db.models import AuditLog
from station.domain.errors import AuthenticationError, ValidationError
from station.domain.users import UserInfo
from station.pipeline.patchcore.thresholds import MIN_BAND_WIDTH, threshold_for_far, wilson_interval
from station.services.engine import (
    MIN_LABELLED_DEFECT, MIN_LABELLED_GOOD, ThresholdProposal, describe_all, suggest_band, suggest_thresholds,
)
from station.services.engine.threshold_history import measure
from tests.support.labelled import record_scored
from tests.support.ui import station_ctx  # noqa: F401


# The UNCERTAIN band of a calibration ------------------------------------------------------------------
def test_band_spans_the_gap_between_separated_classes() -> None:
    rng = np.random.default_rng(3)
    good = rng.normal(0.55, 0.04, 300).clip(0, 1)
    defect = rng.normal(0.92, 0.02, 80).clip(0, 1)
    band = suggest_band(good, defect, target_far=0.01)
    assert band.rule == "gap" and not band.widened
    assert band.lower == pytest.approx(threshold_for_far(good, 0.01))  # at most 1 % of good parts above
    assert band.upper == pytest.approx(np.sort(defect)[0])  # 99 % of 80 defects: every one caught
    assert band.width == pytest.approx(band.upper - band.lower) and band.width > MIN_BAND_WIDTH
    image, review, *_ = suggest_thresholds(good, defect, 0.01)
    assert (image, review) == (band.upper, band.lower)
    assert (good >= image).mean() == 0.0 and (defect < image).sum() == 0  # nothing of either class inside


def test_band_covers_the_overlap_of_mixed_classes() -> None:
    rng = np.random.default_rng(5)
    good = rng.normal(0.60, 0.06, 400).clip(0, 1)
    defect = rng.normal(0.70, 0.06, 200).clip(0, 1)
    band = suggest_band(good, defect, target_far=0.02)
    assert band.rule == "overlap"
    defect_low = np.sort(defect)[int(np.floor(0.01 * defect.size))]
    assert band.lower == pytest.approx(defect_low)  # 99 % of the defects at least held for review
    assert band.upper == pytest.approx(threshold_for_far(good, 0.02))  # at most 2 % of good parts failed
    assert (good >= band.upper).mean() <= 0.02 and (defect >= band.lower).mean() >= 0.99
    overlap = (good >= band.lower).sum() + (defect < band.upper).sum()
    assert overlap > 0 and band.width > MIN_BAND_WIDTH


def test_touching_classes_still_get_a_band_of_minimum_width() -> None:
    """The case behind FAIL 0.505 and review 0.505: the top good score meets the lowest defect."""
    good = np.array([0.30, 0.41, 0.47, 0.50, 0.5049])
    defect = np.array([0.505, 0.62, 0.71])
    band = suggest_band(good, defect, target_far=0.0)
    assert band.widened and band.width == pytest.approx(MIN_BAND_WIDTH)
    assert band.upper == 0.505 and band.lower == pytest.approx(0.455)  # widened downwards: FAIL still catches 0.505
    image, review, *_ = suggest_thresholds(good, defect, 0.0)
    assert image - review == pytest.approx(MIN_BAND_WIDTH)


@pytest.mark.parametrize("seed", range(12))
def test_band_is_always_at_least_the_minimum_width_and_inside_the_scale(seed: int) -> None:
    rng = np.random.default_rng(seed)
    good = rng.beta(2 + seed, 3, 30 + 10 * seed)
    defect = rng.beta(8, 1 + seed % 4, seed * 3)  # no defects at all for seed 0
    band = suggest_band(good, defect, target_far=0.01 * (seed % 3))
    assert band.width >= MIN_BAND_WIDTH - 1e-12
    assert 0.0 <= band.lower < band.upper <= 1.0
    assert band.rule == ("good_only" if seed == 0 else band.rule)


def test_band_near_the_top_of_the_scale_stays_below_one() -> None:
    good = np.full(50, 0.999)
    band = suggest_band(good, np.array([]), target_far=0.0)
    assert band.upper <= 1.0 and band.width == pytest.approx(MIN_BAND_WIDTH)
    low = suggest_band(np.full(50, 0.01), np.array([]), target_far=0.0)
    assert (low.lower, low.upper) == (0.0, pytest.approx(MIN_BAND_WIDTH))


def test_without_defects_fail_stays_at_the_false_alarm_threshold() -> None:
    good = np.random.default_rng(2).normal(0.5, 0.01, 200).clip(0, 1)  # a narrow good distribution
    image, review, far, f1_threshold, f1 = suggest_thresholds(good, np.array([]), 0.01)
    assert image == far and image - review >= MIN_BAND_WIDTH - 1e-12 and f1_threshold is None and f1 is None


# Wilson score interval ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe (1998), Stat. Med. 17:857, table I, method 3 (score interval without continuity correction)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-5) and hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(1, 1) == (pytest.approx(0.2065, abs=5e-5), 1.0)
    assert wilson_interval(0, 1) == (0.0, pytest.approx(0.7935, abs=5e-5))
    with pytest.raises(ValidationError):
        wilson_interval(3, 2)


def test_proposal_rates_carry_their_intervals_and_the_defects_they_pass() -> None:
    good = [0.1 * i / 20 + 0.5 for i in range(20)]
    defect = [0.982, 0.985, 0.99, 0.995] + [0.97] * 6
    p = measure("x", good, defect, image=0.986, review=0.986, pixel=0.9)
    assert (p.misses, p.n_defect, p.false_alarms) == (8, 10, 0)
    assert p.passed_defects == tuple(sorted([0.982, 0.985] + [0.97] * 6))
    assert p.miss_interval == wilson_interval(8, 10) and p.false_alarm_interval == pytest.approx((0.0, 0.1611),
                                                                                                   abs=5e-5)


# Proposals from history on a real store ----------------------------------------------------------------
def _user(ctx, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def label(ctx, good: list[float], defect: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Good parts overridden as false alarms at the bench, defects confirmed by resolved actions."""
    worker, manager = _user(ctx, "worker"), _user(ctx, "manager")
    for i, score in enumerate(good):
        _, code = record_scored(ctx, score, True, 100 + i)
        ctx.overrides.override(code, "false_alarm", worker)
    for i, score in enumerate(defect):
        inspection_id, _ = record_scored(ctx, score, True, 50 + i)
        ctx.actions.log_action(inspection_id, "reground the mould", "resolved", by_user=manager.user_id)


def test_one_good_and_one_defect_give_no_proposal_and_apply_refuses(station_ctx) -> None:  # noqa: F811
    ctx = station_ctx
    label(ctx, [0.985], [0.99])
    history = ctx.history_thresholds
    assert history.labelled_counts("demo-cast") == (1, 1)
    with pytest.raises(ValidationError) as refused:
        history.propose("demo-cast")
    message = str(refused.value)
    assert f"needs at least {MIN_LABELLED_GOOD} labelled good parts, have 1" in message
    assert f"needs at least {MIN_LABELLED_DEFECT} labelled defective parts, have 1" in message
    assert "\n" not in message
    # The proposal the station once made from these two parts: FAIL 0.986 is refused.
    risky = measure("no_miss", [0.985], [0.99], 0.986, 0.986, 0.9)
    assert not risky.applicable
    product = ctx.catalog.get_product("demo-cast")
    before = ctx.catalog.get_model_config(product.product_id)
    with pytest.raises(ValidationError, match="needs at least 20 labelled good parts, have 1"):
        history.apply("demo-cast", risky, _user(ctx, "manager"))
    assert ctx.catalog.get_model_config(product.product_id).image_threshold == before.image_threshold


def test_enough_outcomes_give_proposals_with_bands_and_intervals(station_ctx) -> None:  # noqa: F811
    ctx = station_ctx
    good = [round(0.55 + 0.012 * i, 3) for i in range(MIN_LABELLED_GOOD)]  # 0.55 … 0.778
    defect = [round(0.80 + 0.015 * i, 3) for i in range(MIN_LABELLED_DEFECT)]  # 0.80 … 0.935
    label(ctx, good, defect)
    history = ctx.history_thresholds
    proposals = {p.name: p for p in history.propose("demo-cast", target_far=0.0)}
    assert list(proposals) == ["current", "far_target", "balanced", "no_miss"]
    assert not proposals["current"].applicable
    for p in list(proposals.values())[1:]:
        assert p.applicable and p.band_width >= MIN_BAND_WIDTH - 1e-4
        assert p.passed_defects == () and p.miss_rate == 0.0  # no proposal passes a labelled defect
        assert p.false_alarm_interval == wilson_interval(p.false_alarms, len(good))
        assert p.miss_interval == wilson_interval(0, len(defect)) == (0.0, pytest.approx(0.2775, abs=5e-5))
    assert proposals["far_target"].false_alarm_rate == 0.0
    # The current thresholds (FAIL 0.85) say which labelled defects they pass.
    current = proposals["current"]
    assert current.passed_defects == tuple(s for s in sorted(defect) if s < current.review_threshold)
    with pytest.raises(AuthenticationError, match="technician or admin"):
        history.apply("demo-cast", proposals["no_miss"], _user(ctx, "worker"))
    audit_id = history.apply("demo-cast", proposals["no_miss"], _user(ctx, "manager"))
    product = ctx.catalog.get_product("demo-cast")
    config = ctx.catalog.get_model_config(product.product_id)
    assert (config.image_threshold, config.review_threshold) == (proposals["no_miss"].image_threshold,
                                                                 proposals["no_miss"].review_threshold)
    with ctx.db.session() as session:
        entry = session.get(AuditLog, audit_id)
        assert entry.new_data["source"] == "history" and entry.new_data["proposal"] == "no_miss"
        assert entry.user_id == _user(ctx, "manager").user_id
    with pytest.raises(ValidationError, match="already applied"):
        history.apply("demo-cast", proposals["current"], _user(ctx, "manager"))


def test_history_cli_refuses_below_the_minimum_with_one_line(station_ctx, capsys) -> None:  # noqa: F811
    from station.cli.main import main

    label(station_ctx, [0.985], [0.99])
    assert main(["calibrate", "--product", "demo-cast", "--from-history"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "needs at least 20 labelled good parts, have 1" in err
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--proposal", "no_miss",
                 "--user", "manager"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_history_cli_states_intervals_and_band_widths(station_ctx, capsys) -> None:  # noqa: F811
    from station.cli.main import main

    label(station_ctx, [round(0.55 + 0.012 * i, 3) for i in range(20)], [round(0.80 + 0.015 * i, 3)
                                                                          for i in range(10)])
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--target-far", "0"]) == 0
    out = capsys.readouterr().out
    assert "95% Wilson" in out and "band width" in out and "misses   0.0% (0.0%-27.8%)" in out
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--proposal", "no_miss"]) == 2  # who?
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--proposal", "no_miss",
                 "--user", "worker"]) == 2  # not a technician
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--apply"]) == 2
    assert main(["calibrate", "--product", "demo-cast"]) == 2  # neither DIR nor --from-history
    capsys.readouterr()
    assert main(["calibrate", "--product", "demo-cast", "--from-history", "--target-far", "0",
                 "--proposal", "no_miss", "--user", "manager"]) == 0
    out = capsys.readouterr().out
    assert "no_miss" in out and "[applied]" in out


# Readable change log -----------------------------------------------------------------------------------
def test_change_log_names_people_and_fields() -> None:
    entries = [
        AuditEntry(7, "model_configs", "UPDATE", 3, {"config_id": 1, "product_code": "demo-cast",
                                                     "image_threshold": 0.62, "review_threshold": 0.5},
                   {"config_id": 1, "product_code": "demo-cast", "image_threshold": 0.58,
                    "review_threshold": 0.47}, datetime.now() - timedelta(days=3)),
        AuditEntry(8, "station_camera", "UPDATE", 99, {"fps": 15}, {"fps": 20}, None),
        AuditEntry(9, "model_configs", "UPDATE", None, {"image_threshold": 0.7},
                   {"image_threshold": 0.7, "pixel_threshold": 0.9, "source": "history", "proposal": "no_miss",
                    "n_good": 20}, None),
    ]
    users = [UserInfo(3, "tech1", "t@x.local", full_name="Kim Technician")]
    first, second, third = describe_all(entries, users)
    assert first.user_name == "Kim Technician" and first.product_code == "demo-cast"
    assert [(c.field, c.old, c.new) for c in first.changes] == [("image_threshold", 0.62, 0.58),
                                                               ("review_threshold", 0.5, 0.47)]
    assert second.user_name is None and second.user_id == 99  # an account since removed keeps no name
    assert [c.field for c in third.changes] == ["pixel_threshold"] and third.source == "history"
    assert third.proposal == "no_miss"


def test_proposal_json_states_its_band_width() -> None:
    p = ThresholdProposal("x", 0.8, 0.7, 0.9, 0.0, 0.0, 0.0, 20, 10)
    assert p.to_json()["band_width"] == pytest.approx(0.1)
