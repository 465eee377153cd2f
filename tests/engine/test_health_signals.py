"""Health signals and the drift detection on synthetic images and sequences with known answers: brightness
and contrast of known frames, focus independent of the frame's size and lower when blurred, a known shift
measured as that offset (original pixels, + right / + down), the minimum practical change against a baseline
with no spread, one alert per episode, the wording, and the baseline's files round trip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.health_files import HealthFiles
from station.domain.enums import Verdict
from station.domain.health import HealthAlertKind, HealthBaseline, HealthSignal, SignalLimits
from station.pipeline.health import (
    HEALTH_FILE, FrameSignals, HealthSettings, HealthState, RegistrationReference, baseline_files,
    baseline_from_files, choose_reference, direction_of, learn_baseline, measure,
)


def _texture(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A grey part-like texture: smoothed noise with a few blobs, uint8 BGR."""
    rng = np.random.default_rng(seed)
    noise = cv2.GaussianBlur(rng.normal(128, 40, (height, width)).astype(np.float32), (0, 0), 2.0)
    for _ in range(6):
        cv2.circle(noise, (int(rng.integers(0, width)), int(rng.integers(0, height))), int(rng.integers(8, 30)),
                   float(rng.integers(40, 220)), -1)
    grey = np.clip(noise, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def _shift(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, m, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REFLECT)


def test_brightness_and_contrast_of_known_frames() -> None:
    flat = np.full((300, 300), 100, np.uint8)
    s = measure(flat)
    assert s.brightness == pytest.approx(100.0) and s.contrast == pytest.approx(0.0) and s.focus == pytest.approx(0.0)
    halves = np.zeros((300, 300, 3), np.uint8)
    halves[:, 150:] = 200
    s = measure(halves)
    assert s.brightness == pytest.approx(100.0, abs=0.5) and s.contrast == pytest.approx(100.0, abs=0.5)
    assert s.offset_x is None and s.offset_y is None  # no reference: no offset


def test_focus_does_not_depend_on_the_frame_size_and_drops_when_blurred() -> None:
    small = _texture(300, 300)
    large = cv2.resize(small, (1024, 1024), interpolation=cv2.INTER_CUBIC)
    f_small, f_large = measure(small).focus, measure(large).focus
    assert f_large == pytest.approx(f_small, rel=0.25)
    blurred = cv2.GaussianBlur(small, (0, 0), 2.0)
    assert measure(blurred).focus < 0.5 * f_small


@pytest.mark.parametrize(("size", "dx", "dy"), [((300, 300), 12.0, -7.0), ((400, 640), -20.0, 9.0),
                                                 ((1024, 1024), 30.0, 30.0)])
def test_a_known_shift_is_measured_in_pixels_of_the_original_frame(size: tuple[int, int], dx: float,
                                                                   dy: float) -> None:
    image = _texture(*size, seed=3)
    reference = RegistrationReference.of(image)
    s = measure(_shift(image, dx, dy), reference)
    tolerance = max(1.0, 0.01 * max(size))  # a fraction of a pixel of the 256-pixel working image
    assert s.offset_x == pytest.approx(dx, abs=tolerance) and s.offset_y == pytest.approx(dy, abs=tolerance)
    assert s.registration_response > 0.3
    same = measure(image, reference)
    assert abs(same.offset_x or 0) < 0.5 and abs(same.offset_y or 0) < 0.5


def _baseline(**limits: tuple[float, float]) -> HealthBaseline:
    return HealthBaseline("p", None, {HealthSignal(k): SignalLimits(m, sd, 20) for k, (m, sd) in limits.items()})


def _frame(brightness: float = 120.0, contrast: float = 40.0, focus: float = 1000.0, ox: float = 0.0,
           oy: float = 0.0) -> FrameSignals:
    return FrameSignals(brightness, contrast, focus, ox, oy, 0.5)


BASE = dict(brightness=(120.0, 0.0), contrast=(40.0, 0.0), focus=(1000.0, 0.0), offset_x=(0.0, 0.0),
            offset_y=(0.0, 0.0))


def test_a_baseline_without_spread_ignores_changes_below_the_minimum_practical_change() -> None:
    """Limits learned from identical images (sd 0) would flag any change: the minimum practical change
    (8 grey levels, 15 % contrast, a 30 % focus drop, 6 px) keeps small ones quiet for good."""
    state = HealthState(_baseline(**BASE), None)
    for _ in range(2000):
        assert state.observe(_frame(brightness=114.0, contrast=36.0, focus=750.0, ox=4.5, oy=-4.5), None,
                             Verdict.FAIL) == []


@pytest.mark.parametrize(("frame", "kind", "signal"), [
    (dict(brightness=102.0), HealthAlertKind.IMAGE_DARKER, HealthSignal.BRIGHTNESS),
    (dict(brightness=140.0), HealthAlertKind.IMAGE_BRIGHTER, HealthSignal.BRIGHTNESS),
    (dict(contrast=28.0), HealthAlertKind.CONTRAST_LOWER, HealthSignal.CONTRAST),
    (dict(focus=400.0), HealthAlertKind.FOCUS_LOST, HealthSignal.FOCUS),
    (dict(ox=-12.0), HealthAlertKind.CAMERA_MOVED, HealthSignal.OFFSET_X),
    (dict(oy=14.0), HealthAlertKind.CAMERA_MOVED, HealthSignal.OFFSET_Y),
])
def test_a_step_change_raises_its_alert_once_per_episode(frame: dict, kind: HealthAlertKind,
                                                         signal: HealthSignal) -> None:
    state = HealthState(_baseline(**BASE), None)
    alerts = [(n, a) for n in range(1, 61) for a in state.observe(_frame(**frame), None, Verdict.PASS)]
    assert len(alerts) == 1, alerts  # the change lasts: still one alert
    n, alert = alerts[0]
    assert n <= 7  # a lasting change of at least twice the alert distance: by the 7th part (module docstring)
    assert alert.kind is kind and alert.signal is signal and alert.parts_seen == n
    # back in control: re-armed, and the same change raises a new alert
    for _ in range(60):
        assert state.observe(_frame(), None, Verdict.PASS) == []
    again = [a for _ in range(30) for a in state.observe(_frame(**frame), None, Verdict.PASS)]
    assert [a.kind for a in again] == [kind]


def test_one_odd_frame_never_raises_an_alert() -> None:
    state = HealthState(_baseline(**BASE), None)
    for n in range(200):
        odd = n % 10 == 0  # every tenth frame is dark by 100 grey levels (a hand, a shadow)
        assert state.observe(_frame(brightness=20.0 if odd else 120.0), None, Verdict.PASS) == []


def test_pass_scores_use_only_pass_parts_and_are_learned_from_the_first_ones() -> None:
    settings = HealthSettings(score_warmup=10)
    state = HealthState(_baseline(**BASE), None, settings)
    rng = np.random.default_rng(0)
    for _ in range(10):
        assert state.needs_scores
        state.observe(_frame(), float(rng.normal(0.10, 0.03)), Verdict.PASS)
    assert not state.needs_scores
    assert state.baseline.limits[HealthSignal.PASS_SCORE].samples == 10
    assert "first 10 PASS parts" in state.baseline.learned_from
    for _ in range(200):  # high scores of FAIL and UNCERTAIN parts are not PASS scores
        assert state.observe(_frame(), 0.95, Verdict.FAIL) == [] and state.observe(_frame(), 0.75,
                                                                                   Verdict.UNCERTAIN) == []
    alerts = [a for _ in range(40) for a in state.observe(_frame(), float(rng.normal(0.30, 0.03)), Verdict.PASS)]
    assert [a.kind for a in alerts] == [HealthAlertKind.PASS_SCORES_HIGHER]
    assert alerts[0].message.startswith("Good parts scoring higher than usual")
    assert alerts[0].params["rise"] > 0.1


def test_messages_say_what_changed_with_the_numbers_in_params() -> None:
    state = HealthState(_baseline(**BASE), None)
    dark = [a for _ in range(20) for a in state.observe(_frame(brightness=102.0), None, Verdict.PASS)][0]
    assert dark.message == "Image darker than at calibration (\u221218 grey levels)"
    assert dark.params == {"grey_levels": -18} and dark.baseline == 120.0 and dark.value < 120.0 - 8.0
    state = HealthState(_baseline(**BASE), None)
    blur = [a for _ in range(20) for a in state.observe(_frame(focus=400.0), None, Verdict.PASS)][0]
    assert blur.message == "Focus lost (sharpness \u221260 %)" and blur.params == {"percent": -60}
    state = HealthState(_baseline(**BASE), None)
    moved = [a for _ in range(20) for a in state.observe(_frame(ox=-12.0), None, Verdict.PASS)][0]
    assert moved.message == "Camera moved: picture shifted ~12 px left"
    assert moved.params["px"] == 12 and moved.params["direction"] == "left" and moved.params["dx"] == -12.0
    assert direction_of(10, 1) == "right" and direction_of(-2, -9) == "up" and direction_of(8, 6) == "down-right"
    assert dark.to_json()["kind"] == "image_darker"


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError):
        HealthSettings(lam=0.0)
    with pytest.raises(ValueError):
        HealthSettings(rearm=1.0)
    s = HealthSettings()
    assert s.lam == 0.1 and s.limit_sds == 4.0
    # the statistical limit wins over the minimum change where the learned spread is wide
    wide = SignalLimits(120.0, 20.0, 50)
    assert s.alert_distance(HealthSignal.BRIGHTNESS, wide) == pytest.approx(4.0 * 20.0 * (0.1 / 1.9) ** 0.5)
    assert s.alert_distance(HealthSignal.BRIGHTNESS, SignalLimits(120.0, 0.1, 3)) == 8.0


