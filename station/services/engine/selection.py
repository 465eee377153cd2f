"""Self-configuration: a product's engine configuration chosen by validation on its own good images.

Nothing here sees a test image. The good images are split (deterministically) into *fit* images, from which
each candidate builds a bank exactly as a product build does, and *held-out* good images; synthetic defects
(``station.pipeline.synthetic.defects``: cut-paste, Perlin-noise blobs, scratches, with exact masks) are
painted on the held-out images, and the product's own labelled defect images are added when the library
has some. Each candidate is scored on the held-out goods and defects:

* ``image_auroc_synthetic`` and ``pixel_auroc_synthetic`` (the masks are known),
* ``image_auroc_labelled`` when there are labelled defects (counted twice: they are the real thing),

``objective`` is their weighted mean. Validation runs on a fixed budget, so that the selection costs a small
part of a build whatever the number of images: at most ``VALIDATION_FIT_IMAGES`` fit images (evenly spread),
at most ``VALIDATION_HELD_OUT`` held-out good images (``station.pipeline.patchcore.splits``) with
:data:`SYNTHETIC_PER_IMAGE` synthetic defects each, and a validation bank whose size is the deployed bank's in
proportion to the fit images (the same fraction of the patches is kept as in the final build). Every candidate
stays within the latency budget (:data:`MAX_RELATIVE_COST` times MobileNetV2 at 256 px). Stage 1 compares the
backbones at the product's input size; stage 2 tries the winner at half and at 1.25 times that size, the
cheapest backbone at 1.25 times, and a two-scale backbone (the best stage-1 backbone whose two-scale variant
fits the budget); stage 3 tries bank augmentation (flips) on the best so far. Each candidate is scored with
every way of taking the image score (``station.pipeline.patchcore.bank.IMAGE_SCORES``: PatchCore's re-weighted
top patch, the peak of the smoothed anomaly map, or the mean of its hottest pixels) from the same validation
bank; a score read off the map (the better of the two) is taken only when it scores more than :data:`TIE`
higher. The best objective wins; within :data:`TIE` the cheaper candidate. The report also gives the expected
false-alarm and miss rates at the deployed thresholds, measured on the same validation images.
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
from station.pipeline.patchcore.splits import validation_split
from station.pipeline.synthetic.defects import make_defects
from station.services.engine.ports import ModelProvider

MAX_RELATIVE_COST = 2.0
TIE = 0.002
# per-image inference cost relative to MobileNetV2 at 256 px on the CPU (backbone plus bank search)
BACKBONE_COST = {"mobilenet_v2": 1.0, "efficientnet_lite0": 1.25, "efficientnet_lite2": 1.8, "resnet18": 1.6,
                 "wide_resnet50_2": 8.0, "filterbank": 0.6}
# a two-scale variant runs the backbone on a quarter of the pixels more and searches twice as wide features
TWO_SCALE_COST = 1.6
TWO_SCALE_SUFFIX = "_2scale"
STAGE1_BACKBONES = ("mobilenet_v2", "efficientnet_lite0", "efficientnet_lite2")
LABELLED_WEIGHT = 2.0
SYNTHETIC_PER_IMAGE = 2
MIN_VALIDATION_BANK = 64


@dataclass(frozen=True)
class Candidate:
    backbone: str
    input_size: int
    augment: tuple[str, ...] = ()
    image_score: str = "reweighted"

    @property
    def key(self) -> str:
        extras = list(self.augment) + ([self.image_score] if self.image_score != "reweighted" else [])
        return f"{self.backbone}@{self.input_size}" + (f"+{'+'.join(extras)}" if extras else "")

    @property
    def cost(self) -> float:
        name, factor = self.backbone, 1.0
        if name.endswith(TWO_SCALE_SUFFIX):
            name, factor = name[: -len(TWO_SCALE_SUFFIX)], TWO_SCALE_COST
        return round(BACKBONE_COST.get(name, 4.0) * factor * (self.input_size / 256.0) ** 2, 3)


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
    seconds: float
    # the counts behind the rates: held-out good images (at/above FAIL, in the band), synthetic and
    # labelled defects (below the review threshold)
    counts: dict[str, int] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Selection:
    chosen: Candidate
    scores: list[CandidateScore]
    n_fit: int
    n_held_out_good: int
    n_synthetic: int
    n_labelled: int
    seed: int
    image_threshold: float
    review_threshold: float
    seconds: float
    source_images: dict[str, Any] = field(default_factory=dict)
    validation_bank: int = 0  # at most this many patches in each candidate's validation bank

    @property
    def chosen_score(self) -> CandidateScore:
        return next(s for s in self.scores if s.candidate == self.chosen)

    def to_json(self) -> dict[str, Any]:
        if not self.scores:
            return {"chosen": self.chosen.key, "backbone": self.chosen.backbone, "input_size": self.chosen.input_size,
                    "augment": list(self.chosen.augment), "objective": None, "candidates": [],
                    "reason": "too few good images to hold any out: default configuration, nothing validated",
                    "n_fit": self.n_fit, "n_labelled": self.n_labelled, "seconds": round(self.seconds, 2)}
        best = self.chosen_score
        return {
            "chosen": self.chosen.key, "backbone": self.chosen.backbone, "input_size": self.chosen.input_size,
            "augment": list(self.chosen.augment), "image_score": self.chosen.image_score,
            "objective": round(best.objective, 4),
            "expected_false_alarm_rate": round(best.false_alarm_rate, 4),
            "expected_uncertain_rate": round(best.uncertain_rate, 4),
            # a miss rate is predicted only from labelled defects; synthetic ones give their recall in "rates"
            "expected_miss_rate": round(best.miss_rate_labelled, 4) if best.miss_rate_labelled is not None else None,
            "rates": best.rates(),
            "image_threshold": self.image_threshold, "review_threshold": self.review_threshold,
            "n_fit": self.n_fit, "n_held_out_good": self.n_held_out_good, "n_synthetic": self.n_synthetic,
            "n_labelled": self.n_labelled, "validation_bank_size": self.validation_bank, "seed": self.seed,
            "seconds": round(self.seconds, 2), "validation_images": self.source_images, "candidates": [s.to_json() for s in self.scores],
        }


def validation_bank_size(max_bank_size: int, n_fit: int, n_images: int) -> int:
    """The deployed bank's size scaled to the fit images: the validation bank keeps the same share of patches."""
    return max(MIN_VALIDATION_BANK, int(np.ceil(max_bank_size * n_fit / max(n_images, 1))))


