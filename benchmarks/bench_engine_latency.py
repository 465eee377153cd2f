"""Per-image inspection latency of the station vs anomalib's own PatchCore inference path, same backbone,
same memory bank, same images, measured in one run (run by hand; prints numbers and ratios).

* anomalib (Lightning module): ``Patchcore.forward`` = its pre-processor (Resize 256 + Normalize on a
  float tensor of the decoded image), ``PatchcoreModel.forward``, its post-processor (normalisation).
* anomalib (torch model only): ``PatchcoreModel.forward`` on an already prepared tensor.
* station: ``analyse`` = cv2 preprocessing, feature extraction (oneDNN-fused TorchScript), NN search as a
  1x1 convolution, anomalib's image score, matrix-form smoothing, calibration normalisation and the map
  back onto the original image.
* station, exported: the same ``analyse`` on the torch-free CPU runtime (``station.adapters.engine.exported``:
  the patch embedding exported to ONNX and run by ONNX Runtime, the rest in numpy), exported once from the
  same backbone, as a build does.

Scores are compared on identical input tensors: largest absolute and relative difference of the raw image
score and of the raw anomaly map, and of both after the bank's calibration (the [0, 1] scores the station
shows and thresholds); the exported runtime's scores against the station's torch path likewise. Usage::

    .venv/bin/python -m benchmarks.bench_engine_latency \
        --dataset ../shared/data/casting --models-dir ~/.local/share/inspection-station/models

Run it without ``MALLOC_MMAP_THRESHOLD_`` to measure the station as it runs (the application does not set
it); with it, glibc serves every block over the threshold by a fresh mmap, and the page faults on the
large intermediate buffers slow both paths (the script prints which setting it ran under).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from station.adapters.engine.backbones import spec_of
from station.adapters.engine.bank_files import BankFiles
from station.adapters.engine.export import export_runtime
from station.adapters.engine.exported import ExportedRuntime
from station.adapters.weights.manifest import ModelsDirectory
from station.adapters.engine.patchcore import PatchcoreRuntime
from station.pipeline.patchcore.analysis import analyse
from station.pipeline.patchcore.bank import MemoryBank
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.images.decode import read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare

REPO = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _anomalib_lightning(runtime: PatchcoreRuntime, bank: np.ndarray, calib_scores: list[float]):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from anomalib.models import Patchcore
    spec = spec_of(runtime.name)
    if spec.degraded or spec.arch is None:
        raise SystemExit("the latency benchmark needs a timm backbone with weights (not filterbank)")
    lm = Patchcore(backbone=spec.arch, layers=list(spec.layers), pre_trained=False, num_neighbors=9)
    lm.model.feature_extractor.load_state_dict(runtime.model.feature_extractor.state_dict())
    lm.model.memory_bank = torch.from_numpy(bank.copy())
    pp = lm.post_processor
    lo, hi = float(min(calib_scores)), float(max(calib_scores))
    for name, value in (("image_min", lo), ("image_max", hi * 2), ("pixel_min", 0.0), ("pixel_max", hi * 2),
                        ("_image_threshold", hi), ("_pixel_threshold", hi)):
        getattr(pp, name).fill_(value)
    return lm.eval()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=REPO.parent / "shared" / "data" / "casting")
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--backbone", default="mobilenet_v2")
    parser.add_argument("--n-train", type=int, default=100)
    parser.add_argument("--n-test", type=int, default=40)
    parser.add_argument("--input-size", type=int, default=256)
    parser.add_argument("--bank-size", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the test images")
    args = parser.parse_args()

    models = ModelsDirectory(args.models_dir)
    runtime = PatchcoreRuntime(args.backbone, models, args.input_size)
    pre = Preprocessing.from_config({"resize": args.input_size})
    train_paths = sorted((args.dataset / "train" / "good").iterdir())[: args.n_train]
    test_paths = sorted(p for d in sorted((args.dataset / "test").iterdir()) for p in sorted(d.iterdir()))
    test_paths = test_paths[:: max(1, len(test_paths) // args.n_test)][: args.n_test]
    train = [prepare(read_image(p).pixels, pre).pixels for p in train_paths]
    n_patches = len(train) * int(np.prod(runtime.grid_size)) * 4 // 5
    options = BuildOptions(coreset_ratio=min(1.0, args.bank_size / n_patches), max_bank_size=args.bank_size)
    built = build_memory_bank("bench", runtime, train, pre.image_steps(), options)
    bank = built.bank.features
    handle = runtime.prepare_bank(bank)
    with tempfile.TemporaryDirectory() as tmp:  # bank file round trip, as an inspection after a restart
        files = BankFiles(Path(tmp))
        files.save("bench", "patchcore", *built.bank.to_files())
        started = time.perf_counter()
        loaded = MemoryBank.from_files(*files.load("bench", "patchcore"))  # type: ignore[misc]
        runtime.prepare_bank(loaded.features)
        print(f"bank file load + placement: {(time.perf_counter() - started) * 1000:.1f} ms "
              f"({loaded.features.nbytes / 1e6:.1f} MB, sha256 checked)")
    decoded = [read_image(p) for p in test_paths]
    print(f"backbone {args.backbone}, input {args.input_size}, bank {bank.shape}, {len(decoded)} test images, "
          f"torch threads {torch.get_num_threads()}, device {runtime.device_name}, "
          f"MALLOC_MMAP_THRESHOLD_={os.environ.get('MALLOC_MMAP_THRESHOLD_', 'unset')}")

    # --- equality on identical tensors -----------------------------------------------------------------
    prepared = [prepare(d.pixels, pre).pixels for d in decoded]
    model = runtime.model
    model.memory_bank = torch.from_numpy(bank.copy())
    score_diff = score_rel = map_diff = map_rel = norm_score_diff = norm_map_diff = 0.0
    calibration = built.bank.calibration
    with torch.no_grad():
        for img in prepared:
            ours = runtime.score([img], handle)[0]
            theirs = model(runtime.to_tensor([img]))
            ref = float(theirs.pred_score[0])
            score_diff = max(score_diff, abs(ours.image_score - ref))
            score_rel = max(score_rel, abs(ours.image_score - ref) / max(abs(ref), 1e-12))
            their_map = theirs.anomaly_map[0, 0].numpy()
            diff = float(np.abs(ours.anomaly_map - their_map).max())
            map_diff = max(map_diff, diff)
            map_rel = max(map_rel, diff / max(float(their_map.max()), 1e-12))
            norm_score_diff = max(norm_score_diff, abs(calibration.image(ours.image_score) - calibration.image(ref)))
            norm_map_diff = max(norm_map_diff, float(np.abs(calibration.pixel(ours.anomaly_map)
                                                            - calibration.pixel(their_map)).max()))
    print(f"largest difference vs PatchcoreModel.forward: image score {score_diff:.2e} (relative {score_rel:.2e}), "
          f"anomaly map {map_diff:.2e} (relative to the map's maximum {map_rel:.2e}); after calibration to [0, 1]: "
          f"image score {norm_score_diff:.2e}, anomaly map {norm_map_diff:.2e}")
    started = time.perf_counter()
    exported = ExportedRuntime(export_runtime(runtime))
    exported_handle = exported.prepare_bank(bank)
    print(f"export + ONNX Runtime session: {time.perf_counter() - started:.2f} s")
    exp_score = exp_norm = exp_map = 0.0
    for img in prepared:
        ours, theirs = runtime.score([img], handle)[0], exported.score([img], exported_handle)[0]
        exp_score = max(exp_score, abs(ours.image_score - theirs.image_score))
        exp_norm = max(exp_norm, abs(calibration.image(ours.image_score) - calibration.image(theirs.image_score)))
        exp_map = max(exp_map, float(np.abs(ours.anomaly_map - theirs.anomaly_map).max()))
    print(f"largest difference exported runtime vs station torch path: image score {exp_score:.2e}, anomaly map "
          f"{exp_map:.2e}; after calibration: image score {exp_norm:.2e}")

    # --- latency ----------------------------------------------------------------------------------------
    lightning = _anomalib_lightning(runtime, bank, [built.bank.calibration.good_raw_median,
                                                    built.bank.calibration.good_raw_max])
    rgb = [torch.from_numpy(np.ascontiguousarray(
        (d.pixels if d.pixels.ndim == 3 else np.dstack([d.pixels] * 3))[:, :, ::-1])).permute(2, 0, 1)
        .float().div(255).unsqueeze(0) for d in decoded]

    def run_lightning(i: int) -> None:
        with torch.no_grad():
            lightning(rgb[i])

    def run_torch_model(i: int) -> None:
        with torch.no_grad():
            model(runtime.to_tensor([prepared[i]]))

    def run_station(i: int) -> None:
        analyse(decoded[i], built.bank, runtime, handle)

    def run_exported(i: int) -> None:
        analyse(decoded[i], built.bank, exported, exported_handle)

    paths = {"anomalib Lightning Patchcore.forward": run_lightning,
             "anomalib PatchcoreModel.forward": run_torch_model, "station analyse": run_station,
             "station analyse, exported (onnxruntime)": run_exported}
    times: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    for fn in paths.values():  # warm-up (includes the one-off TorchScript trace of the station's backbone)
        fn(0)
    for _ in range(args.repeats):
        for name, fn in paths.items():  # paths alternate pass by pass, so load changes hit all alike
            for i in range(len(decoded)):
                started, started_cpu = time.perf_counter(), time.process_time()
                fn(i)
                times[name].append((time.perf_counter() - started) * 1000.0)
                cpu[name].append((time.process_time() - started_cpu) * 1000.0)
    station = statistics.median(times["station analyse"])
    station_cpu = statistics.median(cpu["station analyse"])
    for name, values in times.items():
        med, med_cpu = statistics.median(values), statistics.median(cpu[name])
        print(f"{name:<40} wall p50 {med:7.2f} ms p95 {_percentile(values, 95):7.2f} ms ({med / station:5.2f}x)  "
              f"cpu p50 {med_cpu:7.2f} ms ({med_cpu / station_cpu:5.2f}x)")
    print("ratios are each path's median over the station's torch path (wall time; process CPU time summed over "
          "threads)")
    exported_med = statistics.median(times["station analyse, exported (onnxruntime)"])
    for name in ("anomalib Lightning Patchcore.forward", "anomalib PatchcoreModel.forward", "station analyse"):
        print(f"exported runtime / {name}: {exported_med / statistics.median(times[name]):.2f}x (wall p50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
