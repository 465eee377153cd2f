"""Memory-bank coreset: the station's pruned exact greedy k-center vs anomalib's ``KCenterGreedy`` on the
same patch features, in one run (run by hand; prints times, their ratio and both coverage radii).

The coverage radius is the largest distance from any patch feature to its nearest coreset member, measured
in the original feature space for both (anomalib selects in a sparse random projection). Usage::

    MALLOC_MMAP_THRESHOLD_=1048576 TQDM_DISABLE=1 .venv/bin/python -m benchmarks.bench_engine_coreset \
        --models-dir ~/.local/share/inspection-station/models --images 100 --ratio 0.01
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("TQDM_DISABLE", "1")

from station.adapters.weights.manifest import ModelsDirectory  # noqa: E402
from station.adapters.engine.patchcore import PatchcoreRuntime  # noqa: E402
from station.pipeline.patchcore.coreset import coverage_radius, greedy_coreset  # noqa: E402
from station.pipeline.images.decode import read_image  # noqa: E402
from station.pipeline.images.preprocessing import Preprocessing, prepare  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "data" / "casting")
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--backbone", default="mobilenet_v2")
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--ratio", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    runtime = PatchcoreRuntime(args.backbone, ModelsDirectory(args.models_dir), args.input_size)
    pre = Preprocessing.from_config({"resize": args.input_size})
    paths = sorted((args.dataset / "train" / "good").iterdir())[: args.images]
    grids = []
    for s in range(0, len(paths), 8):
        batch = [prepare(read_image(p).pixels, pre).pixels for p in paths[s:s + 8]]
        grids.append(runtime.embed(batch).grid)
    features = torch.from_numpy(np.concatenate(grids).reshape(-1, runtime.embedding_dim).copy())
    k = int(features.shape[0] * args.ratio)
    print(f"{features.shape[0]} patch features x {features.shape[1]} dims from {len(paths)} images; coreset {k}; "
          f"torch threads {torch.get_num_threads()}")

    started = time.perf_counter()
    ours = greedy_coreset(features, k, seed=args.seed)
    t_ours = time.perf_counter() - started
    r_ours = coverage_radius(features, features[ours.indices])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from anomalib.models.components import KCenterGreedy
    torch.manual_seed(args.seed)
    started = time.perf_counter()
    sampler = KCenterGreedy(embedding=features, sampling_ratio=args.ratio)
    theirs = sampler.select_coreset_idxs()
    t_theirs = time.perf_counter() - started
    r_theirs = coverage_radius(features, features[theirs])

    print(f"anomalib KCenterGreedy : {t_theirs:8.2f} s  coverage radius {r_theirs:.4f}  "
          f"(projection to {sampler.features.shape[1]} dims)")
    print(f"station greedy_coreset : {t_ours:8.2f} s  coverage radius {r_ours:.4f}  "
          f"(distance evaluations {ours.measured / (features.shape[0] * k):.1%} of the plain loop's)")
    print(f"speed-up {t_theirs / t_ours:.1f}x; radius station/anomalib {r_ours / r_theirs:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
