"""Calls into the services of the engine, guidance and sync issues, in one place (Qt-free).

These services are optional for the GUI: :func:`missing` names the feature that is unavailable so the
screen can say so clearly instead of showing invented data.
"""

from __future__ import annotations

from typing import Any

from station.domain.errors import StationError


class FeatureUnavailable(StationError):
    """A service the feature needs is not installed in this build of the station."""


def require(service: Any, feature: str) -> Any:
    if service is None:
        raise FeatureUnavailable(f"{feature} is not available in this station build")
    return service


def log_action(actions: Any, inspection_id: int, action_taken: str, action_result: str, notes: str | None,
               user_id: int | None) -> Any:
    service = require(actions, "action logging")
    return service.log_action(inspection_id=inspection_id, action_taken=action_taken,
                              action_result=action_result, notes=notes, action_by=user_id)


# Engine (issue 3) ------------------------------------------------------------------------
def review_threshold(config: Any) -> float:
    """The lower edge of the UNCERTAIN band stored with a product's model config."""
    value = (config.preprocessing or {}).get("uncertain_low")
    return float(value) if value is not None else round(config.image_threshold * 0.9, 3)


def _progress_adapter(ctx: Any) -> Any:
    def report(progress: Any) -> None:
        ctx.progress(getattr(progress, "fraction", 0.0), getattr(progress, "message", "") or "")
    return report


def inspect(inspection: Any, product_code: str, image: Any, inspector_id: int | None, *,
            serial: str | None = None) -> Any:
    service = require(inspection, "inspection (the engine)")
    return service.inspect(product_code, image, inspector_id)


def score_frame(inspection: Any, product_code: str, image: Any) -> Any:
    """An unrecorded inspection of ``image`` (for previews)."""
    service = require(inspection, "inspection (the engine)")
    return service.inspect(product_code, image, None, record=False)


def reevaluate(inspection: Any, outcome: Any, image_threshold: float, pixel_threshold: float,
               review: float) -> Any:
    service = require(inspection, "re-evaluation (the engine)")
    return service.reevaluate(outcome, image_threshold=image_threshold, pixel_threshold=pixel_threshold,
                              review_threshold=review)


def calibrate(inspection: Any, product_code: str, ctx: Any) -> Any:
    service = require(inspection, "calibration (the engine)")
    return service.calibrate(product_code, progress=_progress_adapter(ctx), cancel=ctx.token)


def build_bank(inspection: Any, product_code: str, user_id: int | None, ctx: Any) -> Any:
    service = require(inspection, "memory-bank build (the engine)")
    return service.build(product_code, user_id=user_id, progress=_progress_adapter(ctx), cancel=ctx.token)


def build_index(inspection: Any, product_code: str, user_id: int | None, ctx: Any) -> Any:
    service = require(inspection, "retrieval-index build (the engine)")
    return service.build_index(product_code, user_id=user_id, progress=_progress_adapter(ctx), cancel=ctx.token)


def reindex_manuals(manuals: Any, product_code: str, user_id: int | None, ctx: Any) -> Any:
    service = require(manuals, "manual indexing")
    return service.reindex(product_code, user_id=user_id)


def error_line(error: BaseException) -> str:
    return str(error) if isinstance(error, StationError) else f"{error.__class__.__name__}: {error}"


# Actions and feedback (issue 6) -------------------------------------------------------------
def save_feedback(actions: Any, inspection_id: int, user_id: int | None, rating: int, feedback_type: str,
                  text: str | None) -> Any:
    service = require(actions, "feedback")
    return service.add_feedback(inspection_id=inspection_id, user_id=user_id, rating=rating,
                                feedback_type=feedback_type, feedback_text=text)
