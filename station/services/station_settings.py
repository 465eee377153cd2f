"""Technician settings as use cases: camera, thresholds and preprocessing of a product.

Every change is validated first (out-of-range values raise :class:`ValidationError` with a message for
the technician) and then lands in ``audit_logs`` with who, when, the old and the new values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from station.domain.audit import AuditEntry, changed_fields
from station.domain.camera import CameraSpec
from station.domain.catalog import ModelConfigInfo
from station.domain.errors import ValidationError
from station.services.ports import AuditTrail, CameraSettingsStore, CatalogReader

CAMERA_AUDIT_TABLE = "station_camera"
MODEL_CONFIG_TABLE = "model_configs"


def validate_thresholds(image_threshold: float, pixel_threshold: float,
                        uncertain_low: float | None = None) -> None:
    """Thresholds are scores in [0, 1]; the uncertain band starts below the image threshold."""
    for name, value in (("image threshold", image_threshold), ("pixel threshold", pixel_threshold)):
        if not isinstance(value, (int, float)) or not 0.0 < float(value) < 1.0:
            raise ValidationError(f"{name} must be between 0 and 1 (exclusive), got {value}")
    if uncertain_low is not None:
        if not 0.0 < float(uncertain_low) <= float(image_threshold):
            raise ValidationError(
                f"the uncertain band must start above 0 and at most at the image threshold "
                f"({image_threshold:.3f}), got {uncertain_low}")


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


class StationSettingsService:
    def __init__(self, camera_store: CameraSettingsStore, catalog: CatalogReader, audit: AuditTrail) -> None:
        self._camera_store = camera_store
        self._catalog = catalog
        self._audit = audit

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

    def _save_config(self, old: ModelConfigInfo, new: ModelConfigInfo, user_id: int | None) -> ModelConfigInfo:
        saved = self._catalog.save_model_config(new)
        before, after = changed_fields(_config_dict(old), _config_dict(saved))
        if before or after:
            self._audit.record(MODEL_CONFIG_TABLE, "UPDATE" if old.config_id else "INSERT", user_id,
                               {"config_id": old.config_id, "product_id": old.product_id, **before},
                               {"config_id": saved.config_id, "product_id": saved.product_id, **after})
        return saved

    def update_thresholds(self, product_id: int, image_threshold: float, pixel_threshold: float,
                          user_id: int | None, uncertain_low: float | None = None) -> ModelConfigInfo:
        validate_thresholds(image_threshold, pixel_threshold, uncertain_low)
        old = self._catalog.get_model_config(product_id)
        preprocessing = dict(old.preprocessing)
        if uncertain_low is None:
            preprocessing.pop("uncertain_low", None)
        else:
            preprocessing["uncertain_low"] = round(float(uncertain_low), 6)
        new = replace(old, image_threshold=float(image_threshold), pixel_threshold=float(pixel_threshold),
                      preprocessing=preprocessing)
        return self._save_config(old, new, user_id)

    def update_preprocessing(self, product_id: int, changes: dict[str, Any], user_id: int | None,
                             validator: Any = None) -> ModelConfigInfo:
        """Merges ``changes`` into the product's preprocessing (a ``None`` value removes a key).

        ``validator`` (the engine's ``Preprocessing.from_config``) raises on bad values; the ROI and the
        ignore areas (pixels of the original image) are checked here in any case.
        """
        old = self._catalog.get_model_config(product_id)
        merged = {k: v for k, v in {**old.preprocessing, **changes}.items() if v is not None}
        if merged.get("roi") is not None:
            validate_rect(merged["roi"], "ROI")
        for area in merged.get("ignore") or []:
            validate_rect(area, "ignore area")
        if validator is not None:
            try:
                validator(merged)
            except ValidationError:
                raise
            except (ValueError, TypeError, KeyError) as exc:
                raise ValidationError(f"invalid preprocessing: {exc}") from exc
        return self._save_config(old, replace(old, preprocessing=merged), user_id)

    def audit_history(self, limit: int = 50) -> list[AuditEntry]:
        return self._audit.recent(limit=limit)


def _config_dict(config: ModelConfigInfo) -> dict[str, Any]:
    return {"image_threshold": config.image_threshold, "pixel_threshold": config.pixel_threshold,
            "preprocessing": config.preprocessing}
