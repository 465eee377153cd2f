"""The health watch on real casting images (../shared/data, skipped when absent), with its real file store:
limits learned from train/good; unchanged good images (train/good not learned from and test/good,
resampled with sensor noise and a small lighting wobble) raise nothing; a darker image, a blur and a camera
shift injected into the same images raise the right alert within a stated number of parts; a slow lamp
ageing is raised once it passes the minimum practical change; alerts reach the sink stamped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.health_files import HealthFiles
from station.domain.enums import Verdict
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.services.health import HealthWatch

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

PRODUCT = "cast"
AT = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


class Sink:
    def __init__(self) -> None:
        self.alerts: list[HealthAlert] = []

    def raised(self, alert: HealthAlert) -> None:
        self.alerts.append(alert)


@pytest.fixture(scope="module")
def casting() -> dict[str, list[np.ndarray]]:
    root = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "casting"
    if not (root / "train" / "good").is_dir() or not (root / "test" / "good").is_dir():
        pytest.skip("../shared/data/casting is absent")
    train = sorted((root / "train" / "good").iterdir())
    test = sorted((root / "test" / "good").iterdir())
    read = lambda paths: [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in paths]  # noqa: E731
    return {"learn": read(train[0::4]), "unseen": read(train[1::4][:60]) + read(test[:60])}


def _watch(tmp_path: Path, casting: dict[str, list[np.ndarray]], sink: Sink | None = None) -> HealthWatch:
    watch = HealthWatch(HealthFiles(BankFiles(tmp_path / "models")), sink, station_code="ST07", clock=lambda: AT)
    baseline = watch.learn(PRODUCT, None, casting["learn"], learned_from="test: train/good")
    assert baseline.limits[HealthSignal.BRIGHTNESS].samples == 100
    return watch


def _stationary(images: list[np.ndarray], rng: np.random.Generator) -> Callable[[], np.ndarray]:
    """A good image drawn at random, with sensor noise (sd 2 grey levels) and a lighting wobble (gain +-1 %,
    offset +-1 grey level)."""
    def draw() -> np.ndarray:
        image = images[int(rng.integers(len(images)))].astype(np.float32)
        image = image * (1.0 + rng.normal(0, 0.01)) + rng.normal(0, 1.0) + rng.normal(0, 2.0, image.shape)
        return np.clip(image, 0, 255).astype(np.uint8)
    return draw


def _first_alert(watch: HealthWatch, frames: Callable[[int], np.ndarray], parts: int) -> tuple[int, HealthAlert] | None:
    for n in range(1, parts + 1):
        alerts = watch.observe(PRODUCT, None, frames(n), 0.1, Verdict.PASS)
        if alerts:
            return n, alerts[0]
    return None


def test_unchanged_good_images_raise_nothing(tmp_path: Path, casting: dict[str, list[np.ndarray]]) -> None:
    watch = _watch(tmp_path, casting)
    draw = _stationary(casting["unseen"], np.random.default_rng(7))
    verdicts = [Verdict.PASS] * 9 + [Verdict.FAIL]  # image signals are taken from every part
    for n in range(800):
        assert watch.observe(PRODUCT, None, draw(), 0.1, verdicts[n % 10]) == [], n


def _darker(image: np.ndarray, levels: float) -> np.ndarray:
    return np.clip(image.astype(np.int16) - int(round(levels)), 0, 255).astype(np.uint8)


def _moved(image: np.ndarray, dx: float, dy: float) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, m, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REPLICATE)


@pytest.mark.parametrize(("name", "change", "kind", "within"), [
    ("darker by 18 grey levels", lambda im: _darker(im, 18), HealthAlertKind.IMAGE_DARKER, 15),
    ("blurred (Gaussian sigma 1.5 px)", lambda im: cv2.GaussianBlur(im, (0, 0), 1.5), HealthAlertKind.FOCUS_LOST, 15),
    ("camera moved: picture 15 px left", lambda im: _moved(im, -15, 0), HealthAlertKind.CAMERA_MOVED, 20),
])
def test_injected_drift_raises_the_right_alert(tmp_path: Path, casting: dict[str, list[np.ndarray]], name: str,
                                              change: Callable[[np.ndarray], np.ndarray], kind: HealthAlertKind,
                                              within: int) -> None:
    sink = Sink()
    watch = _watch(tmp_path, casting, sink)
    draw = _stationary(casting["unseen"], np.random.default_rng(11))
    for _ in range(30):  # production as usual first
        assert watch.observe(PRODUCT, None, draw(), 0.1, Verdict.PASS) == []
    found = _first_alert(watch, lambda n: change(draw()), within)
    assert found is not None, f"{name}: no alert within {within} parts"
    n, alert = found
    assert alert.kind is kind, (name, alert.message)
    assert alert.parts_seen == 30 + n and alert.product_code == PRODUCT and alert.view is None
    assert sink.alerts == [alert] and alert.station_code == "ST07" and alert.raised_at == AT
    if kind is HealthAlertKind.IMAGE_DARKER:
        assert -24 <= alert.params["grey_levels"] <= -12
    if kind is HealthAlertKind.FOCUS_LOST:
        assert alert.params["percent"] <= -40
    if kind is HealthAlertKind.CAMERA_MOVED:
        assert alert.params["direction"] == "left" and 9 <= alert.params["px"] <= 21
    # the change stays: no second alert of the episode
    for _ in range(40):
        assert watch.observe(PRODUCT, None, change(draw()), 0.1, Verdict.PASS) == []


def test_an_ageing_lamp_is_raised_once_past_the_minimum_change(tmp_path: Path,
                                                              casting: dict[str, list[np.ndarray]]) -> None:
    """The image darkens by 0.2 grey levels per part: raised after the darkening passed 8 grey levels (the
    minimum practical change), before it reached 20."""
    watch = _watch(tmp_path, casting)
    draw = _stationary(casting["unseen"], np.random.default_rng(5))
    found = _first_alert(watch, lambda n: _darker(draw(), 0.2 * n), 120)
    assert found is not None
    n, alert = found
    assert alert.kind is HealthAlertKind.IMAGE_DARKER and 8.0 <= 0.2 * n <= 20.0, n


def test_a_reset_starts_over_and_parts_are_counted_across_threads(tmp_path: Path,
                                                                 casting: dict[str, list[np.ndarray]]) -> None:
    watch = _watch(tmp_path, casting)
    frames = casting["unseen"][:20]
    errors: list[BaseException] = []

    def inspect_many() -> None:
        try:
            for frame in frames:
                watch.observe(PRODUCT, None, frame, 0.1, Verdict.PASS)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=inspect_many) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    dark = [a for frame in frames for a in watch.observe(PRODUCT, None, _darker(frame, 30), 0.1, Verdict.PASS)]
    assert [a.kind for a in dark] == [HealthAlertKind.IMAGE_DARKER] and dark[0].parts_seen > 60
    before = watch.baseline(PRODUCT)
    assert before is not None and HealthSignal.PASS_SCORE in before.limits  # 60 PASS parts: limits learned
    watch.reset(PRODUCT)
    # the charts start over from the limits kept for these model files; the episode can be raised again
    again = [a for frame in frames for a in watch.observe(PRODUCT, None, _darker(frame, 30), 0.1, Verdict.PASS)]
    assert watch.baseline(PRODUCT) == before
    assert [a.kind for a in again] == [HealthAlertKind.IMAGE_DARKER] and again[0].parts_seen <= len(frames)


def test_a_library_that_cannot_be_read_leaves_the_product_unwatched_and_is_not_read_again(
        tmp_path: Path, casting: dict[str, list[np.ndarray]]) -> None:
    class Unreadable:
        calls = 0

        def good_frames(self, product_code: str, view: str | None, limit: int) -> list[np.ndarray]:
            Unreadable.calls += 1
            raise OSError("library image missing")

    watch = HealthWatch(HealthFiles(BankFiles(tmp_path / "models")), goods=Unreadable())
    for frame in casting["unseen"][:5]:
        assert watch.observe(PRODUCT, None, frame, 0.1, Verdict.PASS) == []
    assert Unreadable.calls == 1 and watch.baseline(PRODUCT) is None


def test_a_restart_goes_on_with_the_limits_the_watch_learned_until_the_model_files_change(
        tmp_path: Path, casting: dict[str, list[np.ndarray]]) -> None:
    from station.pipeline.health import HEALTH_FILE, HealthSettings, baseline_files, learn_baseline

    files = BankFiles(tmp_path / "models")
    baseline, reference = learn_baseline(PRODUCT, None, casting["learn"][:40], learned_from="build: 40 good images")
    files.save(PRODUCT, HEALTH_FILE, *baseline_files(baseline, reference))
    settings = HealthSettings(score_warmup=10)
    rng = np.random.default_rng(2)

    def run(watch: HealthWatch, parts: int) -> None:
        for frame in casting["unseen"][:parts]:
            assert watch.observe(PRODUCT, None, frame, float(rng.normal(0.1, 0.03)), Verdict.PASS) == []

    first = HealthWatch(HealthFiles(files), settings=settings)
    run(first, 12)
    learned = first.baseline(PRODUCT)
    assert learned is not None and learned.limits[HealthSignal.PASS_SCORE].samples == 10
    # a restart: the published baseline with the PASS-score limits learned before, no second warm-up
    again = HealthWatch(HealthFiles(files), settings=settings)
    run(again, 1)
    assert again.baseline(PRODUCT) == learned
    # a new build publishes a new baseline: what was kept belongs to the old files and is ignored
    files.save(PRODUCT, HEALTH_FILE, *baseline_files(baseline, reference))
    fresh = HealthWatch(HealthFiles(files), settings=settings)
    run(fresh, 1)
    assert fresh.baseline(PRODUCT) == baseline and HealthSignal.PASS_SCORE not in baseline.limits