def stage1_candidates(installed: list[str], base_size: int) -> list[Candidate]:
    """The backbones at the product's input size (the degraded filter bank only when nothing else is)."""
    found = [Candidate(b, base_size) for b in STAGE1_BACKBONES if b in installed]
    if not found:  # no pretrained weights at all: the degraded fallback is the only candidate
        return [Candidate(installed[0], base_size)]
    return [c for c in found if c.cost <= MAX_RELATIVE_COST] or found[:1]


def other_sizes(base_size: int) -> tuple[int, int]:
    """(half, 1.25x) of the input size, in multiples of 32 (at least 64)."""
    half = max(64, int(round(base_size * 0.5 / 32.0)) * 32)
    larger = max(base_size + 32, int(round(base_size * 1.25 / 32.0)) * 32)
    return half, larger


def stage2_candidates(installed: list[str], ranked: list[Candidate]) -> list[Candidate]:
    """The stage-1 winner (``ranked[0]``; the rest follow by their objective) at other sizes, the cheapest
    stage-1 backbone at the larger size, and the best-ranked backbone whose two-scale variant fits the
    budget, at two scales."""
    winner = ranked[0]
    if winner.backbone not in STAGE1_BACKBONES:
        return []
    found = [Candidate(winner.backbone, size) for size in other_sizes(winner.input_size) if size != winner.input_size]
    cheapest = min(ranked, key=lambda c: c.cost)
    if cheapest.backbone != winner.backbone:  # the cheapest backbone can afford the larger size too
        found.append(Candidate(cheapest.backbone, other_sizes(cheapest.input_size)[1]))
    two_scale = [Candidate(c.backbone + TWO_SCALE_SUFFIX, c.input_size) for c in ranked
                 if c.backbone + TWO_SCALE_SUFFIX in installed]
    found += [c for c in two_scale if c.cost <= MAX_RELATIVE_COST][:1]
    return [c for c in found if c.cost <= MAX_RELATIVE_COST]


