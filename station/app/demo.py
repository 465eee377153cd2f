"""The demo station on the embedded default: local SQLite store, the demo product with its defect types
and manual, cast-part images the project renders itself (``station.pipeline.synthetic.parts``), the memory
bank, demo accounts, and a replay camera on a folder of unseen parts. Idempotent: a second run reuses
what is there (``rebuild`` forces a new bank).

The demo product's model has a fixed configuration (``resources/demo/demo_model.json``, the reasons in
``resources/demo/README.md``) instead of the self-configuration real products get: :func:`prepare_demo` sets
up everything but the bank in seconds, and :func:`build_demo_model` builds the bank with that configuration
(the window runs it in the background; ``--headless`` waits for it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2

from station.adapters.engine.backbones import spec_of
from station.app.demo_prebuilt import DEMO, describe_prebuilt, install_prebuilt
from station.app.station import Station
from station.domain.camera import CameraSpec
from station.domain.engine import BuildSummary, CancelToken, Progress, ProgressCallback
from station.domain.enums import DeploymentStatus, DeploymentType, ImageType
from station.domain.errors import NotFoundError, StationError, ValidationError
from station.pipeline.synthetic.parts import DEFECT_CODES, render_part
from station.resources import resources_dir
from station.services.admin import import_defect_mapping
from station.services.engine import BuildOptions, require_builder

DEMO_PRODUCT = "demo-cast"
DEMO_PASSWORD = "demo1234"
DEMO_ACCOUNTS = (("admin", "admin", "Demo Admin"), ("supervisor", "manager", "Demo Supervisor"),
                 ("worker", "worker", "Demo Worker"), ("viewer", "viewer", "Demo Viewer"))
# Library seeds and replay seeds never overlap: the replay shows parts the bank has not seen.
LIBRARY_SEED, DEFECT_SEED, REPLAY_SEED = 0, 10_000, 50_000


@dataclass
class DemoSetup:
    home: Path
    product_code: str
    replay_folder: Path
    camera: CameraSpec
    accounts: list[tuple[str, str]]
    steps: list[str] = field(default_factory=list)
    build: Any = None
    needs_build: bool = False  # no completed bank yet (or ``rebuild``): :func:`build_demo_model` makes one


@dataclass(frozen=True)
class DemoModel:
    """The demo product's fixed model configuration (``resources/demo/demo_model.json``)."""

    backbone: str
    input_size: int
    coreset_ratio: float
    max_bank_size: int
    image_score: str
    augment: tuple[str, ...]

    def options(self) -> BuildOptions:
        return BuildOptions(backbone=self.backbone, coreset_ratio=self.coreset_ratio,
                            max_bank_size=self.max_bank_size, image_score=self.image_score, augment=self.augment)


def demo_model(path: Path | None = None) -> DemoModel:
    """The fixed configuration the demo product's bank is built with."""
    path = path or resources_dir() / "demo" / "demo_model.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = DemoModel(backbone=str(data["backbone"]), input_size=int(data["input_size"]),
                          coreset_ratio=float(data["coreset_ratio"]), max_bank_size=int(data["max_bank_size"]),
                          image_score=str(data.get("image_score", "reweighted")),
                          augment=tuple(data.get("augment", ())))
        layers = tuple(data.get("layers", ()))
        known = spec_of(model.backbone).layers
    except (OSError, ValueError, KeyError, TypeError, NotFoundError) as exc:
        raise StationError(f"the demo model configuration {path} is unreadable: {exc}") from exc
    if layers and layers != known:  # the layers are the backbone's own: the file only documents them
        raise StationError(f"the demo model configuration {path} names layers {list(layers)}; "
                           f"{model.backbone} taps {list(known)}")
    model.options().validate()
    return model


# Shares of a demo build's time, by stage, for one overall percentage (fixed configuration: no selection).
BUILD_STAGES = (("load", 0.05), ("features", 0.30), ("coreset", 0.35), ("calibrate", 0.10), ("index", 0.15),
                ("save", 0.05))


