"""``station demo``: the embedded default, ready to inspect — local SQLite store, the demo product with
defect types and a manual, rendered cast-part images, the memory bank, demo accounts — then the station
window on a replay camera (``--headless``: one inspection printed instead, for CI).

The window opens first: a bank still to be built (first start, ``--rebuild``) is built in the background
while the window shows its progress, with the demo's fixed configuration (``resources/demo/demo_model.json``).
``--headless`` builds it in the foreground, then inspects.

``station --self-check`` (see :func:`self_check`) runs the same set-up in a throwaway home and exits 0
when a good and a defective part are judged correctly; it works in the frozen app too.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from station.app.station import build_station
from station.cli.common import display_available
from station.config import load_settings
from station.domain.errors import StationError

DEMO_PRODUCT = "demo-cast"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="set up the demo station (product, images, bank) and open it")
    p.add_argument("--headless", action="store_true", help="no window: set up, inspect one part, print the result")
    p.add_argument("--rebuild", action="store_true", help="rebuild the memory bank even when one exists")
    p.add_argument("--user", default="worker", help="demo account signed in when the window opens (default worker)")
    p.add_argument("--good-images", type=int, default=40, help="good library images to render (default 40)")
    p.set_defaults(func=_demo)


def _engine(ctx: Any) -> Any:
    return ctx.engine


class _Progress:
    """Prints a build's overall progress (``Progress("build", percent, 100)``) at every tenth."""

    def __init__(self) -> None:
        self._last = -1

    def __call__(self, progress: Any) -> None:
        tenth = progress.done // 10
        if tenth != self._last:
            self._last = tenth
            print(f"  building the memory bank: {progress.done} % ({progress.message})", flush=True)


def _demo(args: argparse.Namespace) -> int:
    from station.app.demo import DEMO_PASSWORD, OverallProgress, build_demo_model, describe_build, prepare_demo

    settings = load_settings(home=getattr(args, "home", None))
    ctx = build_station(settings)
    try:
        engine = _engine(ctx)
        print(f"local store: {settings.local_db_path}")
        print(f"object storage: {settings.resolved_storage_dir}")
        setup = prepare_demo(ctx, engine, n_good=args.good_images, rebuild=args.rebuild, build=False)
        windowed = not args.headless and display_available()
        if not args.headless and not windowed:
            print("no display here (no DISPLAY or WAYLAND_DISPLAY): inspecting one part headless instead; "
                  "open the window on a desktop session, or with `xvfb-run .venv/bin/station demo`")
        if not windowed:
            if setup.needs_build:
                print("building the memory bank (first time only)…", flush=True)
                print(describe_build(build_demo_model(engine, progress=OverallProgress(_Progress()))), flush=True)
            return _inspect_one(engine, setup.replay_folder)
        print(f"opening the station; signed in as {args.user!r} (password {DEMO_PASSWORD})")
        if setup.needs_build:
            print("the memory bank is built in the background: the window shows its progress")
        from station.app import gui  # imported here: Qt loads only when a window opens
        build = gui.BackgroundBuild(DEMO_PRODUCT, lambda progress, cancel: build_demo_model(
            engine, progress=OverallProgress(progress), cancel=cancel)) if setup.needs_build else None
        return int(gui.run_gui(ctx, camera=setup.camera, sign_in=(args.user, DEMO_PASSWORD), build=build))
    finally:
        ctx.close()


def _inspect_one(engine: Any, replay_folder: Path) -> int:
    frame = sorted(replay_folder.glob("*.png"))[2]  # the first defective part of the replay
    outcome = engine.inspection.inspect(DEMO_PRODUCT, frame, inspector_id=None)
    defect = outcome.defect.defect_code if outcome.defect else None
    print(f"inspected {frame.name}: {outcome.verdict.value} (score {outcome.image_score:.3f}, "
          f"threshold {outcome.image_threshold:.2f}), {len(outcome.regions)} regions, defect type {defect}, "
          f"recorded as {outcome.inspection_code}")
    return 0


def self_check(args: argparse.Namespace) -> int:
    """A headless inspection in a throwaway home: exits 0 when a good part passes and a defective part
    does not; prints one line per step. Used by ``station --self-check`` and the frozen app."""
    from station.app.demo import prepare_demo
    from station.app.demo_prebuilt import SELF_CHECK
    from station.pipeline.synthetic.parts import render_part

    with tempfile.TemporaryDirectory(prefix="station-self-check-") as tmp:
        home = Path(tmp)
        os.environ["STATION_CONFIG"] = str(home / "config.toml")
        ctx = build_station(load_settings(home=home, models_dir=getattr(args, "models_dir", None)))
        try:
            engine = _engine(ctx)
            prepare_demo(ctx, engine, n_good=12, n_per_defect=2, size=128, report=lambda s: print(f"self-check: {s}"),
                         prebuilt=SELF_CHECK)
            good = render_part(90_001, 128).image
            bad = render_part(90_002, 128, "hole").image
            results = {}
            for name, image in (("good", good), ("defect", bad)):
                outcome = engine.inspection.inspect(DEMO_PRODUCT, image, record=False)
                results[name] = outcome
                print(f"self-check: {name} part -> {outcome.verdict.value} (score {outcome.image_score:.3f}, "
                      f"{outcome.backbone}, {outcome.device})")
        finally:
            ctx.close()
    if results["good"].verdict.value != "PASS" or results["defect"].verdict.value == "PASS":
        raise StationError("self-check failed: the demo parts were not judged correctly")
    print("self-check: OK")
    return 0
