"""The health watch: every recorded inspection's frame, score and verdict go through it; it keeps one set of
charts per product and view (``station.pipeline.health.detection``) and hands each alert to the sink.

Baselines come from the product's model files: the build learns them from the bank's good images and
publishes them with the bank (``station.services.engine.build``). For a product built before that, the
watch learns one the first time the product is inspected, from up to :data:`LAZY_IMAGES` of the product's
good library images (in the inspecting thread, never the GUI's) and says so in the baseline's
``learned_from``. PASS-score limits come from the first PASS parts. A baseline the watch completed itself
(learned from the library, or with PASS-score limits learned from parts) is kept by the store for the model
files it belongs to, so that a restart goes on with it instead of learning again; a new build or bank
version (the store's stamp changes) starts the watch of that product over.

Thread-safe: one lock per product and view (a bench and the line may inspect the same product at once).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np

from station.domain.enums import Verdict
from station.domain.health import HealthAlert, HealthBaseline
from station.pipeline.health.detection import HealthSettings, HealthState, learn_baseline
from station.services.health.ports import AlertSink, BaselineStore, GoodImages

log = logging.getLogger(__name__)

LAZY_IMAGES = 100  # good library images a baseline is learned from lazily

_UNSET = object()


@dataclass
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    stamp: object = _UNSET
    state: HealthState | None = None


class HealthWatch:
    """Watches the camera and the process of every product and view it is shown (see the module docstring)."""

    def __init__(self, store: BaselineStore, sink: AlertSink | None = None, goods: GoodImages | None = None,
                 settings: HealthSettings | None = None, *, station_code: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._store = store
        self._sink = sink
        self._goods = goods
        self.settings = settings or HealthSettings()
        self._station_code = station_code
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str | None], _Entry] = {}

    def connect(self, sink: AlertSink | None) -> None:
        """Where raised alerts go from now on (None: only on the inspection outcome)."""
        self._sink = sink

    def _entry(self, product_code: str, view: str | None) -> _Entry:
        with self._lock:
            return self._entries.setdefault((product_code, view), _Entry())

    # ------------------------------------------------------------------------------------------------
    def learn(self, product_code: str, view: str | None, good_frames: Sequence[np.ndarray],
              reference: np.ndarray | None = None, good_scores: Iterable[float] = (),
              learned_from: str = "calibration") -> HealthBaseline:
        """Learns the limits from good frames (and the normalised scores of held-out good images) and watches
        ``product_code``/``view`` against them from now on (in memory; the build publishes its baseline with
        the bank)."""
        baseline, ref = learn_baseline(product_code, view, good_frames, reference, good_scores, learned_from)
        entry = self._entry(product_code, view)
        with entry.lock:
            entry.state = HealthState(baseline, ref, self.settings)
            entry.stamp = self._store.stamp(product_code, view)
        return baseline

    def reset(self, product_code: str, view: str | None = None) -> None:
        """Forgets the charts of ``product_code``/``view``: the next part starts again from the published
        baseline (after a deliberate change at the station: a new lamp, a refocused camera and a rebuild)."""
        with self._lock:
            self._entries.pop((product_code, view), None)

    def baseline(self, product_code: str, view: str | None = None) -> HealthBaseline | None:
        """The baseline now watched against (None before the first part or without one)."""
        entry = self._entry(product_code, view)
        with entry.lock:
            return None if entry.state is None else entry.state.baseline

    def observe(self, product_code: str, view: str | None, frame: np.ndarray, score: float | None,
                verdict: Verdict | None) -> list[HealthAlert]:
        """One judged view of one part: ``frame`` as decoded (original size), its normalised score and verdict.
        Returns the alerts it raised (each also handed to the sink)."""
        entry = self._entry(product_code, view)
        with entry.lock:
            stamp = self._store.stamp(product_code, view)
            if entry.stamp is _UNSET or entry.stamp != stamp:
                entry.stamp = stamp  # a baseline that cannot be had is tried again only once the files change
                entry.state = None
                try:
                    entry.state = self._baseline_state(product_code, view, stamp)
                except Exception:  # noqa: BLE001 - the watch is advisory: the product goes unwatched
                    log.exception("no health baseline for %s: not watched", product_code)
            state = entry.state
            if state is None:
                return []
            warming = state.needs_scores
            alerts = state.observe(state.measure(frame), score, verdict)
            if warming and not state.needs_scores:  # the PASS-score limits were just learned: kept
                self._keep(state, stamp)
        if not alerts:
            return []
        now = self._clock()
        alerts = [replace(a, station_code=self._station_code, raised_at=now) for a in alerts]
        sink = self._sink
        for alert in alerts:
            log.warning("health alert on %s%s: %s", product_code, f"@{view}" if view else "", alert.message)
            if sink is not None:
                try:
                    sink.raised(alert)
                except Exception:  # noqa: BLE001 - the alert still goes out on the inspection's outcome
                    log.exception("health alert of %s not taken by its sink", product_code)
        return alerts

    def _keep(self, state: HealthState, stamp: object) -> None:
        try:
            self._store.keep(state.baseline, state.reference, stamp)
        except Exception:  # noqa: BLE001 - not kept: learned again after a restart
            log.exception("health baseline of %s not kept", state.baseline.product_code)

    def _baseline_state(self, product_code: str, view: str | None, stamp: object) -> HealthState | None:
        kept = self._store.kept(product_code, view, stamp)
        if kept is not None:
            return HealthState(kept[0], kept[1], self.settings)
        loaded = self._store.load(product_code, view)
        if loaded is not None:
            baseline, reference = loaded
            return HealthState(baseline, reference, self.settings)
        if self._goods is None:
            return None
        frames = self._goods.good_frames(product_code, view, LAZY_IMAGES)
        if not frames:
            log.info("no good images of %s to learn health limits from: not watched", product_code)
            return None
        baseline, reference = learn_baseline(
            product_code, view, frames, None, (),
            f"{len(frames)} good library images, learned at the first inspection (the bank was built without "
            f"health limits)")
        state = HealthState(baseline, reference, self.settings)
        self._keep(state, stamp)
        return state