class OverallProgress:
    """Turns a build's per-stage reports into one rising ``Progress("build", percent, 100, message)``."""

    def __init__(self, report: ProgressCallback) -> None:
        self._report = report
        self._starts, start = {}, 0.0
        for stage, share in BUILD_STAGES:
            self._starts[stage] = (start, share)
            start += share
        self._percent = 0

    def __call__(self, progress: Progress) -> None:
        start, share = self._starts.get(progress.stage, (None, 0.0))
        if start is None:
            return
        percent = min(100, int(100 * (start + share * progress.fraction)))
        if percent < self._percent:  # the defect images load after the calibration: never step back
            return
        self._percent = percent
        self._report(Progress("build", percent, 100, progress.message))


def _say(report: Callable[[str], None] | None, setup: DemoSetup, text: str) -> None:
    setup.steps.append(text)
    if report is not None:
        report(text)


def _write_png(path: Path, image: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), image):
        raise StationError(f"cannot write demo image {path}")


def render_library(folder: Path, n_good: int, n_per_defect: int, size: int) -> dict[str, list[Path]]:
    """Good parts and labelled defective parts as PNG files, by label (``normal`` or a defect code)."""
    files: dict[str, list[Path]] = {"normal": []}
    for i in range(n_good):
        part = render_part(LIBRARY_SEED + i, size)
        files["normal"].append(folder / "normal" / part.name)
        _write_png(files["normal"][-1], part.image)
    seed = DEFECT_SEED
    for code in DEFECT_CODES:
        files[code] = []
        for _ in range(n_per_defect):
            part = render_part(seed, size, code)
            seed += 1
            files[code].append(folder / code / part.name)
            _write_png(files[code][-1], part.image)
    return files


