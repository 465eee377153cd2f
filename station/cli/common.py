"""Helpers shared by the CLI sub-commands: settings, database opening, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from station.app.cli import Database, open_database
from station.config import Settings, load_settings


def settings_from(args: argparse.Namespace) -> Settings:
    settings = load_settings(home=getattr(args, "home", None))
    settings.ensure_dirs()
    return settings


def add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        help="database URL, e.g. postgresql://user@host:5432/db (default: the station's local SQLite store)",
    )


def database_from(args: argparse.Namespace, *, upgrade: bool = True) -> Database:
    """The database named by --url, else the local store (created/upgraded automatically)."""
    url = getattr(args, "url", None)
    if url:
        return open_database(url, upgrade=False)
    return open_database(settings_from(args).resolved_local_db_url, upgrade=upgrade)


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def display_available() -> bool:
    """Whether a window can open: a desktop session (X11/Wayland) or an explicit Qt platform."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
