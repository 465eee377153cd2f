"""Inspecting one part: score it against the product's memory bank, find regions, retrieve the nearest
good reference and the likely defect type, render and store the artifacts, record the result.

:class:`InspectionService` is Qt-free and thread-safe; the GUI calls it from a worker thread. Nothing is
recorded unless the whole inspection succeeded: bad input raises one
:class:`~station.pipeline.images.decode.ImageInputError` before anything is stored, and the database rows are
written in one transaction at the very end. (Artifact files are content-addressed, so a failure between
storing them and recording leaves at most unreferenced blobs, never half a record.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from station.domain.engine import (
    ArtifactKeys, InspectionOutcome, Progress, ProgressCallback, ReferenceMatch, no_progress, review_threshold_of,
)
from station.domain.enums import Verdict
from station.domain.errors import StationError, ValidationError, error_line
from station.domain.health import HealthAlert
from station.domain.inspection import InspectionRecord, TestImage
from station.domain.views import SEVERITY, PartOutcome, ViewResult, bank_key, worst_verdict
from station.pipeline.images import artifacts
from station.pipeline.images.decode import DecodedImage, ImageInput, decode_input
from station.pipeline.images.preprocessing import Preprocessing
from station.pipeline.patchcore.analysis import Analysis, analyse
from station.pipeline.patchcore.judge import judge
from station.pipeline.patchcore.scoring import check_threshold
from station.pipeline.retrieval.embeddings import defect_vector, global_vector
from station.services.engine.ports import HealthObserver, InspectionRecorder, ModelFiles, ModelProvider, RecordingSpace
from station.services.engine.reference_cache import ReferenceImages
from station.services.engine.references import require_view
from station.services.engine.runtime import BANK_FILE, BankCache, BankNotBuiltError, LoadedProduct
from station.services.shared.ports import CatalogReader, ObjectStore

_log = logging.getLogger(__name__)


class InspectionService:
    """Runs inspections against the products' memory banks (see the module docstring)."""

    def __init__(self, catalog: CatalogReader, recorder: InspectionRecorder, storage: ObjectStore,
                 models: ModelProvider, files: ModelFiles, cache: BankCache | None = None,
                 space: RecordingSpace | None = None, health: HealthObserver | None = None) -> None:
        self._catalog = catalog
        self._health = health  # sees every recorded judged view; its alerts go on the outcome
        self._space = space  # below its watermark nothing is recorded (checked before anything is computed)
        self._recorder = recorder
        self._storage = storage
        self._models = models
        self._files = files
        self.cache = cache or BankCache(files, models)
        self.references = ReferenceImages(storage)

    # ------------------------------------------------------------------------------------------------
    def warm_up(self, product_code: str, view: str | None = None) -> LoadedProduct:
        """Loads the product's bank (or its view ``view``'s) and model now and scores one blank frame (the
        backbone is traced for a single frame on first use: seconds), so that the first inspection is fast."""
        loaded = self.cache.get(bank_key(product_code, view))
        size = loaded.bank.input_size
        loaded.model.score([np.zeros((size, size, 3), np.uint8)], loaded.handle)
        return loaded

    def bank_info(self, product_code: str, view: str | None = None) -> dict | None:
        """Backbone, degraded flag, counts and creation time of the product's bank (or of its view
        ``view``'s); None if not built."""
        meta = self._files.meta(bank_key(product_code, view), BANK_FILE)
        if meta is None:
            return None
        return {"backbone": meta["backbone"], "degraded": meta["degraded"], "input_size": meta["input_size"],
                "review_threshold": meta.get("review_threshold"), **(meta.get("info") or {})}

    def inspect(self, product_code: str, image: ImageInput, *, inspector_id: int | None = None,
                progress: ProgressCallback | None = None, record: bool = True,
                source_name: str | None = None, serial: str | None = None,
                view: str | None = None) -> InspectionOutcome:
        """Inspects one image of ``product_code`` and (by default) records it. ``view``: judge it as a picture
        of that view (its bank and thresholds), unrecorded only (a part of several views is recorded whole,
        :meth:`inspect_part`).

        ``image``: a uint8 grey/BGR (or BGRA) numpy array such as a camera frame, a file path, or encoded
        bytes. ``progress`` receives a few ``Progress("inspect", done, total)`` reports. Returns the
        :class:`InspectionOutcome`; with ``record=False`` nothing is stored (no artifacts, no rows).
        ``serial`` (read from the part) is stored with the test image's metadata in the same transaction.
        Raises :class:`~station.pipeline.images.decode.ImageInputError` for unusable input, NotFoundError for an
        unknown product, BankNotBuiltError when the product has no bank yet, RecordingPausedError (before
        anything is computed or written) while the disk's free space is below the watermark, DiskFullError
        when the disk fills while the artifacts or rows are written (nothing of the inspection is recorded).
        A recorded inspection is also shown to the health watch (when one is given); its alerts are in
        ``health_alerts``.
        """
        if record and view is not None:
            raise ValidationError("one view's picture is judged unrecorded: a part of several views is recorded "
                                  "whole")
        if record and self._space is not None:
            self._space.require_space()
        progress = progress or no_progress
        started = time.perf_counter()
        timings: dict[str, float] = {}

        def lap(name: str, since: float) -> float:
            now = time.perf_counter()
            timings[name] = (now - since) * 1000.0
            return now

        steps = 6
        decoded = decode_input(image, source_name)
        source_name = source_name or decoded.name
        product = self._catalog.get_product(product_code)
        if view is not None:
            require_view(self._catalog, product, view)
        config = self._catalog.get_model_config(product.product_id, view)
        t = lap("decode", started)
        try:
            outcome, embedding = self._judge(product, config, decoded, source_name, lap, t, progress, steps)
        except BankNotBuiltError:
            views = self._catalog.list_views(product.product_id)
            if views:  # a product of several views is inspected one part, one image per view
                raise ValidationError(
                    f"product {product_code!r} is inspected from its views "
                    f"({', '.join(c.view_code or '' for c in views)}): give one image per view") from None
            raise
        if record:
            outcome = replace(outcome, health_alerts=self._watch(outcome))
        t = time.perf_counter()
        if not record:
            timings["total"] = (time.perf_counter() - started) * 1000.0
            return replace(outcome, timings_ms=timings)
        progress(Progress("inspect", 4, steps, "rendering artifacts"))
        keys = self._store_artifacts(outcome, decoded)
        t = lap("artifacts", t)
        progress(Progress("inspect", 5, steps, "recording"))
        timings["total"] = (time.perf_counter() - started) * 1000.0
        recorded = self._recorder.record(self._record_of(
            outcome, keys, decoded, embedding, inspector_id=inspector_id, serial=serial,
            processing_time=timings["total"] / 1000.0))
        lap("record", t)
        timings["total"] = (time.perf_counter() - started) * 1000.0
        progress(Progress("inspect", steps, steps, "done"))
        return replace(outcome, artifacts=keys, timings_ms=timings, inspection_code=recorded.inspection_code,
                       inspection_id=recorded.inspection_id, result_id=recorded.result_id,
                       test_image_id=recorded.test_image_id)

    @staticmethod
    def _record_of(outcome: InspectionOutcome, keys: ArtifactKeys, decoded: DecodedImage, embedding: np.ndarray, *,
                   inspector_id: int | None, serial: str | None, processing_time: float,
                   view_results: list[dict] | None = None) -> InspectionRecord:
        reference, defect = outcome.reference, outcome.defect
        return InspectionRecord(
            product_id=outcome.product_id,
            image=TestImage(file_name=outcome.source_name or decoded.name, file_path=keys.test_image or "",
                            file_size=len(decoded.data), width=decoded.width, height=decoded.height,
                            format=decoded.format, preprocessing_applied=outcome.preprocessing_applied,
                            embedding=embedding.tobytes(),
                            exif_data={"serial": serial[:200]} if serial else None, quality_score=None),
            defect_detected=outcome.defect_detected, anomaly_score=outcome.image_score, inspector_id=inspector_id,
            reference_image_id=None if reference is None else reference.image_id,
            defect_type_id=None if defect is None else defect.defect_type_id,
            confidence_score=outcome.confidence_score, similarity_score=outcome.similarity_score,
            heatmap_path=keys.heatmap, mask_path=keys.mask, overlay_path=keys.overlay,
            comparison_path=keys.comparison, detected_regions=[r.to_json() for r in outcome.regions],
            processing_time=processing_time, verdict=outcome.verdict.value,
            image_threshold=outcome.image_threshold, pixel_threshold=outcome.pixel_threshold,
            review_threshold=outcome.review_threshold, provenance=outcome.provenance,
            view_code=outcome.view_code if view_results is not None else None, view_results=view_results,
        )

    # Several views ------------------------------------------------------------------------------------
    def views(self, product_code: str) -> list[str]:
        """The product's view codes in their order; empty for a product with one implicit view."""
        product = self._catalog.get_product(product_code)
        return [c.view_code for c in self._catalog.list_views(product.product_id) if c.view_code]

    def inspect_part(self, product_code: str, frames: Mapping[str, ImageInput | None], *,
                     skews_ms: Mapping[str, float | None] | None = None, errors: Mapping[str, str] | None = None,
                     inspector_id: int | None = None, progress: ProgressCallback | None = None,
                     record: bool = True, source_name: str | None = None,
                     serial: str | None = None) -> PartOutcome:
        """Inspects one part seen by every view of ``product_code`` (``frames``: view code -> image, as
        captured by one trigger; ``skews_ms``: each capture's time after the first; ``errors``: why a view
        has no frame). Each view is judged against its own bank and thresholds; the part's verdict is the
        worst of its views (``station.domain.views.worst_verdict``) and one inspection is recorded: its
        result is the deciding view's, with every view's result in ``view_results`` and each view's
        artifacts stored. A view without a frame, or whose inspection fails, makes the part an error: the
        other views are still judged (shown with their verdicts), nothing is recorded and the part is never
        passed (``PartOutcome.error``). Raises ValidationError for a product without views."""
        progress = progress or no_progress
        product = self._catalog.get_product(product_code)
        configs = self._catalog.list_views(product.product_id)
        if not configs:
            raise ValidationError(f"product {product_code!r} defines no views: inspect it with one image")
        if record and self._space is not None:
            self._space.require_space()
        skews, errors = dict(skews_ms or {}), dict(errors or {})
        started = time.perf_counter()
        judged: dict[str, tuple[InspectionOutcome, np.ndarray, DecodedImage]] = {}
        problems: dict[str, str] = {}
        for n, config in enumerate(configs):
            view = config.view_code or ""
            image = frames.get(view)
            if image is None:
                problems[view] = errors.get(view) or f"view {view}: no frame"
                continue
            timings: dict[str, float] = {}

            def lap(name: str, since: float, timings: dict[str, float] = timings) -> float:
                now = time.perf_counter()
                timings[name] = (now - since) * 1000.0
                return now

            try:
                t0 = time.perf_counter()
                decoded = decode_input(image, f"{source_name or 'part'}-{view}.png")
                outcome, embedding = self._judge(product, config, decoded, decoded.name, lap, t0, no_progress, 1)
            except BankNotBuiltError:
                problems[view] = (f"view {view}: no memory bank yet: run `station build --product {product.code} "
                                  f"--view {view}`")
                continue
            except StationError as exc:
                problems[view] = f"view {view}: {error_line(exc)}"
                continue
            timings["total"] = (time.perf_counter() - t0) * 1000.0
            alerts = self._watch(outcome) if record else ()
            judged[view] = (replace(outcome, timings_ms=timings, health_alerts=alerts), embedding, decoded)
            progress(Progress("inspect", n + 1, len(configs) + 1, f"view {view} judged"))
        order = [c.view_code or "" for c in configs]
        error = "; ".join(problems[v] for v in order if v in problems) or None
        verdict = None if error else worst_verdict(judged[v][0].verdict for v in order)
        decider = None if error else max(order, key=lambda v: (SEVERITY[judged[v][0].verdict],
                                                             judged[v][0].image_score))
        keys: dict[str, ArtifactKeys] = {}
        if record and error is None:
            keys = {v: self._store_artifacts(judged[v][0], judged[v][2]) for v in order}
        results = tuple(_view_result(v, judged.get(v), keys.get(v), skews.get(v), problems.get(v)) for v in order)
        outcomes = tuple(replace(judged[v][0], artifacts=keys.get(v, ArtifactKeys())) for v in order if v in judged)
        alerts = tuple(a for o in outcomes for a in o.health_alerts)
        total_ms = (time.perf_counter() - started) * 1000.0
        if decider is None:
            return PartOutcome(product.code, None, results, outcomes, None, error, total_ms, health_alerts=alerts)
        outcome = replace(outcomes[order.index(decider)], verdict=verdict, view_code=decider, views=results,
                          view_outcomes=outcomes, timings_ms={"total": total_ms}, health_alerts=alerts)
        if record:
            base, embedding, decoded = judged[decider]
            recorded = self._recorder.record(self._record_of(
                outcome, keys[decider], decoded, embedding, inspector_id=inspector_id, serial=serial,
                processing_time=total_ms / 1000.0, view_results=[r.to_json() for r in results]))
            outcome = replace(outcome, inspection_code=recorded.inspection_code,
                              inspection_id=recorded.inspection_id, result_id=recorded.result_id,
                              test_image_id=recorded.test_image_id)
        progress(Progress("inspect", len(configs) + 1, len(configs) + 1, "done"))
        return PartOutcome(product.code, verdict, results, outcomes, outcome, None, total_ms, health_alerts=alerts)

    def _watch(self, outcome: InspectionOutcome) -> tuple[HealthAlert, ...]:
        """The health watch's alerts for one judged view (none without a watch). A failing watch never stops
        an inspection: it is logged and the part goes on without alerts."""
        if self._health is None:
            return ()
        try:
            return tuple(self._health.observe(outcome.product_code, outcome.view_code, outcome.image,
                                              float(outcome.image_score), outcome.verdict))
        except Exception:  # noqa: BLE001 - the watch is advisory; the inspection's own result stands
            _log.exception("health watch failed on %s", outcome.product_code)
            return ()

    def _judge(self, product, config, decoded: DecodedImage, source_name: str | None,  # type: ignore[no-untyped-def]
               lap, t: float, progress: ProgressCallback, steps: int,
               ) -> tuple[InspectionOutcome, np.ndarray]:
        """One image scored against the bank of ``config``'s view (the product's own without a view code) and
        judged with that configuration's thresholds (nothing stored)."""
        ignore = Preprocessing.from_config(config.preprocessing).ignore
        progress(Progress("inspect", 1, steps, "loading the memory bank"))
        loaded = self.cache.get(bank_key(product.code, config.view_code))
        t = lap("load", t)
        progress(Progress("inspect", 2, steps, "scoring"))
        result = analyse(decoded, loaded.bank, loaded.model, loaded.handle, ignore)
        t = lap("score", t)
        image_threshold = check_threshold("image_threshold", config.image_threshold)
        pixel_threshold = check_threshold("pixel_threshold", config.pixel_threshold)
        review_threshold = review_threshold_of(config.review_threshold, loaded.bank.review_threshold, image_threshold)
        judged = judge(result.image_score, result.anomaly_map, image_threshold, pixel_threshold, review_threshold)
        verdict, mask, regions = judged.verdict, judged.mask, judged.regions
        t = lap("regions", t)
        progress(Progress("inspect", 3, steps, "retrieving references"))
        reference, candidate, method, embedding = self._retrieve(loaded, result, product)
        defect = candidate if verdict is not Verdict.PASS else None
        lap("retrieval", t)
        bank = loaded.bank
        return InspectionOutcome(
            product_code=product.code, product_id=product.product_id, verdict=verdict,
            image_score=result.image_score, raw_image_score=result.raw.image_score,
            image_threshold=image_threshold, pixel_threshold=pixel_threshold, review_threshold=review_threshold,
            image=decoded.pixels, anomaly_map=result.anomaly_map, mask=mask, regions=regions,
            reference=reference, defect=defect,
            similarity_score=None if reference is None else reference.similarity,
            confidence_score=None if defect is None else defect.confidence,
            retrieval_method=method, backbone=bank.backbone, degraded=bank.degraded,
            degraded_reason=loaded.model.degraded_reason if bank.degraded else None,
            device=loaded.model.device_name, preprocessing_applied=result.prepared.applied,
            source_name=source_name, defect_candidate=candidate, view_code=config.view_code,
            provenance={"backbone": bank.backbone, "bank_sha256": loaded.bank_sha256,
                        "model_config_id": config.sync_uuid, "manual_id": None, "manual_version": None,
                        "guide_model": None},
        ), embedding


    def _retrieve(self, loaded: LoadedProduct, result: Analysis, product):  # type: ignore[no-untyped-def]
        index = loaded.index
        clip = self._models.clip_embedder() if index is not None and index.method.startswith("open_clip") else None
        if clip is None and index is not None and index.method.startswith("open_clip"):
            index = None  # CLIP vectors, and no CLIP here (the lean CPU package has no open_clip): no retrieval
        image = result.prepared.pixels
        embedding = global_vector(clip, image, result.raw)
        if index is None:
            return None, None, None, embedding
        ref = index.nearest_reference(embedding)
        reference = None if ref is None else ReferenceMatch(image_id=ref[0], file_path=ref[1], similarity=ref[2],
                                                            spread=index.reference_spread(embedding))
        names = {d.defect_type_id: d.name_en or d.code for d in product.defect_types}
        candidate = index.vote(defect_vector(clip, image, result.raw), names)
        return reference, candidate, index.method, embedding

    def _store_artifacts(self, outcome: InspectionOutcome, decoded: DecodedImage) -> ArtifactKeys:
        reference_pixels = self.reference_pixels(outcome)
        heat = artifacts.heatmap(outcome.anomaly_map)
        over = artifacts.overlay(outcome.image, outcome.anomaly_map, outcome.mask, outcome.regions)
        comp = artifacts.comparison(outcome.image, reference_pixels, over)
        put = self._storage.put_bytes
        return ArtifactKeys(
            test_image=put(decoded.data, kind="test_images", suffix="." + decoded.format.replace("jpeg", "jpg")),
            heatmap=put(artifacts.encode_png(heat), kind="heatmaps", suffix=".png"),
            mask=put(artifacts.encode_png(artifacts.mask_image(outcome.mask)), kind="masks", suffix=".png"),
            overlay=put(artifacts.encode_png(over), kind="overlays", suffix=".png"),
            comparison=put(artifacts.encode_png(comp), kind="comparisons", suffix=".png"),
        )

    def reference_pixels(self, outcome: InspectionOutcome) -> np.ndarray | None:
        """The decoded nearest good reference of ``outcome`` (read from storage once, then cached)."""
        return None if outcome.reference is None else self.references.get(outcome.reference.file_path)

    # ------------------------------------------------------------------------------------------------
    def reevaluate(self, outcome: InspectionOutcome, image_threshold: float | None = None,
                   pixel_threshold: float | None = None, review_threshold: float | None = None) -> InspectionOutcome:
        """The same inspection judged with other thresholds: verdict, mask and regions are recomputed from
        the stored anomaly map (no feature extraction, nothing recorded). Threshold-dependent artifact keys
        (mask, overlay) are cleared; the defect-type vote is shown whenever the new verdict is not PASS."""
        image_threshold = check_threshold("image_threshold", outcome.image_threshold if image_threshold is None
                                          else image_threshold)
        pixel_threshold = check_threshold("pixel_threshold", outcome.pixel_threshold if pixel_threshold is None
                                          else pixel_threshold)
        review = outcome.review_threshold if review_threshold is None else check_threshold("review_threshold",
                                                                                         review_threshold)
        review = min(review, image_threshold)
        judged = judge(outcome.image_score, outcome.anomaly_map, image_threshold, pixel_threshold, review)
        keys = replace(outcome.artifacts, mask=None, overlay=None)
        defect = outcome.defect_candidate if judged.verdict is not Verdict.PASS else None
        return replace(outcome, verdict=judged.verdict, image_threshold=image_threshold,
                       pixel_threshold=pixel_threshold, review_threshold=review, mask=judged.mask,
                       regions=judged.regions, artifacts=keys, defect=defect,
                       confidence_score=None if defect is None else defect.confidence, reevaluated=True)