def render_replay(folder: Path, size: int, count: int = 12) -> Path:
    """Unseen parts for the replay camera: mostly good, every third one defective, in file-name order."""
    for i in range(count):
        defect = DEFECT_CODES[(i // 3) % len(DEFECT_CODES)] if i % 3 == 2 else None
        part = render_part(REPLAY_SEED + i, size, defect)
        _write_png(folder / f"{i:03d}_{part.name}", part.image)
    return folder


def _has_completed_bank(ctx: Station, product_id: int) -> bool:
    return any(row["deployment_type"] == DeploymentType.PATCHCORE_BANK.value
               and row["status"] == DeploymentStatus.COMPLETED.value
               for row in ctx.deployments.history(product_id, limit=200))


def _check_weights(engine: Any, backbone: str) -> None:
    """The demo runs on real weights only: one clear line when they are missing."""
    installed = {b["name"] for b in engine.models.backbones() if b["installed"]}
    if backbone not in installed or engine.models.is_degraded(backbone):
        raise ValidationError(f"the demo model needs the {backbone} weights: run scripts/setup.sh "
                              f"(or `station models fetch {backbone}`)")


def _use_demo_size(ctx: Station, product_id: int, size: int) -> None:
    """The demo product's input size, unless its configuration was already saved (a technician's edits stay)."""
    config = ctx.catalog.get_model_config(product_id)
    if config.config_id is None:
        ctx.catalog.save_model_config(replace(config, preprocessing={**config.preprocessing, "resize": [size, size]}))


def prepare_demo(ctx: Station, engine: Any, *, n_good: int = 40, n_per_defect: int = 6, size: int = 256,
                 rebuild: bool = False, replay_fps: float = 4.0, report: Callable[[str], None] | None = print,
                 build_progress: Callable[[Any], None] | None = None, build_options: BuildOptions | None = None,
                 build: bool = True, prebuilt: str = DEMO) -> DemoSetup:
    """The demo product, accounts, library, manual, replay camera and (first time) its bank. ``build``
    false: everything but the bank (seconds), ``setup.needs_build`` says whether :func:`build_demo_model`
    is still to run. ``build_options`` default to the demo's fixed configuration (:func:`demo_model`).
    Without torch (the lean CPU package) the bank is never built: the bundled prebuilt model set ``prebuilt``
    is installed instead (``station.app.demo_prebuilt``)."""
    from station.services.admin import import_images

    home = ctx.settings.home
    demo_dir = home / "demo"
    setup = DemoSetup(home=home, product_code=DEMO_PRODUCT, replay_folder=demo_dir / "replay",
                      camera=CameraSpec(), accounts=[])
    counts = import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product(DEMO_PRODUCT)
    torch_free = not engine.models.can_build()
    if build_options is None:
        fixed = demo_model()
        if not torch_free:  # a prebuilt model set needs no weights
            _check_weights(engine, fixed.backbone)
        _use_demo_size(ctx, product.product_id, fixed.input_size)
    _say(report, setup, f"demo product {product.code} ({product.name}): {len(product.defect_types)} defect types "
                        f"({counts['products_created']} product created)")
    for username, role, name in DEMO_ACCOUNTS:
        if ctx.users.list_users() and any(u.username == username for u in ctx.users.list_users()):
            continue
        ctx.users.add_user(username, f"{username}@demo.local", DEMO_PASSWORD, [role], full_name=name)
    setup.accounts = [(username, role) for username, role, _ in DEMO_ACCOUNTS]
    _say(report, setup, "demo accounts (password " + DEMO_PASSWORD + "): " +
         ", ".join(f"{u} ({r})" for u, r in setup.accounts))
    if not ctx.catalog.list_images(product.product_id, ImageType.NORMAL.value):
        files = render_library(demo_dir / "library", n_good, n_per_defect, size)
        import_images(ctx.catalog, ctx.storage, product.product_id, "normal", files["normal"])
        for code in DEFECT_CODES:
            import_images(ctx.catalog, ctx.storage, product.product_id, "defect", files[code],
                          defect_type_id=product.defect_by_code(code).defect_type_id)
        _say(report, setup, f"image library: {n_good} good and {n_per_defect} per defect type rendered")
    else:
        _say(report, setup, "image library: already present")
    manual = resources_dir() / "demo" / "demo_manual.md"
    manuals = getattr(ctx, "manuals", None)
    if manuals is not None and not manuals.list_manuals(DEMO_PRODUCT):
        [ingested] = manuals.ingest(DEMO_PRODUCT, [manual])
        _say(report, setup, f"manual: {ingested.sections} sections indexed")
    if not any(setup.replay_folder.glob("*.png")):
        render_replay(setup.replay_folder, size)
    setup.camera = CameraSpec(source=str(setup.replay_folder), fps=replay_fps, loop=True)
    _say(report, setup, f"replay camera: {setup.replay_folder}")
    _record_station_camera(home, setup.camera, report, setup)
    setup.needs_build = rebuild or not _has_completed_bank(ctx, product.product_id)
    if setup.needs_build and torch_free:
        summary = install_prebuilt(ctx, engine, DEMO_PRODUCT, product.product_id, prebuilt)
        setup.needs_build = False
        _say(report, setup, describe_prebuilt(summary))
    elif not setup.needs_build:
        _say(report, setup, "memory bank: already built")
    elif build:
        _say(report, setup, "building the memory bank (first time only)…")
        setup.build = build_demo_model(engine, build_options, progress=build_progress)
        setup.needs_build = False
        _say(report, setup, describe_build(setup.build))
    else:
        _say(report, setup, "memory bank: to be built")
    return setup


def _record_station_camera(home: Path, camera: CameraSpec, report: Callable[[str], None] | None,
                           setup: DemoSetup) -> None:
    """The replay becomes the station's configured camera (``camera.json``, what ``station serve`` and the
    GUI use without ``--camera``) unless one is configured already: a technician's camera is never replaced."""
    from station.adapters.camera.settings_file import JsonCameraSettings

    path = home / "camera.json"
    if path.exists():
        return
    JsonCameraSettings(path).save(camera)
    _say(report, setup, f"station camera: the replay ({path})")


def describe_build(build: BuildSummary) -> str:
    """One line about a finished demo build."""
    return (f"memory bank: {build.coreset_size} patches from {build.n_images} images in {build.seconds:.1f} s "
            f"({build.backbone} at {build.image_size} px{', degraded' if build.degraded else ''})")


def build_demo_model(engine: Any, options: BuildOptions | None = None, *, progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> BuildSummary:
    """The demo product's bank and retrieval index, with the fixed configuration unless ``options`` say
    otherwise (never a self-configuration: the options always name a backbone). Slow (tens of seconds):
    call it from a worker thread, or where waiting is the point (``--headless``)."""
    require_builder(engine.models, DEMO_PRODUCT)  # one clear line without torch, before asking for weights
    if options is None:
        fixed = demo_model()
        _check_weights(engine, fixed.backbone)
        options = fixed.options()
    elif options.backbone is None:
        options = replace(options, backbone=demo_model().backbone)
    return engine.builder.build(DEMO_PRODUCT, options, progress=progress, cancel=cancel)
