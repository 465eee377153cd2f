"""Threshold calibration of a product from validation images: good ones (required) and defective ones
(optional; ``station.pipeline.images.datasets.calibration_images`` splits a folder of them). Returns a
:class:`~station.domain.engine_reports.CalibrationReport` the GUI can plot, whose suggestion always has an
UNCERTAIN band of stated width (:func:`suggest_band`); ``apply`` saves the chosen thresholds (image and
review threshold, both in ``model_configs``) with a change-log row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from station.domain.engine import CancelToken, Progress, ProgressCallback, no_progress, review_threshold_of
from station.domain.engine_reports import CalibrationReport, RocCurve
from station.domain.errors import ValidationError
from station.pipeline.images.decode import ImageInput, decode_input
from station.pipeline.images.preprocessing import Preprocessing
from station.pipeline.patchcore import thresholds as cal
from station.pipeline.patchcore.thresholds import MIN_BAND_WIDTH
from station.pipeline.patchcore.analysis import analyse
from station.domain.views import bank_key
from station.services.engine.ports import ModelFiles
from station.services.engine.references import require_view
from station.services.engine.runtime import BankCache
from station.services.shared.ports import AuditTrail, CatalogReader

DEFAULT_TARGET_FAR = 0.01
DEFAULT_TARGET_RECALL = 0.99


def suggest_thresholds(good: np.ndarray, defect: np.ndarray, target_far: float,
                       target_recall: float = DEFAULT_TARGET_RECALL) -> tuple[float, float, float, float | None, float | None]:
    """(image threshold, review threshold, far threshold, f1 threshold, f1): the edges of
    :func:`suggest_band` with the false-alarm threshold and the F1 optimum (``None`` without defects)."""
    band = suggest_band(good, defect, target_far, target_recall)
    far_threshold = float(min(max(cal.threshold_for_far(good, target_far), 0.0), 1.0))
    f1_threshold, f1 = cal.best_f1(good, defect) if np.size(defect) else (None, None)
    return band.upper, band.lower, far_threshold, f1_threshold, f1


def suggest_band(good: np.ndarray, defect: np.ndarray, target_far: float,
                 target_recall: float = DEFAULT_TARGET_RECALL) -> cal.Band:
    """The suggested UNCERTAIN band: FAIL at or above ``upper``, UNCERTAIN from ``lower``.

    It always has a width of at least :data:`MIN_BAND_WIDTH`. Its edges are the good parts' high quantile
    (``1 - target_far``) and the defects' low quantile (``1 - target_recall``): classes apart, the band is
    the gap between them (a part there looks like neither); classes overlapping, the band is the overlap
    (a part there could be either) and a person decides. Without defects the band lies between the good
    parts' ``1 - 5 * target_far`` and ``1 - target_far`` quantiles."""
    return cal.uncertain_band(good, defect, target_far, target_recall, MIN_BAND_WIDTH)


