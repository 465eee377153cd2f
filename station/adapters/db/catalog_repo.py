"""SQL implementation of the catalogue port: idempotent upsert of products and defect types."""

from __future__ import annotations

from sqlalchemy import func, select

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, Product
from station.domain.catalog import ProductSpec


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
