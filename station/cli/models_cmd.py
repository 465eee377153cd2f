"""``station models``: list the model files the station can use and fetch them into the models directory.

Models come from *providers*: modules listed by ``station.app.cli.model_providers`` that expose

* ``available_models(models_dir) -> list[dict]`` — rows with at least ``name``, ``kind``, ``file``,
  ``installed``, ``description``, ``source``;
* ``fetch_model(name, models_dir, *, force, source, progress) -> Path | None`` — installs ``name``
  (verified by sha256) and returns its path, or returns None when the name is not one of its models;
  ``progress`` hears text notes and ``Progress`` reports (drawn as a bar on a terminal).

``fetch`` asks each provider in turn; ``list`` shows all of them. ``update`` and ``rollback`` (learning approved
false alarms into a product's model, and undoing it) are in ``station.cli.model_update_cmd``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from types import ModuleType

from station.app.cli import model_providers
from station.cli import model_update_cmd
from station.cli.common import print_json, settings_from
from station.cli.progress import ProgressReporter
from station.domain.errors import NotFoundError

def _providers() -> list[ModuleType]:
    return model_providers()


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="list and fetch model weights (verified by sha256); update a model "
                                             "from approved false alarms, roll it back")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="the models the station knows and which are installed")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)

    fetch = sub.add_parser("fetch", help="install a model into the models directory")
    fetch.add_argument("name", nargs="+", help="model name(s), see `station models list`")
    fetch.add_argument("--from", dest="source", type=Path, help="install from this local file instead")
    fetch.add_argument("--force", action="store_true", help="fetch again even if a verified copy is installed")
    fetch.set_defaults(func=_fetch)
    model_update_cmd.add_parsers(sub)


def _list(args: argparse.Namespace) -> int:
    models_dir = settings_from(args).resolved_models_dir
    rows: list[dict] = []
    for provider in _providers():  # a model two providers know (e.g. also in the manifest) is listed once
        rows += [row for row in provider.available_models(models_dir) if row["name"] not in {r["name"] for r in rows}]
    if args.json:
        print_json(rows)
        return 0
    print(f"models directory: {models_dir}")
    for row in rows:
        mark = "installed" if row["installed"] else "-"
        print(f"  {row['name']:<22} {row['kind']:<9} {mark:<10} {row['description']}")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    models_dir = settings_from(args).resolved_models_dir
    for name in args.name:
        for provider in _providers():
            with ProgressReporter() as progress:
                path = provider.fetch_model(name, models_dir, force=args.force, source=args.source,
                                            progress=progress)
            if path is not None:
                print(f"{name}: {path}")
                break
        else:
            known = [row["name"] for provider in _providers() for row in provider.available_models(models_dir)]
            raise NotFoundError(f"unknown model {name!r}; known: {', '.join(known)}")
    return 0