def test_a_baseline_round_trips_through_the_bank_files(tmp_path: Path) -> None:
    frames = [_texture(300, 300, seed=s) for s in range(4)]
    baseline, reference = learn_baseline("demo-cast", "top", frames, learned_from="build: 4 good images")
    assert baseline.limits[HealthSignal.BRIGHTNESS].samples == 4
    assert baseline.limits[HealthSignal.OFFSET_X].samples == 3  # the reference's own zero offset left out
    assert HealthSignal.PASS_SCORE not in baseline.limits
    files = BankFiles(tmp_path / "models")
    store = HealthFiles(files)
    assert store.load("demo-cast", "top") is None
    before = store.stamp("demo-cast", "top")
    files.save("demo-cast@top", HEALTH_FILE, *baseline_files(baseline, reference))
    loaded = store.load("demo-cast", "top")
    assert loaded is not None and store.stamp("demo-cast", "top") != before
    again, ref = loaded
    assert again == baseline and ref is not None and ref.height == 300 and ref.width == 300
    assert np.abs(ref.small - reference.small).max() <= 0.5  # stored as uint8
    assert baseline_from_files({}, {"baseline": baseline.to_json()}) == (baseline, None)


def test_the_registration_reference_is_the_most_typical_frame() -> None:
    """The first frame is odd (another texture): the reference is one of the typical ones, and the offset
    limits come from the other frames."""
    part = _texture(300, 300, seed=5)
    frames = [_texture(300, 300, seed=9)] + [_shift(part, dx, dy) for dx, dy in ((0, 0), (3, -2), (-2, 4), (1, 1))]
    assert choose_reference(frames) != 0
    baseline, _ = learn_baseline("p", None, frames)
    assert baseline.limits[HealthSignal.OFFSET_X].samples == 4


def test_a_large_step_is_raised_at_the_third_part_and_two_odd_frames_never() -> None:
    state = HealthState(_baseline(**BASE), None)
    for n in range(100):  # two frames in a row 100 grey levels dark, every tenth part
        odd = n % 10 in (0, 1)
        assert state.observe(_frame(brightness=20.0 if odd else 120.0), None, Verdict.PASS) == []
    state = HealthState(_baseline(**BASE), None)
    alerts = [(n, a) for n in range(1, 11) for a in state.observe(_frame(brightness=40.0), None, Verdict.PASS)]
    assert [(n, a.kind) for n, a in alerts] == [(3, HealthAlertKind.IMAGE_DARKER)]
