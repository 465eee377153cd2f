"""Technician settings as use cases: camera, thresholds and preprocessing of a product.

Every change is validated first (out-of-range values raise :class:`ValidationError` with a message for
the technician) and then lands in ``audit_logs`` with who, when, the old and the new values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from station.domain.audit import AuditEntry, changed_fields
from station.domain.camera import CameraSpec
from station.domain.catalog import THRESHOLD_FIELDS, ModelConfigInfo
from station.domain.engine import review_threshold_of
from station.domain.errors import ValidationError
from station.domain.views import bank_key, validate_view_code
from station.services.shared.ports import AuditTrail, CameraSettingsStore, CatalogReader
from station.services.engine.ports import ReviewThresholdStore
from station.services.engine.references import require_view

CAMERA_AUDIT_TABLE = "station_camera"
MODEL_CONFIG_TABLE = "model_configs"


def validate_thresholds(image_threshold: float, pixel_threshold: float,
                        review_threshold: float | None = None) -> None:
    """Thresholds are scores in (0, 1); the UNCERTAIN band starts at or below the image threshold."""
    for name, value in (("image threshold", image_threshold), ("pixel threshold", pixel_threshold)):
        if not isinstance(value, (int, float)) or not 0.0 < float(value) < 1.0:
            raise ValidationError(f"{name} must be between 0 and 1 (exclusive), got {value}")
    if review_threshold is not None:
        if not 0.0 < float(review_threshold) <= float(image_threshold):
            raise ValidationError(
                f"the review (UNCERTAIN) threshold must be above 0 and at most the image threshold "
                f"({image_threshold:.3f}), got {review_threshold}")


def validate_rect(rect: Any, what: str) -> None:
    """A rectangle is [x, y, width, height] in pixels of the original image, at least 8 px each way."""
    if not isinstance(rect, (list, tuple)) or len(rect) != 4:
        raise ValidationError(f"{what} must be [x, y, width, height] in pixels")
    try:
        x, y, w, h = (int(v) for v in rect)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must hold 4 integers, got {rect!r}") from None
    if x < 0 or y < 0 or w < 8 or h < 8:
        raise ValidationError(f"{what} must start inside the image and be at least 8 px wide and high, got {rect}")


@dataclass(frozen=True)
class Thresholds:
    image_threshold: float
    pixel_threshold: float
    review_threshold: float | None  # lower edge of the UNCERTAIN band (None: no bank and none configured)


class StationSettingsService:
    def __init__(self, camera_store: CameraSettingsStore, catalog: CatalogReader, audit: AuditTrail,
                 review: ReviewThresholdStore | None = None) -> None:
        self._camera_store = camera_store
        self._catalog = catalog
        self._audit = audit
        self._review = review

    # Camera ---------------------------------------------------------------------------
    def camera(self) -> CameraSpec:
        return self._camera_store.load()

    def update_camera(self, spec: CameraSpec, user_id: int | None) -> CameraSpec:
        spec = spec.validated()
        old = self._camera_store.load()
        if old == spec:
            return spec
        self._camera_store.save(spec)
        before, after = changed_fields(old.to_dict(), spec.to_dict())
        self._audit.record(CAMERA_AUDIT_TABLE, "UPDATE", user_id, before, after)
        return spec

    # Product model configuration --------------------------------------------------------
    def model_config(self, product_id: int) -> ModelConfigInfo:
        return self._catalog.get_model_config(product_id)

    def _save_config(self, old: ModelConfigInfo, new: ModelConfigInfo, user_id: int | None,
                     fields: tuple[str, ...] | None = None) -> ModelConfigInfo:
        saved = self._catalog.save_model_config(new, fields)
        before, after = changed_fields(_config_dict(old, fields), _config_dict(saved, fields))
        if before or after:
            self._audit.record(MODEL_CONFIG_TABLE, "UPDATE" if old.config_id else "INSERT", user_id,
                               {"config_id": old.config_id, "product_id": old.product_id, **before},
                               {"config_id": saved.config_id, "product_id": saved.product_id, **after})
        return saved

    def thresholds(self, product_code: str, view: str | None = None) -> Thresholds:
        """The thresholds the product (or its view ``view``) is judged with, all from ``model_configs``; the
        review threshold falls back to the bank's calibrated default while none is configured (None: no bank
        either)."""
        product = self._catalog.get_product(product_code)
        if view is not None:
            require_view(self._catalog, product, view)
        return self._judged_with(product_code, self._catalog.get_model_config(product.product_id, view))

    def _judged_with(self, product_code: str, config: ModelConfigInfo) -> Thresholds:
        key = bank_key(product_code, config.view_code)
        default = self._review.get(key) if self._review is not None else None
        if config.review_threshold is None and default is None:
            return Thresholds(config.image_threshold, config.pixel_threshold, None)
        review = review_threshold_of(config.review_threshold, default if default is not None else 1.0,
                                     config.image_threshold)
        return Thresholds(config.image_threshold, config.pixel_threshold, review)

    def update_thresholds(self, product_code: str, image_threshold: float, pixel_threshold: float,
                          user_id: int | None, review_threshold: float | None = None,
                          view: str | None = None) -> Thresholds:
        """Saves the thresholds in the product's ``model_configs`` row, or its view ``view``'s
        (``review_threshold`` None keeps the configured one); one audit row with every change."""
        validate_thresholds(image_threshold, pixel_threshold, review_threshold)
        product = self._catalog.get_product(product_code)
        if view is not None:
            require_view(self._catalog, product, view)
        old = self._catalog.get_model_config(product.product_id, view)
        old_review = self._judged_with(product_code, old).review_threshold
        review = old.review_threshold if review_threshold is None else float(review_threshold)
        saved = self._catalog.save_model_config(replace(old, image_threshold=float(image_threshold),
                                                        pixel_threshold=float(pixel_threshold),
                                                        review_threshold=review), THRESHOLD_FIELDS)
        new_review = self._judged_with(product_code, saved).review_threshold
        before, after = changed_fields({**_config_dict(old), "review_threshold": old_review},
                                       {**_config_dict(saved), "review_threshold": new_review})
        if before or after:
            self._audit.record(MODEL_CONFIG_TABLE, "UPDATE" if old.config_id else "INSERT", user_id,
                               {"config_id": old.config_id, "product_code": product_code, **before},
                               {"config_id": saved.config_id, "product_code": product_code, **after})
        return Thresholds(saved.image_threshold, saved.pixel_threshold, new_review)

    def update_preprocessing(self, product_id: int, changes: dict[str, Any], user_id: int | None,
                             validator: Any = None, view: str | None = None) -> ModelConfigInfo:
        """Merges ``changes`` into the product's preprocessing, or its view ``view``'s (a ``None`` value
        removes a key).

        ``validator`` (the engine's ``Preprocessing.from_config``) raises on bad values; the ROI and the
        ignore areas (pixels of the original image) are checked here in any case.
        """
        old = self._catalog.get_model_config(product_id, view)
        merged = {k: v for k, v in {**old.preprocessing, **changes}.items() if v is not None}
        _check_preprocessing(merged, validator)
        return self._save_config(old, replace(old, preprocessing=merged), user_id, ("preprocessing",))

    # Views of a product -------------------------------------------------------------------
    def views(self, product_code: str) -> list[ModelConfigInfo]:
        """The product's views in their order (empty: one implicit view)."""
        return self._catalog.list_views(self._catalog.get_product(product_code).product_id)

    def define_view(self, product_code: str, view: str, user_id: int | None, *, camera: str | None = None,
                    preprocessing: dict[str, Any] | None = None, image_threshold: float | None = None,
                    pixel_threshold: float | None = None, review_threshold: float | None = None,
                    name: str | None = None, validator: Any = None) -> ModelConfigInfo:
        """Adds the view ``view`` to the product, or changes it: its camera source (``preprocessing
        ["camera"]``), preprocessing/ROI and thresholds (a new view starts from the product's own
        configuration). Audited like every configuration change."""
        validate_view_code(view)
        product = self._catalog.get_product(product_code)
        old = self._catalog.get_model_config(product.product_id, view)
        base = old if old.config_id else replace(self._catalog.get_model_config(product.product_id),
                                                 config_id=None, sync_uuid=None, view_code=view)
        merged = {**base.preprocessing, **(preprocessing or {})}
        if camera is not None:
            merged["camera"] = str(camera)
        merged = {k: v for k, v in merged.items() if v is not None}
        _check_preprocessing(merged, validator)
        image = base.image_threshold if image_threshold is None else float(image_threshold)
        pixel = base.pixel_threshold if pixel_threshold is None else float(pixel_threshold)
        review = base.review_threshold if review_threshold is None else float(review_threshold)
        validate_thresholds(image, pixel, review)
        new = replace(base, preprocessing=merged, image_threshold=image, pixel_threshold=pixel,
                      review_threshold=review, view_code=view,
                      config_name=name or (old.config_name if old.config_id else None) or view)
        saved = self._catalog.save_model_config(new)
        before, after = changed_fields(_config_dict(old) if old.config_id else {}, _config_dict(saved))
        self._audit.record(MODEL_CONFIG_TABLE, "UPDATE" if old.config_id else "INSERT", user_id,
                           {"config_id": old.config_id, "product_code": product_code, "view_code": view, **before},
                           {"config_id": saved.config_id, "product_code": product_code, "view_code": view, **after})
        return saved

    def audit_history(self, limit: int = 50) -> list[AuditEntry]:
        return self._audit.recent(limit=limit)


def _config_dict(config: ModelConfigInfo, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The audited settings of ``config`` (only ``fields`` when given)."""
    values = {"image_threshold": config.image_threshold, "pixel_threshold": config.pixel_threshold,
              "preprocessing": config.preprocessing, "review_threshold": config.review_threshold}
    return values if fields is None else {k: v for k, v in values.items() if k in fields}


def _check_preprocessing(preprocessing: dict[str, Any], validator: Any) -> None:
    """The ROI and ignore areas (pixels of the original image), then ``validator`` (the engine's
    ``Preprocessing.from_config``) when given: one ValidationError for a bad value."""
    if preprocessing.get("roi") is not None:
        validate_rect(preprocessing["roi"], "ROI")
    for area in preprocessing.get("ignore") or []:
        validate_rect(area, "ignore area")
    if validator is not None:
        try:
            validator(preprocessing)
        except ValidationError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError(f"invalid preprocessing: {exc}") from exc
