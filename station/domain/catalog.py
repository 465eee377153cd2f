"""Product catalogue types and the parser of the original ``defect_mapping.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from station.domain.errors import ValidationError


@dataclass(frozen=True)
class DefectTypeSpec:
    code: str
    name_ko: str
    name_en: str | None = None
    full_name_ko: str | None = None
    severity_level: int = 3


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    defects: tuple[DefectTypeSpec, ...] = field(default_factory=tuple)
    description: str | None = None
    category: str | None = None


def parse_defect_mapping(data: dict[str, Any]) -> list[ProductSpec]:
    """Products and defect types from a ``defect_mapping.json`` document.

    Accepts the original layout ``{"products": {code: {"name_ko", "defects": {code: {"en", "ko"}}}}}``
    and the older flat layout: ``{code: {defect: {"en", "ko"}}}``.
    """
    if not isinstance(data, dict) or not data:
        raise ValidationError("defect mapping: expected a JSON object with products")
    products_raw = data.get("products", data)
    if not isinstance(products_raw, dict):
        raise ValidationError("defect mapping: 'products' must be an object")
    products: list[ProductSpec] = []
    for code, body in products_raw.items():
        if not isinstance(body, dict):
            raise ValidationError(f"defect mapping: product {code!r} must be an object")
        defects_raw = body.get("defects", body if "name_ko" not in body else {})
        name = body.get("name_ko") or f"제품 {code}"
        defects = []
        for defect_key, info in defects_raw.items():
            if not isinstance(info, dict) or not info.get("ko"):
                raise ValidationError(f"defect mapping: defect {code}/{defect_key} needs a 'ko' name")
            en = info.get("en") or defect_key
            defects.append(
                DefectTypeSpec(
                    code=en,
                    name_ko=info["ko"],
                    name_en=en,
                    full_name_ko=info.get("full_name_ko") or None,
                    severity_level=int(info.get("severity", 3)),
                )
            )
        products.append(ProductSpec(code=code, name=name, defects=tuple(defects)))
    return products


def load_defect_mapping(path: Path) -> list[ProductSpec]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError(f"defect mapping file not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(f"defect mapping {path} is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    return parse_defect_mapping(data)


@dataclass(frozen=True)
class DefectTypeInfo:
    defect_type_id: int
    code: str
    name_ko: str
    name_en: str | None
    full_name_ko: str | None
    severity_level: int


@dataclass(frozen=True)
class ProductInfo:
    product_id: int
    code: str
    name: str
    defect_types: tuple[DefectTypeInfo, ...] = ()

    def defect_by_code(self, code: str) -> DefectTypeInfo | None:
        return next((d for d in self.defect_types if d.code == code), None)


# The stored settings of a configuration: a save may name some of them and leave the others as stored.
THRESHOLD_FIELDS = ("image_threshold", "pixel_threshold", "review_threshold")
CONFIG_FIELDS = (*THRESHOLD_FIELDS, "preprocessing", "config_name", "view_code")


@dataclass(frozen=True)
class ModelConfigInfo:
    """The active anomaly-detection configuration of a product (``model_configs``)."""

    config_id: int | None
    product_id: int
    image_threshold: float = 0.85
    pixel_threshold: float = 0.90
    preprocessing: dict[str, Any] = field(default_factory=dict)
    config_name: str | None = None
    sync_uuid: str | None = None  # portable key of the row (the provenance of results judged with it)
    review_threshold: float | None = None  # lower edge of the UNCERTAIN band; None: the bank's calibrated one
    view_code: str | None = None  # a view's own configuration (migration 0014); None: the product's own

    @property
    def camera_source(self) -> str | None:
        """A view's camera (``preprocessing["camera"]``: a device index, URL or replay folder), if set."""
        value = self.preprocessing.get("camera")
        return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class ImageInfo:
    image_id: int
    product_id: int
    image_type: str
    defect_type_id: int | None
    file_name: str
    file_path: str
    width: int | None = None
    height: int | None = None
    view_code: str | None = None  # the view it shows (migration 0014); None: the product has no views
