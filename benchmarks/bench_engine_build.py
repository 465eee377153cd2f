"""Time of a self-configured product build: the selection plus the product bank, as ``station build`` runs it.

For each data set (default ``../shared/data/casting`` and ``../shared/data/magnetic_tile``) the first
``--n-train`` (200) images of ``train/good`` are imported as a product's good images into a throwaway station
home (local SQLite, folder storage; importing is not timed), then ``ModelBuildService.build`` runs without a
backbone, so the configuration is chosen by validation first. Each build runs in a fresh process.

``--baseline REPO`` runs the same build on another checkout of the station (e.g. ``git worktree add
/tmp/base <commit>``) in the same run, alternating with this one, so that the two are measured under the
same conditions; the ratios are this checkout's time over the baseline's. Prints one JSON line per build
(total, selection, bank and index seconds, the choice, each candidate's seconds, its prediction and their
ratio, skipped candidates, the load average before and after) and a summary per data set. Times mean
something only on an otherwise idle machine (report the load average with them)::

    .venv/bin/python -m benchmarks.bench_engine_build --baseline /tmp/base --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def child(dataset: Path, n_train: int, size: int) -> dict:
    """One build in this process (``station`` is whichever checkout is on the path)."""
    from dataclasses import replace

    from station.app.station import build_station
    from station.config import load_settings
    from station.pipeline.images.datasets import folder_images
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import import_file

    home = Path(tempfile.mkdtemp(prefix="bench-build-"))
    os.environ["STATION_HOME"] = str(home)
    ctx = build_station(load_settings())
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product("demo-cast")
    ctx.catalog.save_model_config(replace(ctx.catalog.get_model_config(product.product_id),
                                          preprocessing={"resize": size}))
    for path in folder_images(dataset / "train" / "good")[:n_train]:
        import_file(ctx.catalog, ctx.storage, product.product_id, path, "normal")
    load_before = os.getloadavg()
    started = time.perf_counter()
    cpu = time.process_time()
    summary = ctx.engine.builder.build("demo-cast")
    seconds = time.perf_counter() - started
    selection = summary.selection or {}
    info = ctx.engine.inspection.bank_info("demo-cast") or {}
    candidates = [c for c in selection.get("candidates", []) if c["candidate"]["image_score"] == "reweighted"]
    ratios = [c["seconds"] / c["predicted_seconds"] for c in candidates if c.get("predicted_seconds")]
    out = {
        "dataset": dataset.name, "repo": str(Path(sys.modules["station"].__file__).parents[1]),
        "n_train": n_train, "seconds": round(seconds, 1), "cpu_seconds": round(time.process_time() - cpu, 1),
        "selection_seconds": selection.get("seconds"), "bank_seconds": summary.seconds,
        "after_selection_seconds": round(seconds - (selection.get("seconds") or 0.0), 1),
        "chosen": selection.get("chosen"), "objective": selection.get("objective"),
        "candidates": [{"key": c["candidate"]["key"], "seconds": c["seconds"],
                        "predicted": c.get("predicted_seconds"), "stages": c.get("stages")} for c in candidates],
        "max_actual_over_predicted": round(max(ratios), 2) if ratios else None,
        "skipped": selection.get("skipped"), "budget_seconds": selection.get("budget_seconds"),
        "bank": {k: info.get(k) for k in ("stage_seconds", "reused_features", "n_patches", "coreset_size")},
        "runtime": getattr(summary, "runtime", None),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    ctx.close()
    return out


def run(repo: Path, dataset: Path, n_train: int, size: int) -> dict:
    """One build in a fresh process on the checkout ``repo``."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(dataset),
                           "--n-train", str(n_train), "--input-size", str(size)],
                          cwd=repo, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the build on {repo} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("datasets", nargs="*", type=Path,
                        default=[DATA / "casting", DATA / "magnetic_tile"])
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured in the same run")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n_train, args.input_size)), flush=True)
        return 0
    missing = [d for d in args.datasets if not (d / "train" / "good").is_dir()]
    if missing:
        print(f"no data set at {missing[0]} (expected train/good)", file=sys.stderr)
        return 2
    for dataset in args.datasets:
        ours: list[dict] = []
        base: list[dict] = []
        for _ in range(args.repeat):
            if args.baseline:
                base.append(run(args.baseline, dataset, args.n_train, args.input_size))
                print(json.dumps({"baseline": True, **base[-1]}), flush=True)
            ours.append(run(REPO, dataset, args.n_train, args.input_size))
            print(json.dumps(ours[-1]), flush=True)
        line = {"dataset": dataset.name, "summary": True,
                "seconds_min": min(r["seconds"] for r in ours), "chosen": sorted({r["chosen"] for r in ours}),
                "max_actual_over_predicted": max((r["max_actual_over_predicted"] or 0.0) for r in ours)}
        if base:
            line.update({"baseline_seconds_min": min(r["seconds"] for r in base),
                         "baseline_chosen": sorted({r["chosen"] for r in base}),
                         "ratio": round(line["seconds_min"] / min(r["seconds"] for r in base), 2)})
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
