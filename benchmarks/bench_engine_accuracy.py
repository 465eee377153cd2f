"""Accuracy of the self-configured engine vs anomalib's PatchCore on the real data sets, same training images.

For each data set (default ``../shared/data/casting`` and ``../shared/data/magnetic_tile``) the first
``--n-train`` (200) images of ``train/good`` form the training set of both:

* **station (self-configured)**: ``EvaluationService.evaluate`` without ``--backbone`` -- the configuration is
  chosen on ``train/good`` alone (held-out good images plus synthetic defects), then trained and scored;
* **anomalib PatchCore**: its ``PatchcoreModel`` (same backbone network as the station chose, at one scale
  for a two-scale choice, same verified weights, same resized input tensors), trained the way its Lightning
  module does (embeddings of every training image into its ``embedding_store``), then its ``forward`` on
  every test image; the anomaly map is resized to the image as the station's is. Its memory bank: with ``--anomalib-coreset station`` (the default, so
  that a run finishes in bounded time) the station's *exact* greedy k-center over anomalib's own
  embeddings, as many entries as the station's bank -- the same algorithm as anomalib's ``KCenterGreedy``
  without its random projection, so a bank at least as good as its own (its coverage radius is smaller):
  the comparison can only flatter anomalib; with ``native``, its ``subsample_embedding`` at
  ``--anomalib-ratio`` (its ``KCenterGreedy``: most of an hour per data set on two shared cores);
  when the station chose another input size, anomalib also runs at ``--input-size`` (as it is usually run);
* **station, MobileNetV2 fixed**: the previous default path, for the latency and accuracy baseline.

Prints one JSON line per data set and method: image AUROC, pixel AUROC (with ``ground_truth/``), build and
selection seconds (wall and process CPU), per-image latency, peak resident memory so far, the load average,
then the gains over anomalib and the latency ratio to the fixed MobileNetV2 path. Accuracy needs no quiet
machine (``nice -n 10``); the times are only meaningful under ``flock`` on an otherwise idle machine. Run
by hand; with ``--anomalib-coreset native`` set ``MALLOC_MMAP_THRESHOLD_=1048576`` (anomalib's coreset loop
fragments glibc's heap otherwise; the setting slows the station's own build, so leave it out otherwise)::

    .venv/bin/python -m benchmarks.bench_engine_accuracy --models-dir /tmp/m
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from station.adapters.engine.backbone_loader import build_patchcore
from station.adapters.engine.provider import MlModels
from station.pipeline.images.datasets import folder_images, ground_truth_mask
from station.pipeline.images.decode import read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare
from station.pipeline.patchcore import thresholds as cal
from station.services.engine.evaluation import EvaluationService

REPO = Path(__file__).resolve().parents[1]


def subset(dataset: Path, n_train: int, into: Path) -> Path:
    """An MVTec-layout folder whose train/good holds the first ``n_train`` images (links, nothing copied)."""
    root = into / dataset.name
    (root / "train" / "good").mkdir(parents=True)
    for path in folder_images(dataset / "train" / "good")[:n_train]:
        (root / "train" / "good" / path.name).symlink_to(path)
    for name in ("test", "ground_truth"):
        if (dataset / name).is_dir():
            (root / name).symlink_to(dataset / name)
    return root


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine() -> dict:
    return {"peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
            "load_average": [round(x, 1) for x in os.getloadavg()]}


def anomalib_patchcore(root: Path, provider: MlModels, backbone: str, size: int, ratio: float,
                       coreset: str, bank_size: int) -> dict:
    import torch

    from station.pipeline.patchcore.coreset import greedy_coreset

    runtime = provider.runtime(backbone, size)  # only its input tensors: resize, RGB, normalisation
    model = build_patchcore(backbone, provider.directory)
    pre = Preprocessing.from_config({"resize": size})
    started = time.perf_counter()
    model.train()
    model.feature_extractor.eval()
    train = folder_images(root / "train" / "good")
    with torch.no_grad():
        for s in range(0, len(train), 8):
            batch = [prepare(read_image(p).pixels, pre).pixels for p in train[s:s + 8]]
            model(runtime.to_tensor(batch))
        if coreset == "native":
            model.subsample_embedding(ratio)
        else:
            embeddings = torch.vstack(model.embedding_store)
            model.embedding_store.clear()
            model.memory_bank = embeddings[greedy_coreset(embeddings, bank_size).indices].clone()
            del embeddings
    build_seconds = time.perf_counter() - started
    model.eval()
    classes = sorted(p.name for p in (root / "test").iterdir() if p.is_dir())
    with_masks = (root / "ground_truth").is_dir()
    labels, scores, latencies, pix_l, pix_s = [], [], [], [], []
    for cls in classes:
        for path in folder_images(root / "test" / cls):
            t = time.perf_counter()
            decoded = read_image(path)
            with torch.no_grad():
                out = model(runtime.to_tensor([prepare(decoded.pixels, pre).pixels]))
            amap = cv2.resize(out.anomaly_map[0, 0].numpy(), (decoded.width, decoded.height))
            latencies.append((time.perf_counter() - t) * 1000)
            labels.append(cls != "good")
            scores.append(float(out.pred_score[0]))
            if with_masks:
                pix_l.append(ground_truth_mask(root, cls, path, amap.shape).ravel())
                pix_s.append(amap.ravel())
    y, s = np.array(labels), np.array(scores)
    return {"image_auroc": cal.auroc(s[~y], s[y]),
            "pixel_auroc": cal.auroc_labels(np.concatenate(pix_l), np.concatenate(pix_s)) if with_masks else None,
            "build_seconds": round(build_seconds, 1), "latency_ms_p50": float(np.percentile(latencies, 50)),
            "coreset_size": int(model.memory_bank.shape[0]), "backbone": backbone, "input_size": size,
            "coreset": coreset if coreset == "station" else f"native KCenterGreedy ratio {ratio}"}


def _progress(dataset: str):  # type: ignore[no-untyped-def]
    last: dict[str, float] = {}

    def report(p) -> None:  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        if p.done == p.total or now - last.get(p.stage, 0.0) > 30:
            last[p.stage] = now
            print(f"  {dataset} {p.stage}: {p.done}/{p.total} {p.message}", file=sys.stderr, flush=True)

    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data = REPO.parent / "shared" / "data"
    parser.add_argument("--datasets", type=Path, nargs="+", default=[data / "casting", data / "magnetic_tile"])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--anomalib-ratio", type=float, default=0.01,
                        help="anomalib coreset ratio (its default 0.1 takes most of an hour per set on 2 cores)")
    parser.add_argument("--anomalib-coreset", choices=("station", "native"), default="station",
                        help="anomalib's memory bank: the station's exact greedy (bounded time) or its own")
    parser.add_argument("--skip-baseline", action="store_true", help="skip the fixed-MobileNetV2 station run")
    args = parser.parse_args()
    provider = MlModels(args.models_dir)
    service = EvaluationService(provider)
    with tempfile.TemporaryDirectory() as tmp:
        for dataset in args.datasets:
            root = subset(dataset, args.n_train, Path(tmp))
            cpu0 = _cpu_seconds()
            ours = service.evaluate(root, input_size=args.input_size, progress=_progress(dataset.name)).to_json()
            cpu_ours = _cpu_seconds() - cpu0
            selection = ours.pop("selection") or {}
            print(json.dumps({"dataset": dataset.name, "method": "station self-configured", **ours,
                              "cpu_seconds": round(cpu_ours, 1), **_machine(),
                              "chosen": selection.get("chosen"),
                              "validation": {k: selection.get(k) for k in ("n_fit", "n_held_out_good", "n_synthetic",
                                                                           "validation_bank_size")},
                              "candidates": [(c["candidate"]["key"], c["objective"], c["image_auroc_synthetic"],
                                              c["pixel_auroc_synthetic"], c["seconds"])
                                             for c in selection.get("candidates", [])]}),
                  flush=True)
            theirs = anomalib_patchcore(root, provider, ours["backbone"], ours["input_size"], args.anomalib_ratio,
                                        args.anomalib_coreset, ours["coreset_size"])
            print(json.dumps({"dataset": dataset.name, "method": "anomalib PatchcoreModel", **theirs, **_machine()}),
                  flush=True)
            gains = {"dataset": dataset.name, "image_auroc_gain": ours["image_auroc"] - theirs["image_auroc"],
                     "pixel_auroc_gain": (ours["pixel_auroc"] - theirs["pixel_auroc"])
                     if theirs["pixel_auroc"] is not None else None}
            if ours["input_size"] != args.input_size:  # also anomalib as it is usually run, at the base size
                plain = anomalib_patchcore(root, provider, ours["backbone"], args.input_size, args.anomalib_ratio,
                                           args.anomalib_coreset, ours["coreset_size"])
                print(json.dumps({"dataset": dataset.name, "method": "anomalib PatchcoreModel, base size", **plain,
                                  **_machine()}), flush=True)
                gains["image_auroc_gain_over_anomalib_base_size"] = ours["image_auroc"] - plain["image_auroc"]
                if plain["pixel_auroc"] is not None:
                    gains["pixel_auroc_gain_over_anomalib_base_size"] = ours["pixel_auroc"] - plain["pixel_auroc"]
            if not args.skip_baseline:
                base = service.evaluate(root, backbone="mobilenet_v2", input_size=args.input_size).to_json()
                base.pop("selection")
                print(json.dumps({"dataset": dataset.name, "method": "station mobilenet_v2 fixed", **base,
                                  **_machine()}), flush=True)
                gains["latency_ratio_to_mobilenet_v2_fixed"] = ours["latency_ms_p50"] / base["latency_ms_p50"]
                gains["image_auroc_gain_over_mobilenet_v2_fixed"] = ours["image_auroc"] - base["image_auroc"]
            print(json.dumps(gains), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
