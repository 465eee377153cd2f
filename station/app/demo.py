"""The demo station on the embedded default: local SQLite store, the demo product with its defect types
and manual, cast-part images the project renders itself (``station.pipeline.synthetic.parts``), the memory
bank, demo accounts, and a replay camera on a folder of unseen parts. Idempotent: a second run reuses
what is there (``rebuild`` forces a new bank)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from station.app.station import Station
from station.domain.camera import CameraSpec
from station.domain.enums import DeploymentStatus, DeploymentType, ImageType
from station.domain.errors import StationError
from station.pipeline.synthetic.parts import DEFECT_CODES, render_part
from station.resources import resources_dir
from station.services.admin import import_defect_mapping

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


def prepare_demo(ctx: Station, engine: Any, *, n_good: int = 40, n_per_defect: int = 6, size: int = 256,
                 rebuild: bool = False, replay_fps: float = 1.0, report: Callable[[str], None] | None = print,
                 build_progress: Callable[[Any], None] | None = None, build_options: Any = None) -> DemoSetup:
    """The demo product, accounts, library, manual, replay camera and (first time) its bank; ``build_options``
    (``BuildOptions``) default to a self-configured build."""
    from station.services.admin import import_images

    home = ctx.settings.home
    demo_dir = home / "demo"
    setup = DemoSetup(home=home, product_code=DEMO_PRODUCT, replay_folder=demo_dir / "replay",
                      camera=CameraSpec(), accounts=[])
    counts = import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product(DEMO_PRODUCT)
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
    if rebuild or not _has_completed_bank(ctx, product.product_id):
        _say(report, setup, "building the memory bank (first time only)…")
        setup.build = engine.builder.build(DEMO_PRODUCT, build_options, progress=build_progress)
        _say(report, setup, f"memory bank: {setup.build.coreset_size} patches from {setup.build.n_images} "
                            f"images in {setup.build.seconds:.1f} s ({setup.build.backbone}"
                            f"{', degraded' if setup.build.degraded else ''})")
    else:
        _say(report, setup, "memory bank: already built")
    return setup
