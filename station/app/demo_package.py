"""Makes the demo product's prebuilt model sets for the lean CPU package, at package-build time and with the
full environment (torch): for each variant a throwaway home is set up as the self-check or ``station demo``
would, the bank is built and exported, and its published model files are copied out with the build summary
(layout in :mod:`station.app.demo_prebuilt`). Refuses a set whose export did not pass: the lean package
could not inspect with it.

    .venv/bin/python -m station.app.demo_package build/demo-models
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from station.app.demo import DEMO_PRODUCT, prepare_demo
from station.app.demo_prebuilt import DEMO, SELF_CHECK, SUMMARY_FILE
from station.app.station import build_station
from station.config import load_settings
from station.domain.errors import StationError

# The variants, as set up by the self-check (station.cli.demo_cmd.self_check) and by `station demo`.
VARIANTS = {SELF_CHECK: {"n_good": 12, "n_per_defect": 2, "size": 128},
            DEMO: {"n_good": 40, "n_per_defect": 6, "size": 256}}


def make_variant(dest: Path, variant: str) -> dict:
    """Builds variant ``variant`` in a throwaway home and copies its model set to ``dest/<variant>``."""
    target = dest / variant
    with tempfile.TemporaryDirectory(prefix=f"station-prebuilt-{variant}-") as tmp:
        home = Path(tmp)
        os.environ["STATION_CONFIG"] = str(home / "config.toml")
        ctx = build_station(load_settings(home=home))
        try:
            engine = ctx.engine
            setup = prepare_demo(ctx, engine, report=lambda s: print(f"{variant}: {s}", flush=True),
                                 **VARIANTS[variant])
            if setup.build is None:
                raise StationError(f"{variant}: no bank was built")
            summary = {k: v for k, v in setup.build.to_json().items()  # paths and ids of the throwaway home
                       if k not in ("bank_file", "deployment_id", "retrieval_deployment_id")}
            if summary.get("runtime") != "onnxruntime":
                raise StationError(f"{variant}: the export did not pass ({summary.get('runtime_reason')}); "
                                   f"the lean package could not inspect with it")
            source = engine.files.root
            if target.exists():
                shutil.rmtree(target)
            (target / "banks").mkdir(parents=True)
            for folder in source.iterdir():
                if folder.is_dir():
                    shutil.copytree(folder, target / "banks" / folder.name)
            (target / SUMMARY_FILE).write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
        finally:
            ctx.close()
    print(f"{variant}: {DEMO_PRODUCT} model set written to {target} (runtime {summary['runtime']}, "
          f"parity {summary.get('runtime_parity')})", flush=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dest = Path(args[0] if args else "build/demo-models")
    for variant in VARIANTS:
        make_variant(dest, variant)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
