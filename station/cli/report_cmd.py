"""``station report dashboard``: what the supervisor's dashboard shows, from the same queries.

With ``--url`` of the central database it adds the view across stations (per station and product:
throughput, defect and UNCERTAIN rates, pending actions, last sync).
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date, timedelta

from station.app.cli import SqlReportReader
from station.cli.common import add_url_option, database_from, print_json
from station.domain.reports import DashboardQuery

FLEET_DAYS = 7  # the fleet view's window when --since is not given


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="supervisor reports")
    sub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    dash = sub.add_parser("dashboard", help="the supervisor dashboard (per product; across stations at the centre)")
    add_url_option(dash)
    dash.add_argument("--product", help="one product code")
    dash.add_argument("--station", help="one station id (e.g. ST03)")
    dash.add_argument("--since", type=date.fromisoformat, help="inspections on or after this day (YYYY-MM-DD)")
    dash.add_argument("--json", action="store_true", help="print JSON")
    dash.set_defaults(func=_dashboard)


def _dashboard(args: argparse.Namespace) -> int:
    db = database_from(args)
    try:
        reader = SqlReportReader(db)
        query = DashboardQuery(product_code=args.product, station_id=args.station, since=args.since)
        products = reader.dashboard(query)
        fleet = None
        if db.dialect == "postgresql":
            since = args.since or date.today() - timedelta(days=FLEET_DAYS - 1)
            fleet = reader.fleet(since, station_id=args.station, product_code=args.product)
    finally:
        db.dispose()
    if args.json:
        out: dict = {"products": [{**asdict(s), "defect_rate": s.defect_rate} for s in products]}
        if fleet is not None:
            out["fleet"] = [{**asdict(f), "per_day": f.per_day, "defect_rate": f.defect_rate,
                             "uncertain_rate": f.uncertain_rate} for f in fleet]
        print_json(out)
        return 0
    print(f"{'product':<24} {'inspections':>11} {'defects':>8} {'uncertain':>9} {'resolved':>8} {'pending':>8}")
    for s in products:
        print(f"{s.product_name[:24]:<24} {s.total_inspection_count:>11} {s.defect_detected_count:>8} "
              f"{s.uncertain_count:>9} {s.resolved_count:>8} {s.pending_action_count:>8}")
    if fleet is not None:
        print(f"\n{'station':<8} {'product':<12} {'per day':>8} {'defect %':>8} {'uncert %':>8} {'pending':>8}  last sync")
        for f in fleet:
            print(f"{f.station_id:<8} {f.product_code[:12]:<12} {f.per_day:>8.1f} {100 * f.defect_rate:>8.2f} "
                  f"{100 * f.uncertain_rate:>8.2f} {f.pending_actions + f.pending_reviews:>8}  "
                  f"{f.last_received_at or '-'}")
    return 0
