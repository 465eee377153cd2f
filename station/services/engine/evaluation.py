"""``station evaluate``: the engine measured on any MVTec-layout folder, with no database involved.

Without ``--backbone`` the configuration is first chosen by :meth:`EvaluationService.configure`, which reads
``train/good`` and nothing else (held-out good images plus synthetic defects,
``station.services.engine.selection``); the test folder is listed only after the choice is made.
Trains exactly as a product bank is built (all of ``train/good``; a fifth calibrates the scores first), checks
the backbone exported for the torch-free CPU runtime against torch on those calibration images
(``station.services.engine.export``; the exported runtime inspects when it passes and the device is the CPU), then
inspects every ``test/<class>/*`` image one at a time (``good`` is the only non-defective class) and reports
image AUROC, pixel AUROC (when ``ground_truth/<class>/<stem>_mask.png`` masks exist: the MVTec layout of
``station.pipeline.images.datasets``), the F1-optimal threshold on the normalised scale, and per-image
latency (decode, preprocess, score, normalise, regions).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from station.domain.engine import CancelToken, Progress, ProgressCallback, no_progress
from station.domain.engine_reports import EvaluationReport
from station.domain.errors import ValidationError
from station.pipeline.images.datasets import folder_images, ground_truth_mask
from station.pipeline.images.decode import read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare
from station.pipeline.patchcore import thresholds as cal
from station.pipeline.patchcore.analysis import analyse
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.patchcore.features import FeatureCache
from station.pipeline.patchcore.regions import find_regions, threshold_mask
from station.domain.catalog import ModelConfigInfo
from station.pipeline.patchcore.scoring import DEFAULT_REVIEW_THRESHOLD
from station.pipeline.patchcore.splits import calibration_split
from station.services.engine.export import TORCH, check_export
from station.services.engine.ports import ModelProvider
from station.services.engine.runtime import require_builder
from station.services.engine.candidates import candidate_sizes
from station.services.engine.selection import Selection, select_configuration

PIXEL_THRESHOLD = 0.90


class EvaluationService:
    def __init__(self, models: ModelProvider) -> None:
        self._models = models

    def configure(self, train_dir: Path, *, input_size: int = 256, options: BuildOptions | None = None,
                  progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
                  features: FeatureCache | None = None) -> Selection:
        """The configuration chosen from the good images in ``train_dir`` alone (no other file is read);
        ``features`` keeps the chosen candidate's features of them (keys ``("good", index)``)."""
        progress = progress or no_progress
        options = options or BuildOptions()
        paths = folder_images(Path(train_dir))
        installed = [b["name"] for b in self._models.backbones() if b["installed"]]
        sizes = candidate_sizes(installed, input_size)
        goods: dict[int, list[np.ndarray]] = {s: [] for s in sizes}
        for done, path in enumerate(paths, 1):
            pixels = read_image(path).pixels
            for size in sizes:
                goods[size].append(prepare(pixels, Preprocessing.from_config({"resize": size})).pixels)
            progress(Progress("load", done, len(paths), "loading training images for the self-configuration"))
        return select_configuration(self._models, goods, {}, input_size, options, progress=progress, cancel=cancel,
                                    features=features, source_images={"good": [str(p) for p in paths], "labelled_defect": []})

    def evaluate(self, dataset: Path, *, backbone: str | None = None, input_size: int = 256,
                 options: BuildOptions | None = None, progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> EvaluationReport:
        root = Path(dataset)
        require_builder(self._models)
        progress = progress or no_progress
        train_paths = folder_images(root / "train" / "good")
        options = options or BuildOptions()
        if not (root / "test" / "good").is_dir():  # a folder check only: no test image is read before the choice
            raise ValidationError(f"{root}: expected test/good and at least one test/<defect> folder")
        selection = None
        features = FeatureCache()  # the selection's features of the training images, reused by the bank build
        if backbone is None:  # chosen from train/good alone, before the test folder is even listed
            selection = self.configure(root / "train" / "good", input_size=input_size, options=options,
                                       progress=progress, cancel=cancel, features=features)
            backbone, input_size = selection.chosen.backbone, selection.chosen.input_size
            options = replace(options, backbone=backbone, augment=selection.chosen.augment,
                              image_score=selection.chosen.image_score)
        test_dir = root / "test"
        classes = sorted(p.name for p in test_dir.iterdir() if p.is_dir()) if test_dir.is_dir() else []
        tests = [(cls, p) for cls in classes for p in folder_images(test_dir / cls)]
        if not tests or "good" not in classes or len(classes) < 2:
            raise ValidationError(f"{root}: expected test/good and at least one test/<defect> folder")
        with_masks = (root / "ground_truth").is_dir()
        name = backbone
        model = self._models.runtime(name, input_size)
        pre = Preprocessing.from_config({"resize": input_size})
        train = []
        for done, path in enumerate(train_paths, 1):
            train.append(prepare(read_image(path).pixels, pre).pixels)
            progress(Progress("load", done, len(train_paths), "loading training images"))
        built = build_memory_bank(root.name, model, train, pre.image_steps(), options, progress, cancel,
                                  features_cache=features, keys=[("good", i) for i in range(len(train))])
        features.retain(set())
        _, held_out = calibration_split(len(train), options.calibration_fraction, options.min_calibration)
        export = check_export(self._models, model, built.bank, [train[i] for i in held_out],
                              image_threshold=ModelConfigInfo(None, 0).image_threshold,
                              review_threshold=DEFAULT_REVIEW_THRESHOLD, progress=progress)
        del train
        runtime = TORCH
        if export.model is not None and export.artifact is not None and self._cpu_inspection():
            model, runtime = export.model, export.artifact.runtime_name
        handle = model.prepare_bank(built.bank.features, built.bank.image_score)
        labels, scores, latencies = [], [], []
        pixel_scores: list[np.ndarray] = []
        pixel_labels: list[np.ndarray] = []
        analyse(read_image(tests[0][1]), built.bank, model, handle)  # warm-up, not timed
        for done, (cls, path) in enumerate(tests, 1):
            if cancel:
                cancel.raise_if_cancelled()
            started = time.perf_counter()
            decoded = read_image(path)
            result = analyse(decoded, built.bank, model, handle)
            find_regions(result.anomaly_map, threshold_mask(result.anomaly_map, PIXEL_THRESHOLD))
            latencies.append((time.perf_counter() - started) * 1000.0)
            labels.append(cls != "good")
            scores.append(result.image_score)
            if with_masks:
                pixel_labels.append(ground_truth_mask(root, cls, path, result.anomaly_map.shape).ravel())
                pixel_scores.append(result.anomaly_map.ravel())
            progress(Progress("evaluate", done, len(tests), "scoring test images"))
        y = np.array(labels)
        s = np.array(scores)
        threshold, f1 = cal.best_f1(s[~y], s[y])
        pixel_auroc = None
        if with_masks:
            pixel_auroc = cal.auroc_labels(np.concatenate(pixel_labels), np.concatenate(pixel_scores))
        return EvaluationReport(
            dataset=str(root), image_auroc=cal.auroc(s[~y], s[y]), pixel_auroc=pixel_auroc, f1=f1,
            threshold=threshold, latency_ms_p50=float(np.percentile(latencies, 50)),
            latency_ms_p95=float(np.percentile(latencies, 95)), n_train=len(train_paths), n_test=len(tests),
            backbone=name, device=model.device_name, degraded=model.degraded,
            coreset_size=int(built.bank.features.shape[0]), build_seconds=round(built.seconds, 2),
            input_size=input_size, augment=tuple(options.augment), image_score=options.image_score,
            selection=_without_paths(selection.to_json()) if selection else None,
            selection_seconds=round(selection.seconds, 2) if selection else 0.0,
            runtime=runtime, runtime_parity=None if runtime == TORCH else export.choice.parity,
            runtime_reason=export.choice.reason,
        )

    def _cpu_inspection(self) -> bool:
        """Whether inspections run on the CPU (where the exported runtime serves them)."""
        check = getattr(self._models, "inspects_on_cpu", None)
        return bool(check()) if check is not None else False


def _without_paths(report: dict) -> dict:  # type: ignore[type-arg]
    """The selection report with image counts instead of every path."""
    out = dict(report)
    out["validation_images"] = {k: len(v) for k, v in report.get("validation_images", {}).items()}
    return out
