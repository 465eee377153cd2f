"""Calls into the services of the engine, guidance and sync issues, in one place (Qt-free).

These services are optional for the GUI: :func:`missing` names the feature that is unavailable so the
screen can say so clearly instead of showing invented data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station.domain.camera import IMAGE_SUFFIXES
from station.domain.errors import StationError, ValidationError

GOOD_FOLDERS = ("good", "normal", "ok", "pass")


class FeatureUnavailable(StationError):
    """A service the feature needs is not installed in this build of the station."""


def require(service: Any, feature: str) -> Any:
    if service is None:
        raise FeatureUnavailable(f"{feature} is not available in this station build")
    return service


def log_action(actions: Any, inspection_id: int, action_taken: str, action_result: str, notes: str | None,
               user_id: int | None) -> Any:
    service = require(actions, "action logging")
    return service.log_action(inspection_id, action_taken, action_result, by_user=user_id, notes=notes)


# Engine (issue 3) ------------------------------------------------------------------------
def _progress_adapter(ctx: Any) -> Any:
    def report(progress: Any) -> None:
        ctx.progress(getattr(progress, "fraction", 0.0), getattr(progress, "message", "") or "", check_cancel=False)
    return report


def engine_cancel(ctx: Any) -> Any:
    """The engine's cancel token, set when the job's token is (so its builds record ``cancelled``)."""
    from station.domain.engine import CancelledError, CancelToken

    class _Linked(CancelToken):
        @property
        def cancelled(self) -> bool:
            return ctx.token.cancelled

        def raise_if_cancelled(self) -> None:
            if ctx.token.cancelled:
                raise CancelledError("cancelled")

    return _Linked()


def inspect(inspection: Any, product_code: str, image: Any, inspector_id: int | None, *,
            serial: str | None = None) -> Any:
    """Inspects (and records) a BGR camera frame, with the serial read from it in the same transaction."""
    service = require(inspection, "inspection (the engine)")
    return service.inspect(product_code, image, inspector_id=inspector_id, source_name="camera", serial=serial)


def score_frame(inspection: Any, product_code: str, image: Any) -> Any:
    """An unrecorded inspection of ``image`` (for previews)."""
    service = require(inspection, "inspection (the engine)")
    return service.inspect(product_code, image, record=False, source_name="preview")


def reevaluate(inspection: Any, outcome: Any, image_threshold: float, pixel_threshold: float,
               review: float | None) -> Any:
    service = require(inspection, "re-evaluation (the engine)")
    return service.reevaluate(outcome, image_threshold=image_threshold, pixel_threshold=pixel_threshold,
                              review_threshold=review)


def calibration_images(folder: Path) -> tuple[list[Path], list[Path]]:
    """(good, defect) validation images of a folder: ``good/`` (or ``normal/``, ``ok/``) and every other
    sub-folder as defects; a folder without sub-folders is all good images."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"calibration folder not found: {folder}")

    def images(path: Path) -> list[Path]:
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)

    subdirs = [d for d in sorted(folder.iterdir()) if d.is_dir()]
    if not subdirs:
        return images(folder), []
    good = [p for d in subdirs if d.name.lower() in GOOD_FOLDERS for p in images(d)]
    defect = [p for d in subdirs if d.name.lower() not in GOOD_FOLDERS for p in images(d)]
    if not good:
        raise ValidationError(f"{folder} has no good/ folder with validation images")
    return good, defect


def calibrate(calibration: Any, product_code: str, folder: Path, ctx: Any) -> Any:
    service = require(calibration, "calibration (the engine)")
    good, defect = calibration_images(folder)
    return service.calibrate(product_code, good, defect, progress=_progress_adapter(ctx), cancel=engine_cancel(ctx))


def build_bank(builder: Any, product_code: str, user_id: int | None, ctx: Any) -> Any:
    service = require(builder, "memory-bank build (the engine)")
    return service.build(product_code, user_id=user_id, progress=_progress_adapter(ctx), cancel=engine_cancel(ctx))


def ingest_manuals(manuals: Any, product_code: str, paths: list[Any], user_id: int | None) -> Any:
    service = require(manuals, "manual indexing")
    return service.ingest(product_code, paths, user_id=user_id)


def error_line(error: BaseException) -> str:
    return str(error) if isinstance(error, StationError) else f"{error.__class__.__name__}: {error}"


# Actions and feedback (issue 6) -------------------------------------------------------------
def save_feedback(actions: Any, inspection_id: int, user_id: int | None, rating: int, feedback_type: str,
                  text: str | None) -> Any:
    service = require(actions, "feedback")
    return service.add_feedback(inspection_id, user_id, rating, text, feedback_type)


def awaiting_action(actions: Any, reports: Any, product: Any) -> list[Any]:
    """Defects without a resolved action (미조치 and 조치중), newest first."""
    if actions is not None:
        return actions.pending_defects(product.product_id if product else None)
    return reports.awaiting_action(product.code if product else None)
