"""Image and pixel AUROC of the engine on the real data sets (``../shared/data/casting`` and
``../shared/data/magnetic_tile``), with the per-image latency, through the same code as ``station evaluate``.
Run by hand; prints one line per data set and backbone. Usage::

    MALLOC_MMAP_THRESHOLD_=1048576 .venv/bin/python -m benchmarks.bench_engine_auroc \
        --models-dir ~/.local/share/inspection-station/models --backbone mobilenet_v2 efficientnet_lite0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.app.engine import build_evaluation
from station.pipeline.patchcore.bank_build import BuildOptions

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data = REPO.parent / "shared" / "data"
    parser.add_argument("--datasets", type=Path, nargs="+", default=[data / "casting", data / "magnetic_tile"])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--backbone", nargs="+", default=["mobilenet_v2"])
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--coreset-ratio", type=float, default=BuildOptions.coreset_ratio)
    parser.add_argument("--max-bank-size", type=int, default=BuildOptions.max_bank_size)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    service = build_evaluation(args.models_dir)
    options = BuildOptions(coreset_ratio=args.coreset_ratio, max_bank_size=args.max_bank_size)
    for dataset in args.datasets:
        for backbone in args.backbone:
            report = service.evaluate(dataset, backbone=backbone, input_size=args.input_size, options=options)
            if args.json:
                print(json.dumps(report.to_json()))
                continue
            pixel = "  n/a " if report.pixel_auroc is None else f"{report.pixel_auroc:.4f}"
            print(f"{dataset.name:<14} {backbone:<18} image AUROC {report.image_auroc:.4f}  pixel AUROC {pixel}  "
                  f"F1 {report.f1:.3f}  latency p50 {report.latency_ms_p50:6.1f} ms p95 {report.latency_ms_p95:6.1f} ms  "
                  f"bank {report.coreset_size} ({report.build_seconds:.0f} s)  train {report.n_train} test "
                  f"{report.n_test}  {report.device}{'  DEGRADED' if report.degraded else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
