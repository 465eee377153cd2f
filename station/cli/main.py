"""``station`` command line: one entry point, sub-commands registered by the modules in COMMANDS.

Errors a person can act on (:class:`StationError`) print one line to stderr and exit 2. Everything is
logged to ``STATION_HOME/logs/station.log`` (rotating); ``--verbose`` mirrors the log to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from station import __version__
from station.app.logs import configure_logging
from station.domain.errors import StationError

log = logging.getLogger("station.cli")

# Each module exposes register(subparsers) and sets args.func(args) -> int.
COMMANDS = (
    "station.cli.db_cmd",
    "station.cli.users_cmd",
    "station.cli.backup_cmd",
    "station.cli.demo_cmd",
    "station.cli.gui_cmd",
    "station.cli.sync_cmd",
    "station.cli.storage_cmd",
    "station.cli.manuals_cmd",
    "station.cli.models_cmd",
    "station.cli.engine_cmd",
    "station.cli.report_cmd",
    "station.cli.serve_cmd",
    "station.cli.override_cmd",
    "station.cli.onboard_cmd",
    "station.cli.views_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station",
        description="Inspection Station: visual quality inspection at the bench.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--home", help="directory for all local data (default: $STATION_HOME or the user data dir)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="mirror the log (STATION_HOME/logs/station.log) to stderr, debug messages included")
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
    start_logging(getattr(args, "home", None), verbose=bool(getattr(args, "verbose", False)))
    log.info("station %s: %s", __version__, _redacted(sys.argv[1:] if argv is None else argv))
    try:
        return int(args.func(args) or 0)
    except StationError as exc:
        log.warning("%s", exc)
        print(f"station: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("station: interrupted", file=sys.stderr)
        return 130
    except Exception:
        log.exception("unexpected error")
        raise


def _redacted(argv: Sequence[str]) -> str:
    """The command line for the log, without passwords in URLs (``postgresql://u:***@host``)."""
    return " ".join(re.sub(r"//([^:/@\s]+):[^@\s]*@", r"//\1:***@", arg) for arg in argv)


def start_logging(home: str | None, *, verbose: bool = False) -> Path | None:
    """The rotating log under the station's home (none when the settings cannot even be read: the command
    then reports that in one line itself)."""
    from station.config import load_settings

    try:
        logs_dir = load_settings(home=home).logs_dir
    except StationError:
        logs_dir = None
    return configure_logging(logs_dir, verbose=verbose)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