def _resized(images: list[np.ndarray], size: int) -> list[np.ndarray]:
    return [img if img.shape[:2] == (size, size) else cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
            for img in images]


def _at(maps: list[np.ndarray], shape: tuple[int, ...]) -> list[np.ndarray]:
    return [m if m.shape == shape else cv2.resize(m, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
            for m in maps]


def evaluate_candidate(models: ModelProvider, candidate: Candidate, fit: list[np.ndarray], goods: list[np.ndarray],
                       synthetic: list[tuple[np.ndarray, np.ndarray]], labelled: list[np.ndarray],
                       options: BuildOptions, image_threshold: float, review_threshold: float,
                       cancel: CancelToken | None = None, progress: ProgressCallback | None = None,
                       ) -> list[CandidateScore]:
    """The candidate's scores, one for each way of taking the image score (:data:`IMAGE_SCORES`): the bank,
    the anomaly maps and so the pixel AUROC are the same, so one validation bank serves them all."""
    started = time.perf_counter()
    size = candidate.input_size
    model = models.runtime(candidate.backbone, size)
    opts = replace(options, backbone=candidate.backbone, augment=candidate.augment, image_score="reweighted")
    inner = progress or no_progress

    def forward(p: Progress) -> None:  # the validation bank's steps, reported as part of the selection
        inner(Progress(f"select:{p.stage}", p.done, p.total, f"{candidate.key}: {p.message}"))

    built = build_memory_bank("validation", model, _resized(fit, size), {"resize": size}, opts, forward, cancel)
    handle = model.prepare_bank(built.bank.features, "reweighted")
    calib = built.bank.calibration

    def run(images: list[np.ndarray]) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
        scores: dict[str, list[float]] = {mode: [] for mode in IMAGE_SCORES}
        maps = []
        for s in range(0, len(images), options.batch_size):
            if cancel:
                cancel.raise_if_cancelled()
            for raw in model.score(_resized(images[s:s + options.batch_size], size), handle):
                scores["reweighted"].append(float(built.calibrations["reweighted"].image(raw.image_score)))
                for mode in MAP_SCORES:
                    scores[mode].append(float(built.calibrations[mode].image(map_image_score(mode, raw.anomaly_map))))
                maps.append(np.asarray(calib.pixel(raw.anomaly_map), dtype=np.float32))
        return {k: np.array(v) for k, v in scores.items()}, maps

    good_s, good_maps = run(goods)
    syn_s, syn_maps = run([img for img, _ in synthetic])
    lab_s = run(labelled)[0] if labelled else {mode: np.array([]) for mode in IMAGE_SCORES}
    # pixel AUROC at the synthetic defects' own resolution, whatever the candidate's input size
    masks = [m > 0 for _, m in synthetic]
    shape = masks[0].shape if masks else (size, size)
    good_maps, syn_maps = _at(good_maps, shape), _at(syn_maps, shape)
    pixel_labels = np.concatenate([np.zeros(sum(g.size for g in good_maps), bool)] + [m.ravel() for m in masks])
    pixel_scores = np.concatenate([g.ravel() for g in good_maps] + [m.ravel() for m in syn_maps])
    pix_syn = cal.auroc_labels(pixel_labels, pixel_scores)
    seconds = time.perf_counter() - started
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
                    "labelled": int(lab.size), "labelled_missed": int((lab < review_threshold).sum())}))
    return out


def _keep_only(models: ModelProvider, best: CandidateScore) -> None:
    """Only the best candidate's network stays cached: the others (each traced for several input shapes)
    would otherwise add up over the selection and stay in memory for good."""
    models.release_runtimes({(best.candidate.backbone, best.candidate.input_size)})


def _better(a: CandidateScore, b: CandidateScore) -> bool:
    """Is ``a`` better than ``b``: clearly higher objective, or level and cheaper."""
    if a.objective > b.objective + TIE:
        return True
    return abs(a.objective - b.objective) <= TIE and a.candidate.cost < b.candidate.cost


