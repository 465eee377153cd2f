"""Defect-type accuracy of the k-NN vote on real labelled defects (``../shared/data/magnetic_tile`` by
default: blowhole, break, crack, fray, uneven), by stratified k-fold cross-validation through the station's
own code: bank from ``train/good``, each defect image scored against it, its descriptor from the most
anomalous patches (``defect_vector``), the index's "unknown" threshold from the other folds, then
:meth:`RetrievalIndex.vote`. Baselines measured in the same run: the majority class, and the same vote on
whole-image pooled features (what the descriptor would be without the anomaly map). Run by hand::

    .venv/bin/python -m benchmarks.bench_engine_typing --models-dir ~/.local/share/inspection-station/models
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from station.adapters.weights.manifest import ModelsDirectory
from station.adapters.engine.patchcore import PatchcoreRuntime
from station.pipeline.images.decode import read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.retrieval.embeddings import defect_vector
from station.pipeline.retrieval.knn import RetrievalIndex, l2_normalise, unknown_threshold

REPO = Path(__file__).resolve().parents[1]


def _index(vectors: np.ndarray, labels: np.ndarray, codes: list[str]) -> RetrievalIndex:
    return RetrievalIndex(
        method="bench", good_ids=np.zeros(0, np.int64), good_keys=(), good_vectors=np.zeros((0, 1), np.float32),
        defect_ids=np.arange(len(labels), dtype=np.int64), defect_type_ids=labels.astype(np.int64),
        defect_codes=tuple(codes[int(t)] for t in labels), defect_vectors=vectors.astype(np.float32),
        unknown_threshold=unknown_threshold(vectors, labels),
    )


def cross_validate(vectors: np.ndarray, labels: np.ndarray, codes: list[str], folds: int, seed: int = 0
                   ) -> tuple[float, float, float, np.ndarray]:
    """(accuracy over all, unknown rate, accuracy over the answered, confusion [true, predicted or unknown])."""
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(labels), dtype=int)
    for t in np.unique(labels):  # stratified: each type spread evenly over the folds
        members = rng.permutation(np.flatnonzero(labels == t))
        fold_of[members] = np.arange(len(members)) % folds
    n_types = len(codes)
    confusion = np.zeros((n_types, n_types + 1), dtype=int)
    for f in range(folds):
        train, test = fold_of != f, fold_of == f
        index = _index(vectors[train], labels[train], codes)
        for i in np.flatnonzero(test):
            prediction = index.vote(vectors[i])
            confusion[labels[i], n_types if prediction.unknown else int(prediction.defect_type_id or 0)] += 1
    total = confusion.sum()
    unknown = confusion[:, n_types].sum()
    correct = np.trace(confusion[:, :n_types])
    return correct / total, unknown / total, correct / max(total - unknown, 1), confusion


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "data" / "magnetic_tile")
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--backbone", default="mobilenet_v2")
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    runtime = PatchcoreRuntime(args.backbone, ModelsDirectory(args.models_dir), args.input_size)
    pre = Preprocessing.from_config({"resize": args.input_size})
    goods = [prepare(read_image(p).pixels, pre).pixels for p in sorted((args.dataset / "train" / "good").iterdir())]
    built = build_memory_bank("bench", runtime, goods, pre.image_steps(), BuildOptions())
    handle = runtime.prepare_bank(built.bank.features)
    codes = sorted(d.name for d in (args.dataset / "test").iterdir() if d.is_dir() and d.name != "good")
    region, pooled, labels = [], [], []
    for t, code in enumerate(codes):
        for path in sorted((args.dataset / "test" / code).iterdir()):
            image = prepare(read_image(path).pixels, pre).pixels
            raw = runtime.score([image], handle)[0]
            region.append(defect_vector(None, image, raw))
            pooled.append(l2_normalise(raw.pooled))
            labels.append(t)
    y = np.array(labels)
    counts = Counter(codes[t] for t in labels)
    print(f"{args.dataset.name}: {len(y)} labelled defects {dict(counts)}, bank {built.bank.features.shape} from "
          f"{len(goods)} good images, backbone {args.backbone}, {args.folds}-fold stratified cross-validation")
    majority = max(counts.values()) / len(y)
    print(f"majority class (baseline)         accuracy {majority:.3f}")
    results = {}
    for name, vectors in (("whole-image pooled (baseline)", np.stack(pooled)),
                          ("station: anomalous-patch vote", np.stack(region))):
        acc, unknown, answered, confusion = cross_validate(vectors, y, codes, args.folds)
        results[name] = acc
        print(f"{name:<34} accuracy {acc:.3f}  unknown {unknown:.3f}  accuracy when answered {answered:.3f}  "
              f"({acc / majority:.2f}x the majority baseline)")
        print("    confusion (rows true, columns predicted, last unknown): " + "  ".join(codes) + "  ?")
        for t, code in enumerate(codes):
            print(f"    {code:<10} " + " ".join(f"{v:4d}" for v in confusion[t]))
    station, pooled_acc = results["station: anomalous-patch vote"], results["whole-image pooled (baseline)"]
    print(f"station vs whole-image pooled: {station / max(pooled_acc, 1e-9):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
