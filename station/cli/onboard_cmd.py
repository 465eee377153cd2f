"""``station onboard``: a new product from N >= 5 good parts captured from the camera (and a few
defective ones per type), built and ready to inspect; prints the expected false-alarm bound. ``--more`` adds
good parts and rebuilds, or with ``--incremental`` learns them into the live model without a rebuild."""

from __future__ import annotations

import argparse

from station.app.onboarding import capture_frames
from station.app.station import build_station
from station.cli.common import print_json, settings_from
from station.domain.errors import ValidationError
from station.services.engine import require_builder


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("onboard", help="create a product from good parts captured from the camera")
    p.add_argument("--product", required=True, help="new product code")
    p.add_argument("--name", help="product name (default: the code)")
    p.add_argument("--camera", required=True, help="camera source: device index, video file, URL or image folder")
    p.add_argument("--good", type=int, default=5, help="good parts to capture (at least 5)")
    p.add_argument("--defect", action="append", default=[], metavar="CODE=N",
                   help="then capture N defective parts of type CODE (repeatable)")
    p.add_argument("--more", action="store_true", help="add --good parts to an onboarded product and rebuild")
    p.add_argument("--view", help="with --more: the parts are frames of this view of the product (station views "
                                  "add); that view's bank is rebuilt")
    p.add_argument("--incremental", action="store_true",
                   help="with --more: learn the parts into the live model without a rebuild (validated on the "
                        "labelled defects; refused with the reason when misses would rise)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between captured frames (default 1)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_onboard)


def _onboard(args: argparse.Namespace) -> int:
    defects: dict[str, int] = {}
    for item in args.defect:
        code, _, n = item.partition("=")
        if not code or not n.isdigit():
            raise ValidationError(f"--defect takes CODE=N, got {item!r}")
        defects[code] = int(n)
    ctx = build_station(settings_from(args))
    try:
        require_builder(ctx.engine.models, args.product)  # without torch: one line, before the camera captures
        service = ctx.engine.onboarding
        if args.view and not args.more:
            raise ValidationError("--view needs --more: a view's parts are added to a product that exists "
                                  "(define the view first with station views add)")
        if args.incremental and not args.more:
            raise ValidationError("--incremental needs --more: parts are learned into an existing model")
        good = capture_frames(args.camera, args.good, args.interval)
        if args.more:
            report = service.add_good(args.product, good, view=args.view, incremental=args.incremental)
        else:
            bad = {code: capture_frames(args.camera, n, args.interval) for code, n in defects.items()}
            report = service.onboard(args.product, args.name or args.product, good, bad)
    finally:
        ctx.close()
    if args.json:
        print_json(report.to_json())
        return 0 if report.update is None or report.update.accepted else 1
    if report.update is not None:
        u = report.update
        of = u.product_code + (f" view {u.view_code}" if u.view_code else "")
        if u.accepted:
            print(f"{of}: {u.n_parts} good parts learned in {u.seconds:.1f} s, version {u.version} is live; {u.reason}")
            return 0
        print(f"{of}: update REFUSED: {u.reason} (the parts are kept in the library)")
        return 1
    assert report.build is not None
    bound = "unknown (no good part held out)" if report.far_upper_bound is None else \
        f"at most {report.far_upper_bound:.0%} (95%, {report.build.n_calibration_images} held-out good parts)"
    print(f"{report.product_code}: ready to inspect in {report.seconds:.1f} s from {report.n_good} good and "
          f"{report.n_defect} defective parts (backbone {report.build.backbone}"
          f"{', DEGRADED' if report.build.degraded else ''}); expected false-alarm rate {bound}")
    return 0
