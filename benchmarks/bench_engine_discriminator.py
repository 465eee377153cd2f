"""A SimpleNet-style feature discriminator over the station's frozen patch features, against its PatchCore on
the same features and images: would it earn a place among the self-configuration's candidates?

The discriminator follows SimpleNet (Liu et al., 2023): a linear feature adaptor, Gaussian noise added to the
adapted good features as the anomalous ones, a two-layer MLP (1024 hidden, batch norm, leaky ReLU) trained
with the truncated L1 loss (margins 0.5), Adam (adaptor 1e-4, discriminator 2e-4). The features are the
station's (the same network, input size and layers as its bank), standardised per dimension on the training
images, so the noise scale is in units of each dimension's spread. A patch scores ``-D(adaptor(x))``; the
map is upsampled and smoothed exactly as PatchCore's; the image score is the map's peak.

For each data set (default the first 200 images of ``../shared/data/{magnetic_tile,casting}/train/good``):

1. **validation** (the self-configuration's own split of ``train/good``: 48 fit images, 40 held-out good
   images, 2 synthetic defects each): PatchCore's validation bank, and the discriminator trained on the
   fit images at each ``--sigmas`` value; synthetic image and pixel AUROC of PatchCore, the discriminator
   and their sum (each map normalised by the station's pixel anchors: minus the median pixel of unseen good
   images, divided by the top of their per-image peaks minus that median; PatchCore's from its bank's
   calibration, the discriminator's from the calibration part of the fit images, which it is not trained
   on). The noise scale with the best validation objective is kept: no test image is read before;
2. **test**: PatchCore's bank and the discriminator (best scale) from all training images; image AUROC and
   pixel AUROC (maps and masks at the network's input size) of the three on ``test/``.

Training runs a fixed number of steps (``--steps``, batches of 512 patches); the seconds are printed. Run by
hand (a few minutes per data set on two cores)::

    .venv/bin/python benchmarks/bench_engine_discriminator.py --models-dir /tmp/m --backbone efficientnet_lite0
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
from torch import nn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from station.adapters.engine.provider import MlModels  # noqa: E402
from station.pipeline.patchcore import thresholds as cal  # noqa: E402
from station.pipeline.images.decode import read_image  # noqa: E402
from station.pipeline.images.preprocessing import Preprocessing, prepare  # noqa: E402
from station.pipeline.patchcore.scoring import good_top  # noqa: E402
from station.pipeline.synthetic.defects import make_defects  # noqa: E402
from station.services.engine.runtime import folder_images  # noqa: E402
from station.services.engine.evaluation import _mask_for  # noqa: E402
from station.services.engine.build import BuildOptions, build_memory_bank, calibration_split  # noqa: E402
from station.services.engine.selection import SYNTHETIC_PER_IMAGE, validation_bank_size, validation_split  # noqa: E402

BATCH = 512


class Discriminator(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.adaptor = nn.Linear(dim, dim)
        self.head = nn.Sequential(nn.Linear(dim, 1024), nn.BatchNorm1d(1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1))

    def forward(self, x: torch.Tensor, sigma: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
        adapted = self.adaptor(x)
        return self.head(adapted).squeeze(1), self.head(adapted + sigma * torch.randn_like(adapted)).squeeze(1)


def features_of(runtime, images: list[np.ndarray]) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.concatenate([runtime.embed(images[s:s + 8]).grid for s in range(0, len(images), 8)])


def train(grid: np.ndarray, sigma: float, steps: int, seed: int) -> tuple[Discriminator, np.ndarray, np.ndarray]:
    rows = grid.reshape(-1, grid.shape[-1])
    mean, std = rows.mean(0), rows.std(0) + 1e-6
    x = torch.from_numpy((rows - mean) / std)
    torch.manual_seed(seed)
    model = Discriminator(x.shape[1])
    opt = torch.optim.Adam([{"params": model.adaptor.parameters(), "lr": 1e-4},
                            {"params": model.head.parameters(), "lr": 2e-4}], weight_decay=1e-5)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(steps):
        batch = x[torch.randint(x.shape[0], (BATCH,), generator=gen)]
        good, bad = model(batch, sigma)
        loss = torch.relu(0.5 - good).mean() + torch.relu(0.5 + bad).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return model, mean, std


def disc_maps(runtime, model: Discriminator, mean: np.ndarray, std: np.ndarray,  # type: ignore[no-untyped-def]
              images: list[np.ndarray]) -> np.ndarray:
    grid = features_of(runtime, images)
    b, h, w, d = grid.shape
    with torch.inference_mode():
        good, _ = model(torch.from_numpy((grid.reshape(-1, d) - mean) / std))
        return runtime.blur((-good).reshape(b, h, w)).numpy()


def pc_maps(runtime, built, images: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    handle = runtime.prepare_bank(built.bank.features, "reweighted")
    raws = [r for s in range(0, len(images), 8) for r in runtime.score(images[s:s + 8], handle)]
    return np.stack([r.anomaly_map for r in raws]), np.array([r.image_score for r in raws])


def scale_of(maps: np.ndarray) -> tuple[float, float]:
    """The station's pixel anchors for maps of unseen good images: (median pixel, top of the per-image peaks
    minus that median), what a map is normalised by before the two are added."""
    median = float(np.median(maps))
    return median, max(good_top(maps.reshape(len(maps), -1).max(1)) - median, 1e-9)


def bank_scale(built) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The same anchors of PatchCore's map, from the bank's own calibration (unseen good images)."""
    c = built.bank.calibration
    return c.pixel_raw_median, max(c.pixel_raw_top - c.pixel_raw_median, 1e-9)


