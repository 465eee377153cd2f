"""``station calibrate --product P --from-history [--proposal NAME]``: threshold proposals from the labelled
outcomes on the line (overrides, resolved actions), with the false-alarm and miss rate of each and their
95 % Wilson intervals, the width of each UNCERTAIN band, and the labelled defects a proposal would pass.
Below the minimum of labelled outcomes it refuses with one line saying how many are missing."""

from __future__ import annotations

import argparse

from station.app.station import build_station
from station.cli.common import print_json, settings_from
from station.domain.errors import NotFoundError, ValidationError
from station.domain.users import UserInfo


def calibrate_from_history(args: argparse.Namespace) -> int:
    ctx = build_station(settings_from(args))
    try:
        service = ctx.history_thresholds
        proposals = service.propose(args.product, target_far=args.target_far)
        applied = None
        if args.proposal:
            chosen = next((p for p in proposals if p.name == args.proposal), None)
            if chosen is None:
                raise ValidationError(f"no proposal {args.proposal!r}; choose from "
                                      f"{', '.join(p.name for p in proposals)}")
            service.apply(args.product, chosen, _applying_user(ctx, args))
            applied = chosen.name
        elif args.apply:
            raise ValidationError("with --from-history, name the proposal to apply: --proposal NAME")
    finally:
        ctx.close()
    if args.json:
        print_json({"proposals": [p.to_json() for p in proposals], "applied": applied})
        return 0
    first = proposals[0]
    print(f"{args.product}: {first.n_good} good and {first.n_defect} defective labelled outcomes "
          f"(pixel threshold {first.pixel_threshold:.3f} kept; rates with their 95% Wilson intervals)")
    for p in proposals:
        mark = "  [applied]" if p.name == applied else ""
        print(f"  {p.name:<11} FAIL >= {p.image_threshold:.3f}  UNCERTAIN >= {p.review_threshold:.3f} "
              f"(band width {p.band_width:.3f})  false alarms {_rate(p.false_alarm_rate, p.false_alarm_interval)}  "
              f"misses {_rate(p.miss_rate, p.miss_interval)}  "
              f"good held for review {_rate(p.review_rate, p.review_interval)}{mark}")
        if p.passed_defects:
            print(f"      would PASS {len(p.passed_defects)} labelled defect(s) scored "
                  f"{', '.join(f'{s:.3f}' for s in p.passed_defects[-5:])}")
    return 0


def _rate(rate: float, interval: tuple[float, float]) -> str:
    return f"{rate:6.1%} ({interval[0]:.1%}-{interval[1]:.1%})"


def _applying_user(ctx, args: argparse.Namespace) -> UserInfo:  # type: ignore[no-untyped-def]
    if not args.user and args.user_id is None:
        raise ValidationError("with --proposal, say who applies it: --user NAME")
    user = next((u for u in ctx.users.list_users()
                 if (args.user and u.username == args.user) or (not args.user and u.user_id == args.user_id)), None)
    if user is None:
        raise NotFoundError(f"no user {args.user or args.user_id}")
    return user
