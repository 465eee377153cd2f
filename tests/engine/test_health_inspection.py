"""The health watch on the real inspection path: a station (SQLite, object store, MobileNetV2) whose product
library holds real casting images (../shared/data, skipped when absent), a bank built by the build service
(which publishes the health baseline with it), and parts inspected and recorded by the InspectionService:
unchanged good parts raise nothing, darker parts raise "Image darker" on the outcome, a grainier surface of
good parts raises "Good parts scoring higher than usual" from the real PASS scores, an unrecorded
inspection is not watched, and a product built without a baseline gets one learned from its library."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.health_files import HealthFiles
from station.domain.enums import Verdict
from station.domain.health import HealthAlert, HealthAlertKind, HealthSignal
from station.domain.views import bank_key
from station.pipeline.health import HEALTH_FILE, HealthSettings
from station.services.engine import InspectionService
from station.services.health import HealthWatch, LibraryGoodImages

pytestmark = [pytest.mark.shared_data, pytest.mark.slow, pytest.mark.network]

PRODUCT = "demo-cast"
N_LIBRARY = 30


class Sink:
    def __init__(self) -> None:
        self.alerts: list[HealthAlert] = []

    def raised(self, alert: HealthAlert) -> None:
        self.alerts.append(alert)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A station whose ``demo-cast`` library is 30 real casting good images, built at 128 px."""
    from station.app.station import build_station
    from station.config import load_settings
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import import_reference_images
    from tests.support.engine import fixed_build, install_mobilenet

    root = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "casting"
    if not (root / "train" / "good").is_dir():
        pytest.skip("../shared/data/casting is absent")
    home = tmp_path_factory.mktemp("health-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    settings = load_settings()
    install_mobilenet(settings.resolved_models_dir)
    ctx = build_station(settings)
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product(PRODUCT)
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.catalog.save_model_config(replace(config, preprocessing={"resize": 128}))
    train = sorted((root / "train" / "good").iterdir())
    import_reference_images(ctx.catalog, ctx.storage, PRODUCT, train[0:4 * N_LIBRARY:4])
    fixed_build(ctx)
    unseen = [cv2.imread(str(p)) for p in train[2::4][:60]]  # good parts the bank has never seen
    yield ctx, unseen
    ctx.close()
    mp.undo()


def _service(ctx, kept: Path, settings: HealthSettings | None = None, store=None):  # type: ignore[no-untyped-def]
    """An inspection service with its own watch (what it keeps goes to ``kept``: each test starts afresh)."""
    sink = Sink()
    store = store or HealthFiles(ctx.engine.files, kept)
    watch = HealthWatch(store, sink, LibraryGoodImages(ctx.catalog, ctx.storage), settings)
    engine = ctx.engine
    return InspectionService(ctx.catalog, ctx.recorder, ctx.storage, engine.models, engine.files,
                             engine.inspection.cache, health=watch), watch, sink


def _noisy(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(image.astype(np.float32) + rng.normal(0, 2.0, image.shape), 0, 255).astype(np.uint8)


def test_the_build_publishes_the_baseline_and_the_station_watches_every_recorded_part(station) -> None:  # type: ignore[no-untyped-def]
    ctx, unseen = station
    loaded = HealthFiles(ctx.engine.files).load(PRODUCT, None)
    assert loaded is not None and ctx.engine.files.meta(bank_key(PRODUCT, None), HEALTH_FILE) is not None
    baseline, reference = loaded
    assert baseline.learned_from == f"build: {N_LIBRARY} good images" and reference is not None
    assert baseline.limits[HealthSignal.BRIGHTNESS].samples == N_LIBRARY
    assert HealthSignal.PASS_SCORE not in baseline.limits  # learned from the first PASS parts
    assert ctx.engine.health is not None
    outcome = ctx.engine.inspection.inspect(PRODUCT, unseen[0])
    assert outcome.inspection_code and outcome.health_alerts == ()
    assert ctx.engine.health.baseline(PRODUCT) == baseline


def test_darker_parts_raise_the_alert_on_the_outcome_and_in_the_sink(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, unseen = station
    service, watch, sink = _service(ctx, tmp_path)
    rng = np.random.default_rng(3)
    for image in unseen[:12]:
        assert service.inspect(PRODUCT, _noisy(image, rng)).health_alerts == ()
    # an unrecorded inspection (a technician's preview) is not a production part
    service.inspect(PRODUCT, np.clip(unseen[0].astype(np.int16) - 60, 0, 255).astype(np.uint8), record=False)
    raised = []
    for n, image in enumerate(unseen[12:32], 1):
        outcome = service.inspect(PRODUCT, np.clip(image.astype(np.int16) - 25, 0, 255).astype(np.uint8))
        raised += [(n, a) for a in outcome.health_alerts]
    assert [a.kind for _, a in raised] == [HealthAlertKind.IMAGE_DARKER]
    n, alert = raised[0]
    assert n <= 10 and alert.parts_seen == 12 + n  # the preview was not counted
    assert -31 <= alert.params["grey_levels"] <= -19 and alert.message.startswith("Image darker than at calibration")
    assert sink.alerts == [alert] and alert.raised_at is not None


def _grainier(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A grainier cast surface (a new mould sand, say): fine grain of +-12 grey levels, same mean, same
    sharpness of the part's edges."""
    grain = cv2.GaussianBlur(rng.normal(0, 12, image.shape[:2]).astype(np.float32), (0, 0), 1.2)
    return np.clip(image.astype(np.float32) + grain[..., None], 0, 255).astype(np.uint8)


def test_good_parts_scoring_higher_raise_an_alert_from_the_real_pass_scores(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, unseen = station
    service, watch, sink = _service(ctx, tmp_path, HealthSettings(score_warmup=15))
    rng = np.random.default_rng(4)
    for image in unseen[:15]:
        outcome = service.inspect(PRODUCT, _noisy(image, rng))
        assert outcome.health_alerts == ()
    limits = watch.baseline(PRODUCT).limits  # type: ignore[union-attr]
    assert HealthSignal.PASS_SCORE in limits and limits[HealthSignal.PASS_SCORE].samples <= 15
    raised, verdicts = [], []
    for n, image in enumerate(unseen[15:55], 1):
        outcome = service.inspect(PRODUCT, _grainier(image, rng))
        verdicts.append(outcome.verdict)
        raised += [(n, a) for a in outcome.health_alerts]
    kinds = [a.kind for _, a in raised]
    assert kinds == [HealthAlertKind.PASS_SCORES_HIGHER], [a.message for _, a in raised]
    n, alert = raised[0]
    assert n <= 25 and alert.params["rise"] >= 0.08
    assert verdicts[:n].count(Verdict.PASS) >= n // 2  # raised while most grainy parts still passed


def test_a_product_built_without_a_baseline_learns_one_from_its_library(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, unseen = station
    empty = HealthFiles(BankFiles(tmp_path / "models"))  # no health file anywhere
    service, watch, _ = _service(ctx, tmp_path, store=empty)
    outcome = service.inspect(PRODUCT, unseen[0])
    assert outcome.health_alerts == ()
    baseline = watch.baseline(PRODUCT)
    assert baseline is not None and baseline.limits[HealthSignal.BRIGHTNESS].samples == N_LIBRARY
    assert baseline.learned_from.startswith(f"{N_LIBRARY} good library images, learned at the first inspection")
    # kept with the model files' stamp: after a restart it is not learned again (no library needed)
    restarted = HealthWatch(empty)
    assert restarted.observe(PRODUCT, None, unseen[1], 0.1, Verdict.PASS) == []
    assert restarted.baseline(PRODUCT) == baseline


def test_a_part_of_several_views_carries_the_alerts_of_each_view(station, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two views of a part, each with its bank and its baseline published by the build: the top camera is
    moved, the side one is not; the part's alerts are the top view's, on its outcome and the part's."""
    from station.domain.catalog import ProductSpec
    from station.pipeline.images.decode import from_array
    from station.pipeline.patchcore.bank_build import BuildOptions
    from station.services.engine.references import store_image

    ctx, unseen = station
    ctx.catalog.upsert_products([ProductSpec(code="cast-2v", name="Cast, two views")])
    product = ctx.catalog.get_product("cast-2v")
    views = {"top": unseen[30:40], "side": [cv2.flip(im, 0) for im in unseen[40:50]]}
    for view, images in views.items():
        ctx.station_settings.define_view("cast-2v", view, None, camera=str(tmp_path / view),
                                         preprocessing={"resize": 128})
        for n, image in enumerate(images):
            store_image(ctx.catalog, ctx.storage, product.product_id, from_array(image, f"{view}-{n}.png"), "normal",
                        view_code=view)
        ctx.engine.builder.build("cast-2v", BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25), view=view)
    assert HealthFiles(ctx.engine.files).load("cast-2v", "top") is not None
    service, watch, sink = _service(ctx, tmp_path / "kept")
    raised = []
    for n in range(1, 21):
        top = cv2.warpAffine(unseen[n], np.float32([[1, 0, 0], [0, 1, -20]]), (300, 300),
                             borderMode=cv2.BORDER_REPLICATE)  # the top camera now sees the part 20 px higher
        part = service.inspect_part("cast-2v", {"top": top, "side": cv2.flip(unseen[n + 20], 0)})
        assert part.error is None
        top_outcome = part.outcomes[0]
        assert part.health_alerts == top_outcome.health_alerts and part.outcomes[1].health_alerts == ()
        assert part.outcome.health_alerts == part.health_alerts
        raised += [(n, a) for a in part.health_alerts]
    assert [(a.kind, a.view, a.params["direction"]) for _, a in raised] == [
        (HealthAlertKind.CAMERA_MOVED, "top", "up")]
    assert raised[0][0] <= 10 and sink.alerts == [a for _, a in raised]