def three_ways(pc: tuple[np.ndarray, np.ndarray], dm: np.ndarray, q_pc: tuple[float, float],
               q_d: tuple[float, float], good: np.ndarray,
               masks: np.ndarray | None) -> dict[str, dict[str, float | None]]:
    """Image and pixel AUROC of PatchCore, the discriminator and the sum of their normalised maps."""
    maps = {"patchcore": pc[0], "discriminator": dm, "sum": (pc[0] - q_pc[0]) / q_pc[1] + (dm - q_d[0]) / q_d[1]}
    out = {}
    for name, m in maps.items():
        image = pc[1] if name == "patchcore" else m.reshape(len(m), -1).max(1)
        pixel = None
        if masks is not None:
            pixel = cal.auroc_labels(masks.ravel(), m.ravel())
        out[name] = {"image_auroc": round(cal.auroc(image[good], image[~good]), 4),
                     "pixel_auroc": None if pixel is None else round(pixel, 4)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    data = REPO.parent / "shared" / "data"
    parser.add_argument("--datasets", type=Path, nargs="+", default=[data / "magnetic_tile", data / "casting"])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--backbone", default="efficientnet_lite0")
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--sigmas", type=float, nargs="+", default=[0.25, 0.5, 1.0, 2.0])
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    runtime = MlModels(args.models_dir).runtime(args.backbone, args.input_size)
    pre = Preprocessing.from_config({"resize": args.input_size})
    size = args.input_size
    for dataset in args.datasets:
        goods = [prepare(read_image(p).pixels, pre).pixels
                 for p in folder_images(dataset / "train" / "good")[:args.n_train]]
        fit_idx, val_idx = validation_split(len(goods))
        fit = [goods[i] for i in fit_idx]
        held = [goods[i] for i in val_idx]
        synthetic = make_defects(held, seed=0, per_image=SYNTHETIC_PER_IMAGE)
        options = BuildOptions(max_bank_size=validation_bank_size(BuildOptions.max_bank_size, len(fit), len(goods)))
        built = build_memory_bank("validation", runtime, fit, {}, options)
        val_images = held + [d.image for d in synthetic]
        val_good = np.array([True] * len(held) + [False] * len(synthetic))
        val_masks = np.stack([np.zeros((size, size), bool)] * len(held) + [d.mask > 0 for d in synthetic])
        pc_val = pc_maps(runtime, built, val_images)
        bank_idx, cal_idx = calibration_split(len(fit), options.calibration_fraction, options.min_calibration)
        q_pc = bank_scale(built)
        fit_grid = features_of(runtime, fit)
        trials = []
        for sigma in args.sigmas:
            started = time.perf_counter()
            model, mean, std = train(fit_grid[bank_idx], sigma, args.steps, seed=0)
            seconds = time.perf_counter() - started
            q_d = scale_of(disc_maps(runtime, model, mean, std, [fit[i] for i in cal_idx]))
            scores = three_ways(pc_val, disc_maps(runtime, model, mean, std, val_images), q_pc, q_d, val_good,
                                val_masks)
            objective = {k: (v["image_auroc"] + v["pixel_auroc"]) / 2 for k, v in scores.items()}
            trials.append((max(objective["discriminator"], objective["sum"]), sigma))
            print(json.dumps({"dataset": dataset.name, "stage": "validation", "backbone": args.backbone,
                              "sigma": sigma, "train_seconds": round(seconds, 1), "objective": objective,
                              **scores}), flush=True)
        sigma = max(trials)[1]
        # test: everything from all training images; the noise scale chosen above
        built = build_memory_bank("test", runtime, goods, {}, BuildOptions())
        defaults = BuildOptions()
        bank_idx, cal_idx = calibration_split(len(goods), defaults.calibration_fraction, defaults.min_calibration)
        started = time.perf_counter()
        model, mean, std = train(features_of(runtime, [goods[i] for i in bank_idx]), sigma, args.steps, seed=0)
        seconds = time.perf_counter() - started
        q_pc = bank_scale(built)
        q_d = scale_of(disc_maps(runtime, model, mean, std, [goods[i] for i in cal_idx]))
        tests = [(c.name, p) for c in sorted((dataset / "test").iterdir()) if c.is_dir() for p in folder_images(c)]
        images = [prepare(read_image(p).pixels, pre).pixels for _, p in tests]
        good = np.array([c == "good" for c, _ in tests])
        masks = None
        if (dataset / "ground_truth").is_dir():
            masks = np.stack([cv2.resize(_mask_for(dataset, c, p, read_image(p).pixels.shape[:2]).astype(np.uint8),
                                         (size, size), interpolation=cv2.INTER_NEAREST) > 0 for c, p in tests])
        scores = three_ways(pc_maps(runtime, built, images), disc_maps(runtime, model, mean, std, images), q_pc, q_d,
                            good, masks)
        print(json.dumps({"dataset": dataset.name, "stage": "test", "backbone": args.backbone, "sigma": sigma,
                          "train_seconds": round(seconds, 1), **scores}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
