"""``station override``: correct a recorded verdict (false alarm, missed defect, other defect type); the
part becomes a labelled sample of the product's image library; the latest override decides what the part is
in the queues, counts and reports. ``--list`` shows an inspection's overrides (oldest first), who made them
and when, and the station's and the effective verdict."""

from __future__ import annotations

import argparse

from station.app.station import build_station
from station.cli.common import print_json, settings_from
from station.domain.errors import NotFoundError, ValidationError
from station.domain.overrides import OverrideKind


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("override", help="correct an inspection's verdict (worker or supervisor)")
    p.add_argument("inspection_code", metavar="INSPECTION_CODE")
    p.add_argument("--kind", choices=[k.value for k in OverrideKind], help="what the station got wrong")
    p.add_argument("--user", help="who corrects it (a worker, supervisor or admin account)")
    p.add_argument("--defect", metavar="CODE", help="the defect type the part really has")
    p.add_argument("--notes")
    p.add_argument("--list", action="store_true", help="show the inspection's overrides instead")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_override)


def _override(args: argparse.Namespace) -> int:
    ctx = build_station(settings_from(args))
    try:
        service = ctx.overrides
        status = None
        if args.list:
            status = service.status(args.inspection_code)
            entries = list(status.overrides)
        else:
            if not args.kind or not args.user:
                raise ValidationError("give --kind and --user (or --list)")
            user = next((u for u in ctx.users.list_users() if u.username == args.user), None)
            if user is None:
                raise NotFoundError(f"no user {args.user}")
            entries = [service.override(args.inspection_code, args.kind, user, defect_code=args.defect,
                                        notes=args.notes)]
    finally:
        ctx.close()
    if args.json:
        print_json([{**e.__dict__, "verdict": e.verdict} for e in entries])
        return 0
    if status is not None:
        print(f"{args.inspection_code}: station verdict {status.station_verdict}, now {status.verdict}"
              f"{'' if status.defect_code is None else f' ({status.defect_code})'}")
    for e in entries:
        print(f"{args.inspection_code}: {e.kind} (was {e.original_verdict}) -> {e.corrected_label}"
              f"{'' if e.defect_code is None else f' type {e.defect_code}'}, "
              f"by {e.by_username or f'user {e.by_user}'} at {e.at}, library image {e.library_image_id}")
    return 0
