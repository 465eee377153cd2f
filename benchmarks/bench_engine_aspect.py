"""Premise check for aspect-preserving inputs, tiling and exposure normalisation: does PatchCore find defects
better when a part keeps its shape and scale than when it is squeezed into the network's square, or when each
image's exposure is brought to one level?

PatchCore is fully convolutional, so an image at one constant scale, searched patch by patch against a bank
of patches at that same scale, is what tiling it into squares would give, without the seams. Each ``--modes``
entry prepares every image (training and test alike) one way:

- ``square``: resized to ``--size`` x ``--size`` (the station's input today);
- ``area``: resized to the square's pixel count at the image's own aspect ratio;
- ``scale``: one factor for every image, ``--size`` over the median ``sqrt(h * w)`` of the training images
  (the parts keep their shape *and* their texture's scale; what tiling would see);
- ``exposure``: ``square``, then each image's grey levels multiplied so that its median is the median of the
  training images' medians (a per-image gain: what a station would do against lighting that drifts between
  parts; a real line's exposure varies, and the magnetic tiles' test images span brighter exposures than
  their training images).

Sides are rounded to multiples of 32 (at least 64). The bank is the greedy coreset (``--bank`` rows at most,
10 % of the patches) of the first ``--n-train`` (200) images of ``train/good``; the map is the patch distance
upsampled and smoothed as anomalib does (Gaussian, sigma 4, 33 px); the image score is the map's peak and the
mean of its hottest 1 %. Pixel AUROC compares maps and masks resized to ``--size`` x ``--size`` (so every image
weighs the same in every mode), pooled and per defect class (that class's pixels against the good images').
This reads the test set: it is a diagnostic of the premise, it chooses nothing. Run by hand (about four
minutes per mode on two cores)::

    MALLOC_MMAP_THRESHOLD_=1048576 .venv/bin/python benchmarks/bench_engine_aspect.py --models-dir /tmp/m \\
        --dataset ../shared/data/magnetic_tile --backbone efficientnet_lite0_2scale
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from station.adapters.engine.provider import MlModels  # noqa: E402
from station.pipeline.patchcore.thresholds import auroc_labels  # noqa: E402
from station.pipeline.patchcore.coreset import coreset_size, greedy_coreset  # noqa: E402
from station.pipeline.images.decode import read_image  # noqa: E402
from station.pipeline.patchcore.nearest import BankSearch  # noqa: E402
from station.services.engine.runtime import folder_images  # noqa: E402
from station.services.engine.evaluation import _mask_for  # noqa: E402

MODES = ("square", "area", "scale", "exposure")


def _side(value: float) -> int:
    return max(64, int(round(value / 32)) * 32)


def shape_for(mode: str, h: int, w: int, size: int, factor: float) -> tuple[int, int]:
    if mode in ("square", "exposure"):
        return size, size
    f = size / float(np.sqrt(h * w)) if mode == "area" else factor
    return _side(h * f), _side(w * f)


def exposure_gain(img: np.ndarray, level: float) -> np.ndarray:
    """``img`` (uint8) multiplied so that its median grey is ``level``, clipped to 0..255."""
    return np.clip(img.astype(np.float32) * (level / max(float(np.median(img)), 1.0)), 0, 255).astype(np.uint8)


def grey(path: Path) -> np.ndarray:
    pixels = read_image(path).pixels
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)


def embedding(runtime, image: np.ndarray) -> torch.Tensor:  # type: ignore[no-untyped-def]
    """(D, h, w) patch embeddings of one grey image of any shape (the runtime's normalisation, eager)."""
    rgb = torch.from_numpy(cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)).permute(2, 0, 1)[None].float()
    with torch.inference_mode():
        return runtime._embedding((rgb * runtime._scale + runtime._shift).contiguous())[0]


def anomaly_map(bank: BankSearch, emb: torch.Tensor, shape: tuple[int, int]) -> np.ndarray:
    with torch.inference_mode():
        patch = bank.distances(emb[None].contiguous(memory_format=torch.channels_last))[0].numpy()
    up = cv2.resize(patch, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    return cv2.GaussianBlur(up, (33, 33), 4, borderType=cv2.BORDER_REFLECT)


def run_mode(runtime, dataset: Path, mode: str, size: int,  # type: ignore[no-untyped-def]
             n_train: int, max_bank: int) -> dict:
    started = time.perf_counter()
    train = [grey(p) for p in folder_images(dataset / "train" / "good")[:n_train]]
    factor = size / float(np.median([np.sqrt(g.shape[0] * g.shape[1]) for g in train]))

    level = float(np.median([np.median(g) for g in train]))

    def prepared(img: np.ndarray) -> np.ndarray:
        h, w = shape_for(mode, img.shape[0], img.shape[1], size, factor)
        out = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        return exposure_gain(out, level) if mode == "exposure" else out

    rows = torch.cat([embedding(runtime, prepared(g)).permute(1, 2, 0).reshape(-1, runtime.embedding_dim)
                      for g in train])
    coreset = greedy_coreset(rows, coreset_size(int(rows.shape[0]), 0.1, max_bank), seed=0)
    bank = BankSearch(rows[coreset.indices].contiguous())
    n_rows = int(rows.shape[0])
    del rows
    build_s = time.perf_counter() - started
    labels, classes, peak, top, maps, masks = [], [], [], [], [], []
    for cls in sorted(p.name for p in (dataset / "test").iterdir() if p.is_dir()):
        for path in folder_images(dataset / "test" / cls):
            img = prepared(grey(path))
            amap = anomaly_map(bank, embedding(runtime, img), img.shape)
            hottest = np.sort(amap.ravel())[::-1]
            peak.append(float(hottest[0]))
            top.append(float(hottest[:max(1, hottest.size // 100)].mean()))
            labels.append(cls != "good")
            classes.append(cls)
            maps.append(cv2.resize(amap, (size, size), interpolation=cv2.INTER_LINEAR)[::2, ::2])
            if (dataset / "ground_truth").is_dir():
                masks.append(_mask_for(dataset, cls, path, (size, size))[::2, ::2])
    y = np.array(labels)
    out = {"mode": mode, "bank_rows": int(bank.size), "patches": n_rows, "build_s": round(build_s, 1),
           "image_auroc_peak": round(auroc_labels(y, np.array(peak)), 4),
           "image_auroc_top1pct": round(auroc_labels(y, np.array(top)), 4)}
    if masks:
        m, s, names = np.stack(masks), np.stack(maps), np.array(classes)
        out["pixel_auroc"] = round(auroc_labels(m.ravel(), s.ravel()), 4)
        good = names == "good"
        out["pixel_auroc_by_class"] = {
            c: round(auroc_labels(m[good | (names == c)].ravel(), s[good | (names == c)].ravel()), 4)
            for c in sorted(set(classes) - {"good"})}
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--backbone", default="efficientnet_lite0_2scale")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--bank", type=int, default=4096, help="most coreset rows (the station's default)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    runtime = MlModels(args.models_dir).runtime(args.backbone, args.size)
    runtime.compile = False  # shapes vary per image: one trace each would cost more than it saves
    if runtime.degraded:
        print(f"{args.backbone}: no weights installed ({runtime.degraded_reason})", file=sys.stderr)
        return 2
    results = [run_mode(runtime, args.dataset, mode, args.size, args.n_train, args.bank) for mode in args.modes]
    base = results[0]
    for r in results:
        r["vs_first"] = {k: round(r[k] - base[k], 4) for k in ("image_auroc_peak", "image_auroc_top1pct",
                                                                 "pixel_auroc") if k in r}
        print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
