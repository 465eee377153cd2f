"""``station gui``: opens the desktop station on the configured store and camera."""

from __future__ import annotations

import argparse

from station.app.station import build_station
from station.cli.common import display_available
from station.domain.errors import StationError
from station.config import load_settings
from station.domain.camera import CameraSpec


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gui", help="open the station window")
    p.add_argument("--camera", help="camera source for this session: device index, video file, URL or image folder")
    p.set_defaults(func=_gui)


def _gui(args: argparse.Namespace) -> int:
    if not display_available():
        raise StationError("no display (DISPLAY/WAYLAND_DISPLAY unset): run on a desktop session or under xvfb-run")
    ctx = build_station(load_settings(home=getattr(args, "home", None)))
    try:
        camera = CameraSpec(source=args.camera).validated() if args.camera else None
        from station.app.gui import run_gui  # imported here: Qt loads only when a window opens

        return int(run_gui(ctx, camera=camera))
    finally:
        ctx.close()
