"""Validating one candidate of the self-configuration on the build's validation images.

:class:`ValidationImages` holds what every candidate is scored on, prepared once per build: the good images
at every candidate size (split by index into fit and held-out images), the synthetic defects painted once at
the product's input size and resized once per other size, and the labelled defect images. Their patch
features go through a :class:`~station.pipeline.patchcore.features.FeatureCache`: a candidate that shares the
backbone and size of an earlier one (the augmented variant) embeds only its new bank copies, and the product
build that follows the selection reuses the chosen candidate's good-image features.

:func:`evaluate_candidate` builds the candidate's validation bank exactly as a product build does, scores
the held-out good images, the synthetic and the labelled defects from their features, and returns a
:class:`CandidateScore` for each way of taking the image score, with the time of each stage.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from station.domain.engine import CancelToken, Progress, ProgressCallback, no_progress
from station.pipeline.patchcore import thresholds as cal
from station.pipeline.patchcore.bank import IMAGE_SCORES, MAP_SCORES, map_image_score
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.patchcore.features import FeatureCache
from station.services.engine.candidates import Candidate
from station.services.engine.ports import ModelProvider

LABELLED_WEIGHT = 2.0
GOOD, SYNTHETIC, LABELLED = "good", "synthetic", "labelled"  # image roles in the feature keys


@dataclass
class ValidationImages:
    """The selection's images (see the module docstring); keys are ``(role, index)``."""

    goods: dict[int, list[np.ndarray]]  # input size -> prepared good images
    labelled: dict[int, list[np.ndarray]]  # input size -> prepared labelled defect images
    fit_idx: list[int]
    val_idx: list[int]
    base_size: int
    synthetic: list[tuple[np.ndarray, np.ndarray]]  # (image, mask) at the base size
    _synthetic_at: dict[int, list[np.ndarray]] = field(default_factory=dict)

    @property
    def fit_keys(self) -> list[tuple[str, int]]:
        return [(GOOD, i) for i in self.fit_idx]

    def scored_keys(self, size: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]]:
        """(held-out good, synthetic, labelled) keys."""
        return ([(GOOD, i) for i in self.val_idx], [(SYNTHETIC, j) for j in range(len(self.synthetic))],
                [(LABELLED, k) for k in range(len(self.labelled.get(size, [])))])

    def image(self, size: int, key: tuple[str, int]) -> np.ndarray:
        role, i = key
        if role == GOOD:
            return self.goods[size][i]
        if role == LABELLED:
            return self.labelled[size][i]
        found = self._synthetic_at.get(size)
        if found is None:  # resized once per size, whichever candidate asks first
            found = self._synthetic_at[size] = [
                img if img.shape[:2] == (size, size) else cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
                for img, _ in self.synthetic]
        return found[i]

    def work(self, candidate: Candidate) -> tuple[list, int]:
        """(every feature key the candidate needs, the images its bank searches: bank copies plus scored)."""
        fit = self.fit_keys
        bank = fit + [(k, a) for a in candidate.augment for k in fit]
        held, syn, lab = self.scored_keys(candidate.input_size)
        return bank + held + syn + lab, len(bank) + len(held) + len(syn) + len(lab)


@dataclass(frozen=True)
class CandidateScore:
    candidate: Candidate
    objective: float
    image_auroc_synthetic: float
    pixel_auroc_synthetic: float
    image_auroc_labelled: float | None
    false_alarm_rate: float  # held-out good images at or above the FAIL threshold
    uncertain_rate: float  # held-out good images in the UNCERTAIN band
    miss_rate_synthetic: float  # synthetic defects below the review threshold
    miss_rate_labelled: float | None
    seconds: float  # the candidate's whole validation (shared by its image-score variants)
    # the counts behind the rates: held-out good images (at/above FAIL, in the band), synthetic and
    # labelled defects (below the review threshold)
    counts: dict[str, int] = field(default_factory=dict)
    # seconds of each stage of the validation: load, features (backbone), coreset, calibrate, score
    stages: dict[str, float] = field(default_factory=dict)
    predicted_seconds: float | None = None  # what the cost model expected before it ran (None: the first)

    def rates(self) -> dict[str, dict[str, Any] | None]:
        """Each rate with its basis, the counts behind it and a 95 % Wilson interval. Only labelled
        defects predict misses (``miss`` is None without them); synthetic defects give their recall at the
        review threshold, which is what it is and not an expected miss rate."""
        c = self.counts

        def rate(k: int, n: int, basis: str) -> dict[str, Any]:
            low, high = cal.wilson_interval(k, n)
            return {"rate": round(k / n, 4) if n else None, "count": k, "of": n, "low": round(low, 4),
                    "high": round(high, 4), "basis": basis}

        good = c.get("good", 0)
        return {
            "false_alarm": rate(c.get("false_alarms", 0), good, "held_out_good"),
            "uncertain": rate(c.get("uncertain", 0), good, "held_out_good"),
            "miss": rate(c.get("labelled_missed", 0), c["labelled"], "labelled_defects")
            if c.get("labelled") else None,
            "synthetic_recall_at_review": rate(c.get("synthetic", 0) - c.get("synthetic_missed", 0),
                                               c.get("synthetic", 0), "synthetic_defects"),
        }

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["candidate"] = {"key": self.candidate.key, "backbone": self.candidate.backbone,
                            "input_size": self.candidate.input_size, "augment": list(self.candidate.augment),
                            "image_score": self.candidate.image_score,
                            "relative_cost": self.candidate.cost}
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}


