"""The good library images of a product (or one of its views) as decoded frames: what a baseline is learned
from lazily for a product whose bank was built before health limits were published with it."""

from __future__ import annotations

import numpy as np

from station.domain.enums import ImageType
from station.pipeline.images.decode import decode_bytes
from station.services.shared.ports import CatalogReader, ObjectStore


class LibraryGoodImages:
    """:class:`~station.services.health.ports.GoodImages` on the catalogue and the object store."""

    def __init__(self, catalog: CatalogReader, storage: ObjectStore) -> None:
        self._catalog = catalog
        self._storage = storage

    def good_frames(self, product_code: str, view: str | None, limit: int) -> list[np.ndarray]:
        """Up to ``limit`` good images, spread evenly over the library (its order), decoded."""
        product = self._catalog.get_product(product_code)
        rows = self._catalog.list_images(product.product_id, ImageType.NORMAL.value, view_code=view)
        if len(rows) > limit:
            picks = np.linspace(0, len(rows) - 1, limit).round().astype(int)
            rows = [rows[i] for i in sorted(set(picks.tolist()))]
        return [decode_bytes(self._storage.get_bytes(r.file_path), name=r.file_name).pixels for r in rows]