def select_configuration(models: ModelProvider, goods: dict[int, list[np.ndarray]], labelled: dict[int, list[np.ndarray]],
                         base_size: int, options: BuildOptions, *, image_threshold: float = 0.85,
                         review_threshold: float = 0.70, progress: ProgressCallback | None = None,
                         cancel: CancelToken | None = None, source_images: dict[str, Any] | None = None) -> Selection:
    """Chooses among the candidates. ``goods``/``labelled`` map each candidate input size to the product's
    prepared good / labelled-defect images at that size (all sizes of :func:`candidate_sizes`)."""
    progress = progress or no_progress
    started = time.perf_counter()
    installed = [b["name"] for b in models.backbones() if b["installed"]]
    stage1 = stage1_candidates(installed, base_size)
    base_goods = goods[base_size]
    fit_idx, val_idx = validation_split(len(base_goods))
    options = replace(options, max_bank_size=validation_bank_size(options.max_bank_size, len(fit_idx),
                                                                  len(base_goods)))
    total = len(stage1) + 1
    scores: list[CandidateScore] = []

    # the same synthetic defects for every candidate: painted once at the product's input size (a candidate
    # of another size sees them resized, and its maps are compared with the masks at this size)
    synthetic = [(d.image, d.mask) for d in make_defects([base_goods[i] for i in val_idx], seed=options.seed,
                                                         per_image=SYNTHETIC_PER_IMAGE)]
    n_synthetic = len(synthetic)

    done = 0

    def run(candidate: Candidate) -> CandidateScore:
        """Every image score of the candidate is recorded; PatchCore's unless one read off the map (the best
        of them) is clearly better."""
        nonlocal done
        imgs = goods[candidate.input_size]
        fit = [imgs[i] for i in fit_idx]
        held = [imgs[i] for i in val_idx]
        progress(Progress("select", done, total, f"validating {candidate.key}"))
        every = evaluate_candidate(models, candidate, fit, held, synthetic, labelled.get(candidate.input_size, []),
                                   options, image_threshold, review_threshold, cancel, progress)
        done += 1
        scores.extend(every)
        plain, *off_map = every
        best_map = max(off_map, key=lambda x: x.objective)
        return best_map if best_map.objective > plain.objective + TIE else plain

    if not val_idx:  # too few good images to hold any out: nothing to choose by
        only = stage1[0]
        return Selection(only, [], len(base_goods), 0, 0, len(labelled.get(base_size, [])), options.seed,
                         image_threshold, review_threshold, time.perf_counter() - started, source_images or {})
    best = run(stage1[0])
    for candidate in stage1[1:]:
        score = run(candidate)
        if _better(score, best):
            best = score
        _keep_only(models, best)
    others = sorted((x for x in scores if x.candidate.backbone != best.candidate.backbone),
                    key=lambda x: -x.objective)
    ranked = [best.candidate] + list(dict.fromkeys(replace(x.candidate, image_score="reweighted") for x in others))
    stage2 = stage2_candidates(installed, ranked)
    total += len(stage2)
    for candidate in stage2:
        score = run(candidate)
        if _better(score, best):
            best = score
        _keep_only(models, best)
    if not models.is_degraded(best.candidate.backbone):
        flipped = run(replace(best.candidate, augment=("hflip", "vflip")))
        if flipped.objective > best.objective + TIE:  # augmentation costs build time: only when it pays
            best = flipped
    progress(Progress("select", total, total, f"chose {best.candidate.key}"))
    _keep_only(models, best)
    return Selection(best.candidate, scores, len(fit_idx), len(val_idx), n_synthetic,
                     len(labelled.get(base_size, [])), options.seed, image_threshold, review_threshold,
                     time.perf_counter() - started, source_images or {}, validation_bank=options.max_bank_size)


def candidate_sizes(installed: list[str], base_size: int) -> list[int]:
    """Every input size a candidate may have (the images are prepared at each before the selection)."""
    stage1 = stage1_candidates(installed, base_size)
    if not any(c.backbone in STAGE1_BACKBONES for c in stage1):  # the degraded fallback: one size only
        return [base_size]
    return sorted({base_size, *other_sizes(base_size)})