def _view_result(view: str, judged, keys: ArtifactKeys | None, skew_ms: float | None,  # type: ignore[no-untyped-def]
                 error: str | None) -> ViewResult:
    skew = None if skew_ms is None else round(float(skew_ms), 2)
    if judged is None:
        return ViewResult(view=view, verdict=None, skew_ms=skew, error=error)
    outcome = judged[0]
    artifacts_of = {} if keys is None else {k: v for k, v in (
        ("test_image", keys.test_image), ("heatmap", keys.heatmap), ("mask", keys.mask),
        ("overlay", keys.overlay), ("comparison", keys.comparison)) if v}
    reference = outcome.reference  # the view's own nearest good reference (its bank's retrieval index)
    if reference is not None:
        artifacts_of["reference"] = reference.file_path
    defect = outcome.defect
    return ViewResult(
        view=view, verdict=outcome.verdict.value, anomaly_score=round(float(outcome.image_score), 6),
        defect_type=None if defect is None else defect.defect_code,
        defect_type_id=None if defect is None else defect.defect_type_id, regions_count=len(outcome.regions),
        skew_ms=skew, error=error, image_threshold=outcome.image_threshold,
        pixel_threshold=outcome.pixel_threshold, review_threshold=outcome.review_threshold,
        regions=[r.to_json() for r in outcome.regions], artifacts=artifacts_of, provenance=dict(outcome.provenance),
        reference_similarity=None if reference is None else round(float(reference.similarity), 6))
