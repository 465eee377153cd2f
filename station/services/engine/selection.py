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

What no candidate needs to redo is done once per build (``station.services.engine.validation``): images are
decoded and prepared at every size before the selection, synthetic defects painted once and resized once
per size, and patch features kept per backbone and size (the augmented candidate embeds only its new bank
copies; the product build reuses the chosen candidate's good-image features). Each candidate's stages are
timed and reported. The selection has a budget in seconds (``BuildOptions.selection_seconds``): before each
candidate its cost is predicted from those measured (``station.services.engine.selection_cost``), and a
candidate that would overrun the budget is skipped and reported as such (the first always runs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from station.domain.engine import CancelToken, Progress, ProgressCallback, no_progress
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.patchcore.features import FeatureCache
from station.pipeline.patchcore.splits import validation_split
from station.pipeline.synthetic.defects import make_defects
from station.services.engine.candidates import Candidate, stage1_candidates, stage2_candidates
from station.services.engine.ports import ModelProvider
from station.services.engine.selection_cost import CostModel
from station.services.engine.validation import GOOD, CandidateScore, ValidationImages, evaluate_candidate

TIE = 0.002
SYNTHETIC_PER_IMAGE = 2
MIN_VALIDATION_BANK = 64


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
    skipped: list[dict[str, Any]] = field(default_factory=list)  # candidates the time budget left out
    budget_seconds: float | None = None

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
            "seconds": round(self.seconds, 2), "budget_seconds": self.budget_seconds, "skipped": self.skipped,
            "validation_images": self.source_images, "candidates": [s.to_json() for s in self.scores],
        }


def validation_bank_size(max_bank_size: int, n_fit: int, n_images: int) -> int:
    """The deployed bank's size scaled to the fit images: the validation bank keeps the same share of patches."""
    return max(MIN_VALIDATION_BANK, int(np.ceil(max_bank_size * n_fit / max(n_images, 1))))


def _keep_only(models: ModelProvider, features: FeatureCache, best: CandidateScore) -> None:
    """Only the best candidate's network and features stay: the others (each network traced for its batch
    shape, each feature set tens of megabytes) would otherwise add up over the selection."""
    key = (best.candidate.backbone, best.candidate.input_size)
    models.release_runtimes({key})
    features.retain({key})


def _better(a: CandidateScore, b: CandidateScore) -> bool:
    """Is ``a`` better than ``b``: clearly higher objective, or level and cheaper."""
    if a.objective > b.objective + TIE:
        return True
    return abs(a.objective - b.objective) <= TIE and a.candidate.cost < b.candidate.cost


def select_configuration(models: ModelProvider, goods: dict[int, list[np.ndarray]], labelled: dict[int, list[np.ndarray]],
                         base_size: int, options: BuildOptions, *, image_threshold: float = 0.85,
                         review_threshold: float = 0.70, progress: ProgressCallback | None = None,
                         cancel: CancelToken | None = None, source_images: dict[str, Any] | None = None,
                         features: FeatureCache | None = None) -> Selection:
    """Chooses among the candidates. ``goods``/``labelled`` map each candidate input size to the product's
    prepared good / labelled-defect images at that size (all sizes of :func:`candidate_sizes`).

    ``features``: the build's feature cache; afterwards it holds the chosen candidate's features of the good
    images (keys ``("good", index)``, and ``(("good", index), augmentation)`` for bank copies), for the
    product build to reuse."""
    progress = progress or no_progress
    started = time.perf_counter()
    features = features if features is not None else FeatureCache()
    budget = options.selection_seconds
    installed = [b["name"] for b in models.backbones() if b["installed"]]
    stage1 = stage1_candidates(installed, base_size)
    base_goods = goods[base_size]
    fit_idx, val_idx = validation_split(len(base_goods))
    options = replace(options, max_bank_size=validation_bank_size(options.max_bank_size, len(fit_idx),
                                                                  len(base_goods)))
    total = len(stage1) + 1
    scores: list[CandidateScore] = []
    skipped: list[dict[str, Any]] = []
    if not val_idx:  # too few good images to hold any out: nothing to choose by
        return Selection(stage1[0], [], len(base_goods), 0, 0, len(labelled.get(base_size, [])), options.seed,
                         image_threshold, review_threshold, time.perf_counter() - started, source_images or {},
                         budget_seconds=budget)

    # the same synthetic defects for every candidate: painted once at the product's input size (a candidate
    # of another size sees them resized, and its maps are compared with the masks at this size)
    synthetic = [(d.image, d.mask) for d in make_defects([base_goods[i] for i in val_idx], seed=options.seed,
                                                         per_image=SYNTHETIC_PER_IMAGE)]
    images = ValidationImages(goods, labelled, fit_idx, val_idx, base_size, synthetic)
    costs = CostModel()
    loaded: set[tuple[str, int]] = set()
    done = 0

    def run(candidate: Candidate) -> CandidateScore | None:
        """Every image score of the candidate is recorded; PatchCore's unless one read off the map (the best
        of them) is clearly better. None when the budget leaves no room for it."""
        nonlocal done
        key = (candidate.backbone, candidate.input_size)
        needed, searched = images.work(candidate)
        embeds = features.count_missing(key, needed)
        loads = key not in loaded
        predicted = costs.predict(candidate, loads=loads, embeds=embeds, searches=searched)
        elapsed = time.perf_counter() - started
        if budget is not None and predicted is not None and elapsed + predicted > budget:
            skipped.append({"key": candidate.key, "predicted_seconds": round(predicted, 2),
                            "left_seconds": round(max(0.0, budget - elapsed), 2),
                            "reason": f"predicted {predicted:.0f} s with {max(0.0, budget - elapsed):.0f} s of the "
                                      f"{budget:.0f} s budget left"})
            done += 1
            progress(Progress("select", done, total, f"skipped {candidate.key}: {skipped[-1]['reason']}"))
            return None
        progress(Progress("select", done, total, f"validating {candidate.key}"))
        every = evaluate_candidate(models, candidate, images, features, options, image_threshold, review_threshold,
                                   cancel, progress, None if predicted is None else round(predicted, 2))
        loaded.add(key)
        stages = every[0].stages
        costs.observe(candidate, stages, loaded=loads, embedded=embeds, searched=searched)
        done += 1
        progress(Progress("select", done, total, f"{candidate.key}: " + " · ".join(
            f"{name} {sec:.1f} s" for name, sec in stages.items()) + f" = {every[0].seconds:.1f} s"
            + (f" (predicted {predicted:.1f} s)" if predicted is not None else "")))
        scores.extend(every)
        plain, *off_map = every
        best_map = max(off_map, key=lambda x: x.objective)
        return best_map if best_map.objective > plain.objective + TIE else plain

    def consider(candidate: Candidate, best: CandidateScore) -> CandidateScore:
        score = run(candidate)
        if score is not None and _better(score, best):
            best = score
        _keep_only(models, features, best)
        loaded.intersection_update({(best.candidate.backbone, best.candidate.input_size)})
        return best

    first = run(stage1[0])
    assert first is not None  # nothing is measured yet, so nothing is predicted to overrun
    best = first
    for candidate in stage1[1:]:
        best = consider(candidate, best)
    others = sorted((x for x in scores if x.candidate.backbone != best.candidate.backbone),
                    key=lambda x: -x.objective)
    ranked = [best.candidate] + list(dict.fromkeys(replace(x.candidate, image_score="reweighted") for x in others))
    stage2 = stage2_candidates(installed, ranked)
    total += len(stage2)
    for candidate in stage2:
        best = consider(candidate, best)
    if not models.is_degraded(best.candidate.backbone):
        flipped = run(replace(best.candidate, augment=("hflip", "vflip")))
        if flipped is not None and flipped.objective > best.objective + TIE:  # augmentation costs build time
            best = flipped
    progress(Progress("select", total, total, f"chose {best.candidate.key}"))
    _keep_only(models, features, best)
    features.retain({(best.candidate.backbone, best.candidate.input_size)}, key_filter=_is_good_image)
    return Selection(best.candidate, scores, len(fit_idx), len(val_idx), len(synthetic),
                     len(labelled.get(base_size, [])), options.seed, image_threshold, review_threshold,
                     time.perf_counter() - started, source_images or {}, validation_bank=options.max_bank_size,
                     skipped=skipped, budget_seconds=budget)


def _is_good_image(key: Any) -> bool:
    """A feature key of a good image or of a bank copy of one (what a product build can reuse)."""
    base = key[0] if isinstance(key, tuple) and isinstance(key[0], tuple) else key
    return isinstance(base, tuple) and base[0] == GOOD
