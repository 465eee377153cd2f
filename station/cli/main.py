"""``station`` command line: one entry point, sub-commands registered by the modules in COMMANDS.

Errors a person can act on (:class:`StationError`) print one line to stderr and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from station import __version__
from station.domain.errors import StationError

# Each module exposes register(subparsers) and sets args.func(args) -> int.
COMMANDS = (
    "station.cli.db_cmd",
    "station.cli.users_cmd",
    "station.cli.backup_cmd",
    "station.cli.demo_cmd",
    "station.cli.gui_cmd",
    "station.cli.sync_cmd",
    "station.cli.manuals_cmd",
    "station.cli.models_cmd",
    "station.cli.engine_cmd",
    "station.cli.serve_cmd",
    "station.cli.override_cmd",
    "station.cli.onboard_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station",
        description="Inspection Station: visual quality inspection at the bench.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--home", help="directory for all local data (default: $STATION_HOME or the user data dir)")
    parser.add_argument("--self-check", action="store_true",
                        help="inspect rendered demo parts headless in a throwaway home and exit (0 = OK)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_check:
        args.func = importlib.import_module("station.cli.demo_cmd").self_check
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except StationError as exc:
        print(f"station: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