def _at(maps: list[np.ndarray], shape: tuple[int, ...]) -> list[np.ndarray]:
    return [m if m.shape == shape else cv2.resize(m, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
            for m in maps]


def evaluate_candidate(models: ModelProvider, candidate: Candidate, images: ValidationImages, features: FeatureCache,
                       options: BuildOptions, image_threshold: float, review_threshold: float,
                       cancel: CancelToken | None = None, progress: ProgressCallback | None = None,
                       predicted_seconds: float | None = None) -> list[CandidateScore]:
    """The candidate's scores, one for each way of taking the image score (:data:`IMAGE_SCORES`): the bank,
    the anomaly maps and so the pixel AUROC are the same, so one validation bank serves them all."""
    started = time.perf_counter()
    backbone_before = features.backbone_seconds
    size = candidate.input_size
    model = models.runtime(candidate.backbone, size)
    # a blank batch first: on the CPU the backbone is traced for the batch shape on first use (seconds), which
    # belongs to loading the network, not to the per-image cost
    model.embed([np.zeros((size, size, 3), np.uint8)] * options.batch_size)
    loaded = time.perf_counter() - started
    opts = replace(options, backbone=candidate.backbone, augment=candidate.augment, image_score="reweighted")
    inner = progress or no_progress

    def forward(p: Progress) -> None:  # the validation bank's steps, reported as part of the selection
        inner(Progress(f"select:{p.stage}", p.done, p.total, f"{candidate.key}: {p.message}"))

    def image_of(key: Any) -> np.ndarray:
        return images.image(size, key)

    fit_keys = images.fit_keys
    built = build_memory_bank("validation", model, [image_of(k) for k in fit_keys], {"resize": size}, opts, forward,
                              cancel, features_cache=features, keys=fit_keys)
    handle = model.prepare_bank(built.bank.features, "reweighted")
    calib = built.bank.calibration

    def run(keys: list) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
        scores: dict[str, list[float]] = {mode: [] for mode in IMAGE_SCORES}
        maps = []
        for s in range(0, len(keys), options.batch_size):
            if cancel:
                cancel.raise_if_cancelled()
            feats = features.features(model, keys[s:s + options.batch_size], image_of, options.batch_size)
            for raw in model.score_features(feats.grid, handle):
                scores["reweighted"].append(float(built.calibrations["reweighted"].image(raw.image_score)))
                for mode in MAP_SCORES:
                    scores[mode].append(float(built.calibrations[mode].image(map_image_score(mode, raw.anomaly_map))))
                maps.append(np.asarray(calib.pixel(raw.anomaly_map), dtype=np.float32))
            forward(Progress("score", min(s + options.batch_size, len(keys)), len(keys), "scoring validation images"))
        return {k: np.array(v) for k, v in scores.items()}, maps

    held_keys, syn_keys, lab_keys = images.scored_keys(size)
    good_s, good_maps = run(held_keys)
    syn_s, syn_maps = run(syn_keys)
    lab_s = run(lab_keys)[0] if lab_keys else {mode: np.array([]) for mode in IMAGE_SCORES}
    # pixel AUROC at the synthetic defects' own resolution, whatever the candidate's input size
    masks = [m > 0 for _, m in images.synthetic]
    shape = masks[0].shape if masks else (size, size)
    good_maps, syn_maps = _at(good_maps, shape), _at(syn_maps, shape)
    pixel_labels = np.concatenate([np.zeros(sum(g.size for g in good_maps), bool)] + [m.ravel() for m in masks])
    pixel_scores = np.concatenate([g.ravel() for g in good_maps] + [m.ravel() for m in syn_maps])
    pix_syn = cal.auroc_labels(pixel_labels, pixel_scores)
    seconds = time.perf_counter() - started
    backbone = features.backbone_seconds - backbone_before
    stages = {"load": loaded, "features": backbone, "coreset": built.stages["coreset"],
              "calibrate": built.stages["calibrate"]}
    stages["score"] = max(0.0, seconds - sum(stages.values()))
    stages = {k: round(v, 3) for k, v in stages.items()}
    out = []
    for mode in IMAGE_SCORES:
        good, syn, lab = good_s[mode], syn_s[mode], lab_s[mode]
        img_syn = cal.auroc(good, syn)
        img_lab = cal.auroc(good, lab) if lab.size else None
        parts, weights = [img_syn, pix_syn], [1.0, 1.0]
        if img_lab is not None:
            parts.append(img_lab)
            weights.append(LABELLED_WEIGHT)
        out.append(CandidateScore(
            candidate=replace(candidate, image_score=mode), objective=float(np.average(parts, weights=weights)),
            image_auroc_synthetic=img_syn, pixel_auroc_synthetic=pix_syn, image_auroc_labelled=img_lab,
            false_alarm_rate=float((good >= image_threshold).mean()),
            uncertain_rate=float(((good >= review_threshold) & (good < image_threshold)).mean()),
            miss_rate_synthetic=float((syn < review_threshold).mean()),
            miss_rate_labelled=float((lab < review_threshold).mean()) if lab.size else None, seconds=seconds,
            counts={"good": int(good.size), "false_alarms": int((good >= image_threshold).sum()),
                    "uncertain": int(((good >= review_threshold) & (good < image_threshold)).sum()),
                    "synthetic": int(syn.size), "synthetic_missed": int((syn < review_threshold).sum()),
                    "labelled": int(lab.size), "labelled_missed": int((lab < review_threshold).sum())},
            stages=stages, predicted_seconds=predicted_seconds))
    return out
