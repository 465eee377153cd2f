"""SQL implementation of the catalogue ports: products, defect types, model configs, images."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timezone

from sqlalchemy import Select, func, select

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, Image, ModelConfig, Product
from station.domain.catalog import (
    CONFIG_FIELDS, DefectTypeInfo, ImageInfo, ModelConfigInfo, ProductInfo, ProductSpec,
)
from station.domain.enums import ImageType, ModelType
from station.domain.errors import NotFoundError, ValidationError


class SqlCatalogRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert_products(self, products: list[ProductSpec]) -> dict[str, int]:
        counts = {"products_created": 0, "products_updated": 0, "defect_types_created": 0,
                  "defect_types_updated": 0}
        with self._db.session() as session:
            for spec in products:
                product = session.scalar(select(Product).where(Product.product_code == spec.code))
                if product is None:
                    product = Product(product_code=spec.code, product_name=spec.name,
                                      description=spec.description, category=spec.category)
                    session.add(product)
                    session.flush()
                    counts["products_created"] += 1
                elif product.product_name != spec.name:
                    product.product_name = spec.name
                    product.updated_at = func.current_timestamp()
                    counts["products_updated"] += 1
                existing = {
                    d.defect_code: d
                    for d in session.scalars(select(DefectType).where(DefectType.product_id == product.product_id))
                }
                for defect in spec.defects:
                    row = existing.get(defect.code)
                    if row is None:
                        session.add(DefectType(
                            product_id=product.product_id, defect_code=defect.code,
                            defect_name_ko=defect.name_ko, defect_name_en=defect.name_en,
                            full_name_ko=defect.full_name_ko, severity_level=defect.severity_level,
                        ))
                        counts["defect_types_created"] += 1
                    elif (row.defect_name_ko, row.defect_name_en) != (defect.name_ko, defect.name_en):
                        row.defect_name_ko = defect.name_ko
                        row.defect_name_en = defect.name_en
                        row.updated_at = func.current_timestamp()
                        counts["defect_types_updated"] += 1
        return counts

    # Reader -------------------------------------------------------------------------
    def _product_info(self, session, product: Product) -> ProductInfo:  # type: ignore[no-untyped-def]
        defects = session.scalars(
            select(DefectType).where(DefectType.product_id == product.product_id, DefectType.is_active.is_(True))
            .order_by(DefectType.defect_type_id)
        )
        return ProductInfo(
            product_id=product.product_id, code=product.product_code, name=product.product_name,
            defect_types=tuple(
                DefectTypeInfo(d.defect_type_id, d.defect_code, d.defect_name_ko, d.defect_name_en,
                               d.full_name_ko, d.severity_level or 3)
                for d in defects
            ),
        )

    def get_product(self, code: str) -> ProductInfo:
        with self._db.session() as session:
            product = session.scalar(select(Product).where(Product.product_code == code, Product.is_active.is_(True)))
            if product is None:
                raise NotFoundError(f"no active product with code {code!r}")
            return self._product_info(session, product)

    def list_products(self) -> list[ProductInfo]:
        with self._db.session() as session:
            products = session.scalars(
                select(Product).where(Product.is_active.is_(True)).order_by(Product.product_code))
            return [self._product_info(session, p) for p in products]

    def get_model_config(self, product_id: int, view_code: str | None = None) -> ModelConfigInfo:
        with self._db.session() as session:
            row = session.scalar(_active_config(product_id, view_code))
            if row is None:
                return ModelConfigInfo(config_id=None, product_id=product_id, view_code=view_code)
            return _config_info(row)

    def list_views(self, product_id: int) -> list[ModelConfigInfo]:
        """The product's views, in the order they were defined; per view its most recently changed active
        configuration (none: the product has one implicit view)."""
        with self._db.session() as session:
            rows = list(session.scalars(
                select(ModelConfig).where(
                    ModelConfig.product_id == product_id, ModelConfig.is_active.is_(True),
                    ModelConfig.view_code.is_not(None),
                    ModelConfig.model_type.in_([ModelType.ANOMALY_DETECTION.value, ModelType.HYBRID.value]),
                ).order_by(ModelConfig.config_id)))
            first = {}
            for row in rows:
                first.setdefault(row.view_code, row.config_id)
            newest = {}
            for row in sorted(rows, key=lambda r: (r.updated_at is not None, r.updated_at or 0, r.config_id)):
                newest[row.view_code] = row
            return [_config_info(newest[code]) for code in sorted(first, key=first.__getitem__)]

    def save_model_config(self, config: ModelConfigInfo,
                          fields: Collection[str] | None = None) -> ModelConfigInfo:
        names = CONFIG_FIELDS if fields is None else tuple(fields)
        unknown = set(names) - set(CONFIG_FIELDS)
        if unknown:
            raise ValueError(f"not a model configuration field: {sorted(unknown)}")
        for name in ("image_threshold", "pixel_threshold", "review_threshold"):
            value = getattr(config, name)
            if name not in names or (value is None and name == "review_threshold"):
                continue
            if not 0.0 <= value <= 1.0:
                raise ValidationError(f"{name} must be between 0 and 1, got {value}")
        with self._db.session() as session:
            # without an id: the configuration another save may have created meanwhile, else a new one
            row = session.get(ModelConfig, config.config_id) if config.config_id else \
                session.scalar(_active_config(config.product_id, config.view_code))
            if row is None:  # a new configuration is written whole
                row = ModelConfig(product_id=config.product_id, model_type=ModelType.ANOMALY_DETECTION.value)
                session.add(row)
                names = CONFIG_FIELDS
            for name in names:  # only these columns are written: a concurrent save of others is kept
                value = getattr(config, name)
                setattr(row, name, dict(value) if name == "preprocessing" else value)
            # naive UTC with microseconds: the pull compares it with the centre's (newer change wins)
            row.updated_at = datetime.now(timezone.utc).replace(tzinfo=None)
            session.flush()
            return _config_info(row)

    def list_images(self, product_id: int, image_type: str | None = None, *,
                    view_code: str | None = None) -> list[ImageInfo]:
        with self._db.session() as session:
            query = select(Image).where(
                Image.product_id == product_id, Image.is_active.is_(True),
                Image.view_code.is_(None) if view_code is None else Image.view_code == view_code)
            if image_type is not None:
                query = query.where(Image.image_type == ImageType(image_type).value)
            return [_image_info(i) for i in session.scalars(query.order_by(Image.image_id))]

    def add_image(
        self, product_id: int, image_type: str, file_name: str, file_path: str, *,
        defect_type_id: int | None = None, file_size: int | None = None, width: int | None = None,
        height: int | None = None, format: str | None = None, uploaded_by: int | None = None,
        view_code: str | None = None,
    ) -> ImageInfo:
        with self._db.session(user_id=uploaded_by) as session:
            row = Image(product_id=product_id, image_type=ImageType(image_type).value, file_name=file_name,
                        file_path=file_path, defect_type_id=defect_type_id, file_size=file_size, width=width,
                        height=height, format=format, uploaded_by=uploaded_by, view_code=view_code)
            session.add(row)
            session.flush()
            return _image_info(row)


def _image_info(row: Image) -> ImageInfo:
    return ImageInfo(row.image_id, row.product_id or 0, row.image_type, row.defect_type_id, row.file_name,
                     row.file_path, row.width, row.height, row.view_code)


def _active_config(product_id: int, view_code: str | None) -> Select[tuple[ModelConfig]]:
    """The most recently changed active configuration of the product or its view (newest change wins,
    docs/readme/sync.md)."""
    return select(ModelConfig).where(
        ModelConfig.product_id == product_id, ModelConfig.is_active.is_(True),
        ModelConfig.model_type.in_([ModelType.ANOMALY_DETECTION.value, ModelType.HYBRID.value]),
        ModelConfig.view_code.is_(None) if view_code is None else ModelConfig.view_code == view_code,
    ).order_by(ModelConfig.updated_at.desc().nulls_last(), ModelConfig.config_id.desc()).limit(1)


def _config_info(row: ModelConfig) -> ModelConfigInfo:
    return ModelConfigInfo(
        config_id=row.config_id, product_id=row.product_id or 0,
        image_threshold=row.image_threshold if row.image_threshold is not None else 0.85,
        pixel_threshold=row.pixel_threshold if row.pixel_threshold is not None else 0.90,
        preprocessing=dict(row.preprocessing or {}), config_name=row.config_name, sync_uuid=row.sync_uuid,
        review_threshold=row.review_threshold, view_code=row.view_code,
    )
