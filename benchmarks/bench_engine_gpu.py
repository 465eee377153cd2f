"""The engine on a CUDA device, in one prepared run: per-frame latency at 256 px and fp16-vs-fp32 scores.

For each backbone (default: the fixed MobileNetV2 path and the two configurations the self-configuration
chose on the real sets), on the first ``--n-train`` images of ``<dataset>/train/good``:

* a bank built on the device with the backbone in fp16, as the station runs on CUDA;
* **latency**: ``--frames`` single-frame inspections of prepared frames (network-size input to smoothed
  anomaly map on the host), synchronised after each, p50 / p95 in ms, after a warm-up;
* **fp16 vs fp32**: the same bank, the test images scored by the fp16 and by an fp32 backbone: the largest
  and mean absolute difference of the raw image scores and of the maps (relative to the fp32 values' range),
  and the image AUROC of both.

Prints one JSON line per backbone. Without a CUDA device it says so in one line and exits with status 2
(``--device cpu`` runs the same steps on the CPU, to check the script; its fp16 row is then fp32 too)::

    .venv/bin/python -m benchmarks.bench_engine_gpu --models-dir /tmp/m --dataset ../shared/data/casting
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from station.adapters.weights.manifest import ModelsDirectory
from station.adapters.engine.patchcore import PatchcoreRuntime
from station.pipeline.images.datasets import folder_images
from station.pipeline.images.decode import read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare
from station.pipeline.patchcore import thresholds as cal
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank

REPO = Path(__file__).resolve().parents[1]


def scored(runtime: PatchcoreRuntime, bank: np.ndarray, images: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    handle = runtime.prepare_bank(bank)
    raws = [r for s in range(0, len(images), 8) for r in runtime.score(images[s:s + 8], handle)]
    return np.array([r.image_score for r in raws]), np.stack([r.anomaly_map for r in raws])


def latency(runtime: PatchcoreRuntime, bank: np.ndarray, frames: list[np.ndarray], n: int) -> list[float]:
    handle = runtime.prepare_bank(bank)
    for frame in frames[:5]:  # warm-up: kernels chosen, memory pools filled
        runtime.score([frame], handle)
    times = []
    for i in range(n):
        if runtime.device.type == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        runtime.score([frames[i % len(frames)]], handle)
        if runtime.device.type == "cuda":
            torch.cuda.synchronize()
        times.append((time.perf_counter() - started) * 1000.0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "data" / "casting")
    parser.add_argument("--backbone", nargs="+", default=["mobilenet_v2", "efficientnet_lite0_2scale",
                                                           "efficientnet_lite2"])
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--n-test", type=int, default=100)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("no CUDA device: nothing measured (use --device cpu to check the script)", file=sys.stderr)
        return 2
    models = ModelsDirectory(args.models_dir)
    pre = Preprocessing.from_config({"resize": args.input_size})
    train = [prepare(read_image(p).pixels, pre).pixels
             for p in folder_images(args.dataset / "train" / "good")[:args.n_train]]
    tests = [(c.name, p) for c in sorted((args.dataset / "test").iterdir()) if c.is_dir() for p in folder_images(c)]
    tests = [tests[int(i)] for i in np.linspace(0, len(tests) - 1, min(args.n_test, len(tests)))]
    images = [prepare(read_image(p).pixels, pre).pixels for _, p in tests]
    good = np.array([c == "good" for c, _ in tests])
    gpu = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "cpu"
    for name in args.backbone:
        fast = PatchcoreRuntime(name, models, args.input_size, args.device)
        started = time.perf_counter()
        built = build_memory_bank("gpu", fast, train, pre.image_steps(), BuildOptions(backbone=name))
        build_seconds = time.perf_counter() - started
        bank = built.bank.features
        times = latency(fast, bank, images, args.frames)
        s16, m16 = scored(fast, bank, images)
        del fast
        exact = PatchcoreRuntime(name, models, args.input_size, args.device, half=False)
        s32, m32 = scored(exact, bank, images)
        del exact
        span_s, span_m = float(np.ptp(s32)) or 1.0, float(np.ptp(m32)) or 1.0
        both = bool(good.any() and (~good).any())
        print(json.dumps({
            "backbone": name, "device": gpu, "input_size": args.input_size, "n_train": len(train),
            "n_test": len(images), "bank": int(bank.shape[0]), "build_seconds": round(build_seconds, 1),
            "latency_ms_p50": round(float(np.percentile(times, 50)), 2),
            "latency_ms_p95": round(float(np.percentile(times, 95)), 2),
            "image_score_max_abs_diff_rel": round(float(np.abs(s16 - s32).max()) / span_s, 6),
            "map_max_abs_diff_rel": round(float(np.abs(m16 - m32).max()) / span_m, 6),
            "map_mean_abs_diff_rel": round(float(np.abs(m16 - m32).mean()) / span_m, 7),
            "image_auroc_fp16": round(cal.auroc(s16[good], s16[~good]), 4) if both else None,
            "image_auroc_fp32": round(cal.auroc(s32[good], s32[~good]), 4) if both else None,
        }), flush=True)
        if args.device.startswith("cuda"):
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
