"""``station views list | add``: the views of a product (a top and a side camera): each with its camera
source, preprocessing/ROI and thresholds; its bank is built with ``station build --product P --view V``."""

from __future__ import annotations

import argparse

from station.app.station import build_station
from station.cli.common import print_json, settings_from
from station.domain.errors import ValidationError
from station.pipeline.images.preprocessing import Preprocessing


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("views", help="the views of a product (several cameras on one part)")
    sub = p.add_subparsers(dest="views_command", required=True)
    ls = sub.add_parser("list", help="the product's views")
    ls.add_argument("--product", required=True)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    add = sub.add_parser("add", help="add a view to the product, or change one")
    add.add_argument("--product", required=True)
    add.add_argument("--view", required=True, help="view code: letters, digits, '_' or '-' (e.g. top, side)")
    add.add_argument("--camera", help="the view's camera source: device index, video file, URL or image folder")
    add.add_argument("--roi", metavar="X,Y,W,H", help="region of interest in pixels of the camera's frame")
    add.add_argument("--image-threshold", type=float)
    add.add_argument("--pixel-threshold", type=float)
    add.add_argument("--review-threshold", type=float)
    add.add_argument("--user-id", type=int, help="user id recorded in the audit log")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=_add)


def _row(config) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return {"view": config.view_code, "camera": config.camera_source, "roi": config.preprocessing.get("roi"),
            "image_threshold": config.image_threshold, "pixel_threshold": config.pixel_threshold,
            "review_threshold": config.review_threshold}


def _list(args: argparse.Namespace) -> int:
    ctx = build_station(settings_from(args))
    try:
        rows = [_row(c) for c in ctx.station_settings.views(args.product)]
        banks = {r["view"]: ctx.engine.inspection.bank_info(args.product, r["view"]) is not None for r in rows}
    finally:
        ctx.close()
    if args.json:
        print_json([{**r, "bank": banks[r["view"]]} for r in rows])
        return 0
    if not rows:
        print(f"{args.product}: no views (one camera, the product's own configuration)")
    for r in rows:
        print(f"{args.product} view {r['view']}: camera {r['camera'] or '-'}, roi {r['roi'] or '-'}, thresholds "
              f"{r['image_threshold']:.2f}/{r['pixel_threshold']:.2f}, "
              f"{'bank built' if banks[r['view']] else 'no bank yet'}")
    return 0


def _add(args: argparse.Namespace) -> int:
    preprocessing = None
    if args.roi:
        try:
            preprocessing = {"roi": [int(v) for v in args.roi.split(",")]}
        except ValueError:
            raise ValidationError(f"--roi takes X,Y,W,H in pixels, got {args.roi!r}") from None
    ctx = build_station(settings_from(args))
    try:
        saved = ctx.station_settings.define_view(
            args.product, args.view, args.user_id, camera=args.camera, preprocessing=preprocessing,
            image_threshold=args.image_threshold, pixel_threshold=args.pixel_threshold,
            review_threshold=args.review_threshold, validator=Preprocessing.from_config)
    finally:
        ctx.close()
    if args.json:
        print_json(_row(saved))
    else:
        print(f"{args.product} view {saved.view_code}: camera {saved.camera_source or '-'}; build its bank with "
              f"station build --product {args.product} --view {saved.view_code}")
    return 0
