"""``station models update`` and ``station models rollback``: learn approved false alarms into a product's
model without a rebuild (validated on its labelled defects first; refused with the reason when misses would
rise), and put the previous version back.

```
station models update --list [--product P] [--json]
station models update --from-overrides ID [ID ...] --user NAME [--json]
station models update --all-approved [--product P] --user NAME [--json]
station models rollback PRODUCT [--view V] --user NAME [--json]
```
"""

from __future__ import annotations

import argparse

from station.app.station import build_station
from station.cli.common import print_json, settings_from
from station.cli.progress import ProgressReporter
from station.domain.errors import NotFoundError, StationError, ValidationError
from station.domain.users import UserInfo


def add_parsers(sub: argparse._SubParsersAction) -> None:
    update = sub.add_parser("update", help="learn approved false alarms into the model (no rebuild; validated, "
                                           "refused when labelled defects would be missed)")
    which = update.add_mutually_exclusive_group()
    which.add_argument("--from-overrides", nargs="+", metavar="ID", help="override ids of false alarms to learn")
    which.add_argument("--all-approved", action="store_true", help="every false alarm not learned yet")
    which.add_argument("--list", action="store_true", help="list the false alarms not learned yet")
    update.add_argument("--product", help="only this product's false alarms")
    update.add_argument("--user", metavar="NAME", help="the technician (supervisor/technician or admin) approving")
    update.add_argument("--json", action="store_true", help="print JSON")
    update.set_defaults(func=_update)

    rollback = sub.add_parser("rollback", help="put the previous model version of a product back")
    rollback.add_argument("product", metavar="PRODUCT")
    rollback.add_argument("--view", help="the view whose model to roll back")
    rollback.add_argument("--user", metavar="NAME", help="the technician (supervisor/technician or admin)")
    rollback.add_argument("--json", action="store_true", help="print JSON")
    rollback.set_defaults(func=_rollback)


def _ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                ids.append(int(part))
            except ValueError:
                raise ValidationError(f"override ids are numbers, got {part.strip()!r}") from None
    if not ids:
        raise ValidationError("give the override ids to learn, or --all-approved")
    return ids


def _user(ctx, name: str | None) -> UserInfo:  # type: ignore[no-untyped-def]
    if not name:
        raise ValidationError("say who approves the change: --user NAME")
    user = next((u for u in ctx.users.list_users() if u.username == name), None)
    if user is None:
        raise NotFoundError(f"no user {name}")
    return user


def _service(ctx):  # type: ignore[no-untyped-def]
    service = ctx.engine.updates
    if service is None:
        raise StationError("this station cannot update models")
    return service


def _update(args: argparse.Namespace) -> int:
    ids = _ids(args.from_overrides) if args.from_overrides else None
    if not args.list and ids is None and not args.all_approved:
        raise ValidationError("choose what to learn: --from-overrides ID [ID ...], --all-approved, or --list")
    ctx = build_station(settings_from(args))
    try:
        service = _service(ctx)
        if args.list:
            pending = service.pending(args.product)
            if args.json:
                print_json([{"override_id": a.override_id, "inspection_code": a.inspection_code,
                             "product_code": a.product_code, "view": a.view_code, "verdict": a.original_verdict,
                             "score": a.anomaly_score, "at": a.at, "by": a.by_username} for a in pending])
            else:
                print(f"{len(pending)} false alarm(s) not learned yet")
                for a in pending:
                    view = f" view {a.view_code}" if a.view_code else ""
                    score = "" if a.anomaly_score is None else f" score {a.anomaly_score:.3f}"
                    print(f"  {a.override_id:>6}  {a.inspection_code}  {a.product_code}{view}  was "
                          f"{a.original_verdict}{score}  by {a.by_username or '-'}  {str(a.at or '')[:19]}")
            return 0
        user = _user(ctx, args.user)
        with ProgressReporter(not args.json) as progress:
            results = service.update(ids, user, progress=progress, product_code=args.product)
    finally:
        ctx.close()
    if args.json:
        print_json([r.to_json() for r in results])
    else:
        for r in results:
            of = r.product_code + (f" view {r.view_code}" if r.view_code else "")
            if r.accepted:
                print(f"{of}: version {r.version} is live ({r.n_parts} parts, {r.n_added} of {r.n_uncovered} "
                      f"uncovered patches added, {r.n_replaced} replaced, bank {r.bank_size}, {r.seconds:.1f} s); "
                      f"{r.reason}")
            else:
                print(f"{of}: update REFUSED: {r.reason}")
    return 0 if all(r.accepted for r in results) else 1


def _rollback(args: argparse.Namespace) -> int:
    ctx = build_station(settings_from(args))
    try:
        user = _user(ctx, args.user)
        result = _service(ctx).rollback(args.product, user, view=args.view)
    finally:
        ctx.close()
    if args.json:
        print_json(result.to_json())
    else:
        of = result.product_code + (f" view {result.view_code}" if result.view_code else "")
        print(f"{of}: rolled back from version {result.version_before} to {result.version}")
    return 0
