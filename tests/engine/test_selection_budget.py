"""Self-configuration on a fixed validation budget: the split is capped, disjoint and deterministic, the
validation bank keeps the final build's share of patches, and a selection is the same for the same seed,
reports its progress and stops when cancelled."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from station.adapters.weights.manifest import PACKAGES_ENV
from station.adapters.engine.provider import MlModels
from station.domain.engine import CancelledError, CancelToken, Progress
from station.domain.errors import ValidationError
from station.pipeline.synthetic.parts import demo_images
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.patchcore.features import FeatureCache
from station.pipeline.patchcore.splits import VALIDATION_FIT_IMAGES, VALIDATION_HELD_OUT, spread, validation_split
from station.services.engine.candidates import candidate_sizes
from station.services.engine.selection import select_configuration, validation_bank_size
from tests.support.engine import install_mobilenet

SIZE = 64


def test_validation_split_is_capped_disjoint_and_deterministic() -> None:
    fit, held = validation_split(200)
    assert (len(fit), len(held)) == (VALIDATION_FIT_IMAGES, VALIDATION_HELD_OUT)
    assert not set(fit) & set(held) and validation_split(200) == (fit, held)
    assert fit[0] == 0 and max(fit) >= 190 and min(held) > 0 and max(held) < 199  # spread over the whole list
    small_fit, small_held = validation_split(10)
    assert len(small_held) == 3 and len(small_fit) == 7 and not set(small_fit) & set(small_held)
    assert spread([5, 6, 7], 10) == [5, 6, 7] and spread(list(range(100)), 3) == [0, 50, 99]
    # the validation bank keeps the final bank's share of the patches: 4096 of 200 images -> 984 of 48
    assert validation_bank_size(4096, 48, 200) == 984 and validation_bank_size(4096, 3, 1000) == 64


def _goods(sizes: list[int], n: int = 8) -> dict[int, list[np.ndarray]]:
    base = [np.dstack([i.image] * 3) for i in demo_images(n, 0, max(sizes))]
    return {s: [cv2.resize(img, (s, s), interpolation=cv2.INTER_AREA) for img in base] for s in sizes}


@pytest.mark.slow
def test_selection_is_deterministic_reports_progress_and_cancels(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")  # MobileNetV2 only (single and two scales)
    install_mobilenet(tmp_path / "models")
    models = MlModels(tmp_path / "models")
    sizes = candidate_sizes([b["name"] for b in models.backbones() if b["installed"]], SIZE)
    goods = _goods(sizes)
    options = BuildOptions(seed=5, selection_seconds=None)  # no time budget: the same candidates whatever the load
    seen: list[Progress] = []
    features = FeatureCache()
    first = select_configuration(models, goods, {}, SIZE, options, progress=seen.append, features=features)
    again = select_configuration(models, goods, {}, SIZE, options)
    timing = {"seconds": 0, "stages": {}, "predicted_seconds": 0}
    assert [s.to_json() | timing for s in first.scores] == [s.to_json() | timing for s in again.scores]
    # no image was embedded twice by the same backbone at the same size, the augmented candidate included:
    # it embedded only its flipped bank copies
    assert features.times_computed() == 1
    flipped = [k for (_, k) in features.computed if isinstance(k[0], tuple)]
    assert flipped and {aug for _, aug in flipped} == {"hflip", "vflip"}
    # what stays for the product build: the chosen candidate's good images (and their bank copies) only
    chosen = (first.chosen.backbone, first.chosen.input_size)
    fit, held = validation_split(len(goods[SIZE]))
    assert features.count_missing(chosen, [("good", i) for i in fit + held]) == 0
    assert features.count_missing(chosen, [("synthetic", 0)]) == 1  # scoring-only features are gone
    # each candidate's stages are timed, and all but the first were predicted before they ran
    assert all(set(s.stages) == {"load", "features", "coreset", "calibrate", "score"} for s in first.scores)
    assert first.scores[0].predicted_seconds is None and all(s.predicted_seconds for s in first.scores[3:])
    assert any(p.stage == "select" and "coreset" in p.message and " = " in p.message for p in seen)
    # MobileNetV2, at 1.25x the size, at two scales, then the best with flips
    assert first.chosen == again.chosen and len(first.scores) == 3 * 4  # each with every image score
    assert models.release_runtimes(set()) == 1  # only the chosen candidate's network stayed cached
    stages = {p.stage for p in seen}
    assert {"select", "select:features", "select:coreset", "select:calibrate"} <= stages
    assert seen[-1].stage == "select" and seen[-1].done == seen[-1].total and "chose" in seen[-1].message
    report = first.to_json()
    assert report["n_synthetic"] == 2 * report["n_held_out_good"] and report["validation_bank_size"] >= 64

    cancel = CancelToken()
    reached: list[str] = []

    def cancel_in_second_candidate(p: Progress) -> None:
        reached.append(p.message)
        if p.stage == "select" and p.done == 1:
            cancel.cancel()

    with pytest.raises(CancelledError):
        select_configuration(models, goods, {}, SIZE, options, progress=cancel_in_second_candidate, cancel=cancel)
    assert not any(m.startswith("chose") for m in reached)


@pytest.mark.slow
def test_a_selection_over_its_time_budget_skips_the_rest_and_says_so(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PACKAGES_ENV, "off")
    install_mobilenet(tmp_path / "models")
    models = MlModels(tmp_path / "models")
    sizes = candidate_sizes([b["name"] for b in models.backbones() if b["installed"]], SIZE)
    seen: list[Progress] = []
    # a budget no candidate can keep: the first one runs (it is what the others are predicted from), the
    # others are predicted to overrun it and are skipped
    selection = select_configuration(models, _goods(sizes), {}, SIZE, BuildOptions(seed=5, selection_seconds=1e-6),
                                     progress=seen.append)
    assert {s.candidate.key.split("+")[0] for s in selection.scores} == {f"mobilenet_v2@{SIZE}"}
    assert selection.chosen.backbone == "mobilenet_v2" and selection.chosen.input_size == SIZE
    report = selection.to_json()
    assert report["budget_seconds"] == 1e-6 and len(report["skipped"]) == 3  # 1.25x, two scales, flips
    assert all(s["predicted_seconds"] >= 0 and "budget" in s["reason"] for s in report["skipped"])
    assert sum(p.message.startswith("skipped") for p in seen) == 3
    with pytest.raises(ValidationError):
        BuildOptions(selection_seconds=0).validate()
