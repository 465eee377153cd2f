"""Engine variants outside the self-configuration's candidates, measured the way it measures its candidates:
tapped layers, bank rotations, exposure normalisation, score-level ensembles of two configurations,
separate-scale maps.

Each variant (``TAG=BACKBONE@SIZE``, optionally ``+AUG,AUG`` for bank augmentations, among which ``exposure``
multiplies every network input -- bank, held-out, synthetic-defect and test images -- so that its median grey
is the median of the training images' medians; ``BACKBONE`` may name
its tapped layers, ``efficientnet_lite0:blocks.2,blocks.4,blocks.6``; layers a timm ``features_only`` model
offers: ``blocks.1`` (stride 4), ``blocks.2`` (8), ``blocks.4`` (16), ``blocks.6`` (32)) is run twice on the
first ``--n-train`` (200) images of ``train/good``:

1. **validation**, exactly the self-configuration's: 48 fit images, 40 held-out good images with two synthetic
   defects each, a validation bank scaled to the fit images; no test image is read;
2. **test**: the bank from all training images, every ``test/`` image scored.

Banks and good images are prepared at the variant's own size; the synthetic defects are painted at 256 px and
resized for other sizes, exactly as in the selection.

Maps are the calibrated (normalised) maps, compared at 256 px; image scores both PatchCore's re-weighted one
and the map peak, each through its own calibration. A **combination** (``--combos A+B``) averages the
normalised maps and image scores of its variants: a score-level ensemble of two configurations. Prints one
JSON line per variant and combination: validation image AUROC (each image score), pixel AUROC and objective
(the selection's: mean of image and pixel AUROC on the synthetic defects), then the same on the test set.
Run by hand, a minute or two per variant on two cores::

    .venv/bin/python benchmarks/bench_engine_variants.py --models-dir /tmp/m --dataset ../shared/data/casting \\
        --variants mn=mobilenet_v2@320 l0=efficientnet_lite0@256 --combos mn+l0
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_engine_aspect import exposure_gain  # noqa: E402  (beside this script)
from station.adapters.engine import backbones  # noqa: E402
from station.adapters.engine.provider import MlModels  # noqa: E402
from station.pipeline.patchcore import thresholds as cal  # noqa: E402
from station.pipeline.images.decode import read_image  # noqa: E402
from station.pipeline.images.preprocessing import Preprocessing, prepare  # noqa: E402
from station.pipeline.synthetic.defects import make_defects  # noqa: E402
from station.services.engine.runtime import folder_images  # noqa: E402
from station.services.engine.evaluation import _mask_for  # noqa: E402
from station.services.engine.build import BuildOptions, build_memory_bank  # noqa: E402
from station.services.engine import selection as ms  # noqa: E402

MAP = 256  # maps and masks are compared at this size


def register(name: str) -> str:
    """``base:layer,layer`` becomes a registry entry tapping those layers (two scales if the base has them)."""
    if ":" in name and name not in backbones.REGISTRY:
        base, layers = name.split(":")
        spec = backbones.spec_of(base)
        backbones.REGISTRY[name] = replace(spec, name=name, layers=tuple(layers.split(",")))
    return name


def parse(variant: str) -> tuple[str, str, int, tuple[str, ...]]:
    tag, rest = variant.split("=", 1)
    rest, _, aug = rest.partition("+")
    backbone, size = rest.rsplit("@", 1)
    return tag, register(backbone), int(size), tuple(a for a in aug.split(",") if a)


def _scores(model, built, images: list[np.ndarray], size: int) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    handle = model.prepare_bank(built.bank.features, "reweighted")
    maps, rw, peak = [], [], []
    for s in range(0, len(images), 8):
        for raw in model.score(ms._resized(images[s:s + 8], size), handle):
            rw.append(float(built.calibrations["reweighted"].image(raw.image_score)))
            peak.append(float(built.calibrations["map_peak"].image(float(raw.anomaly_map.max()))))
            m = np.asarray(built.bank.calibration.pixel(raw.anomaly_map), np.float32)
            maps.append(m if m.shape == (MAP, MAP) else cv2.resize(m, (MAP, MAP), interpolation=cv2.INTER_LINEAR))
    return {"maps": np.stack(maps), "reweighted": np.array(rw), "map_peak": np.array(peak)}


def run_variant(provider: MlModels, dataset: Path, n_train: int, backbone: str, size: int,
                augment: tuple[str, ...]) -> dict:
    exposure = "exposure" in augment
    augment = tuple(a for a in augment if a != "exposure")
    model = provider.runtime(backbone, size)
    train = folder_images(dataset / "train" / "good")[:n_train]
    pixels = [read_image(p).pixels for p in train]
    imgs = [prepare(px, Preprocessing.from_config({"resize": MAP})).pixels for px in pixels]
    own = imgs if size == MAP else [prepare(px, Preprocessing.from_config({"resize": size})).pixels for px in pixels]
    level = float(np.median([np.median(i) for i in own]))

    def net(img: np.ndarray) -> np.ndarray:  # the network input at the variant's size
        img = ms._resized([img], size)[0]
        return exposure_gain(img, level) if exposure else img

    own = [net(i) for i in own]
    del pixels  # the banks see the images prepared at their own size, as the selection's candidates do
    fit, held = ms.validation_split(len(imgs))
    opts = BuildOptions(augment=augment, max_bank_size=ms.validation_bank_size(4096, len(fit), len(imgs)))
    synthetic = make_defects([imgs[i] for i in held], seed=0, per_image=ms.SYNTHETIC_PER_IMAGE)
    started = time.perf_counter()
    vbank = build_memory_bank("validation", model, [own[i] for i in fit], {"resize": size}, opts)
    val_good = _scores(model, vbank, [own[i] for i in held], size)
    val_defect = _scores(model, vbank, [net(d.image) for d in synthetic], size)
    val_seconds = time.perf_counter() - started
    started = time.perf_counter()
    bank = build_memory_bank("test", model, own, {"resize": size}, BuildOptions(augment=augment))
    classes = sorted(p.name for p in (dataset / "test").iterdir() if p.is_dir())
    tests = [(c, p) for c in classes for p in folder_images(dataset / "test" / c)]
    test_imgs = [net(prepare(read_image(p).pixels, Preprocessing.from_config({"resize": size})).pixels)
                 for _, p in tests]
    test = _scores(model, bank, test_imgs, size)
    masks = (np.stack([_mask_for(dataset, c, p, (MAP, MAP)) for c, p in tests])
             if (dataset / "ground_truth").is_dir() else None)
    provider.release_runtimes(set())
    return {"val_good": val_good, "val_defect": val_defect, "val_masks": np.stack([d.mask > 0 for d in synthetic]),
            "test": test, "test_labels": np.array([c != "good" for c, _ in tests]), "test_masks": masks,
            "seconds": {"validation": round(val_seconds, 1), "test": round(time.perf_counter() - started, 1)}}


def measure(parts: list[dict]) -> dict:
    """AUROCs of the mean of the parts' normalised maps and image scores (one part: the variant itself)."""
    def mean(key: str, field: str) -> np.ndarray:
        return np.mean([p[key][field] for p in parts], axis=0)

    out: dict = {}
    vmaps_good, vmaps_defect = mean("val_good", "maps"), mean("val_defect", "maps")
    labels = np.concatenate([np.zeros(vmaps_good.size, bool), parts[0]["val_masks"].ravel()])
    out["val_pixel_auroc"] = cal.auroc_labels(labels, np.concatenate([vmaps_good.ravel(), vmaps_defect.ravel()]))
    y = parts[0]["test_labels"]
    for score in ("reweighted", "map_peak"):
        out[f"val_image_auroc_{score}"] = cal.auroc(mean("val_good", score), mean("val_defect", score))
        out[f"val_objective_{score}"] = (out[f"val_image_auroc_{score}"] + out["val_pixel_auroc"]) / 2
        test = mean("test", score)
        out[f"test_image_auroc_{score}"] = cal.auroc(test[~y], test[y])
    if parts[0]["test_masks"] is not None:
        out["test_pixel_auroc_256"] = cal.auroc_labels(parts[0]["test_masks"].ravel(), mean("test", "maps").ravel())
    return {k: round(float(v), 4) for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--variants", nargs="+", required=True, help="TAG=BACKBONE@SIZE[+AUG,AUG]")
    parser.add_argument("--combos", nargs="*", default=[], help="TAG+TAG: score-level ensembles of variants")
    args = parser.parse_args()
    provider = MlModels(args.models_dir)
    results = {}
    for variant in args.variants:
        tag, backbone, size, augment = parse(variant)
        results[tag] = run_variant(provider, args.dataset, args.n_train, backbone, size, augment)
        print(json.dumps({"dataset": args.dataset.name, "variant": variant, **measure([results[tag]]),
                          "seconds": results[tag]["seconds"]}), flush=True)
    for combo in args.combos:
        print(json.dumps({"dataset": args.dataset.name, "combination": combo,
                          **measure([results[t] for t in combo.split("+")])}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