class CalibrationService:
    def __init__(self, catalog: CatalogReader, files: ModelFiles, cache: BankCache,
                 audit: AuditTrail | None = None) -> None:
        self._catalog = catalog
        self._files = files
        self._cache = cache
        self._audit = audit

    def score(self, product_code: str, images: Sequence[ImageInput], progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None, stage: str = "calibrate", view: str | None = None) -> np.ndarray:
        """Normalised image scores of ``images`` against the product's bank, or its view ``view``'s (nothing
        is recorded)."""
        progress = progress or no_progress
        product = self._catalog.get_product(product_code)
        if view is not None:
            require_view(self._catalog, product, view)
        loaded = self._cache.get(bank_key(product_code, view))
        ignore = Preprocessing.from_config(
            self._catalog.get_model_config(product.product_id, view).preprocessing).ignore
        scores = []
        for done, image in enumerate(images, 1):
            if cancel:
                cancel.raise_if_cancelled()
            result = analyse(decode_input(image), loaded.bank, loaded.model, loaded.handle, ignore)
            scores.append(result.image_score)
            progress(Progress(stage, done, len(images), f"scoring {stage} images"))
        return np.array(scores, dtype=np.float64)

    def calibrate(self, product_code: str, good: Sequence[ImageInput], defect: Sequence[ImageInput] = (), *,
                  target_far: float = DEFAULT_TARGET_FAR, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None, view: str | None = None) -> CalibrationReport:
        """Scores the validation images of the product (or of its view ``view``: that view's pictures, its
        bank) and suggests thresholds for it."""
        if not good:
            raise ValidationError("calibration needs good validation images")
        good_scores = self.score(product_code, good, progress, cancel, "good", view)
        defect_scores = (self.score(product_code, defect, progress, cancel, "defect", view) if defect
                         else np.zeros(0))
        band = suggest_band(good_scores, defect_scores, target_far)
        image_t, review_t, far_t, f1_t, f1 = suggest_thresholds(good_scores, defect_scores, target_far)
        roc = auroc = None
        if defect_scores.size:
            curve = cal.roc_curve(good_scores, defect_scores)
            roc = RocCurve(tuple(map(float, curve.fpr)), tuple(map(float, curve.tpr)),
                           tuple(float(min(t, 1.0)) for t in curve.thresholds))
            auroc = cal.auroc(good_scores, defect_scores)
        edges, g_hist, d_hist = cal.histogram(good_scores, defect_scores)
        product = self._catalog.get_product(product_code)
        config = self._catalog.get_model_config(product.product_id, view)
        bank = self._cache.get(bank_key(product_code, view)).bank
        return CalibrationReport(
            product_code=product_code, n_good=int(good_scores.size), n_defect=int(defect_scores.size),
            good_scores=tuple(map(float, good_scores)), defect_scores=tuple(map(float, defect_scores)),
            auroc=auroc, roc=roc, f1_threshold=f1_t, f1=f1, target_far=target_far, far_threshold=far_t,
            suggested_image_threshold=image_t, suggested_review_threshold=review_t,
            current_image_threshold=config.image_threshold,
            current_review_threshold=review_threshold_of(config.review_threshold, bank.review_threshold,
                                                         config.image_threshold),
            histogram_edges=tuple(map(float, edges)), good_histogram=tuple(map(int, g_hist)),
            defect_histogram=tuple(map(int, d_hist)),
            band_rule=band.rule, band_widened=band.widened, min_band_width=band.min_width,
            band_good_edge=band.good_edge, band_defect_edge=band.defect_edge, target_recall=DEFAULT_TARGET_RECALL,
            view_code=view,
        )

    def apply(self, report: CalibrationReport, image_threshold: float | None = None,
              review_threshold: float | None = None, user_id: int | None = None) -> CalibrationReport:
        """Saves the image and review thresholds (both in ``model_configs``); by default the suggested ones.
        The change log records who (``user_id``; None: the station) and how many images the calibration
        rested on."""
        image_t = report.suggested_image_threshold if image_threshold is None else float(image_threshold)
        review_t = report.suggested_review_threshold if review_threshold is None else float(review_threshold)
        if not (0.0 <= review_t <= image_t <= 1.0):
            raise ValidationError("thresholds must satisfy 0 <= review <= image threshold <= 1")
        product = self._catalog.get_product(report.product_code)
        config = self._catalog.get_model_config(product.product_id, report.view_code)
        saved = self._catalog.save_model_config(replace(config, image_threshold=image_t, review_threshold=review_t),
                                                ("image_threshold", "review_threshold"))
        if self._audit is not None:
            where = {"config_id": saved.config_id, "product_code": report.product_code,
                     **({"view_code": report.view_code} if report.view_code else {})}
            self._audit.record("model_configs", "UPDATE" if config.config_id else "INSERT", user_id,
                               {**where, "image_threshold": config.image_threshold,
                                "review_threshold": config.review_threshold},
                               {**where, "image_threshold": image_t, "review_threshold": review_t,
                                "source": "calibration", "n_good": report.n_good, "n_defect": report.n_defect})
        return replace(report, current_image_threshold=image_t, current_review_threshold=review_t, applied=True)
