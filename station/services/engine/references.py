"""Adding a product's reference images (good ``normal`` ones for the bank, labelled ``defect`` ones for
the defect-type vote) to the catalogue and the object store, from files or the synthetic demo generator."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from station.domain.catalog import ImageInfo
from station.domain.enums import ImageType
from station.domain.errors import NotFoundError
from station.pipeline.images.decode import DecodedImage, encode_png, read_image
from station.pipeline.synthetic.parts import demo_images
from station.services.shared.ports import CatalogReader, ObjectStore


def _store(catalog: CatalogReader, storage: ObjectStore, product_id: int, decoded: DecodedImage, image_type: str,
           defect_type_id: int | None, user_id: int | None) -> ImageInfo:
    suffix = "." + decoded.format.replace("jpeg", "jpg")
    key = storage.put_bytes(decoded.data, kind="references", suffix=suffix)
    return catalog.add_image(product_id, image_type, decoded.name, key, defect_type_id=defect_type_id,
                             file_size=len(decoded.data), width=decoded.width, height=decoded.height,
                             format=decoded.format, uploaded_by=user_id)


def import_images(catalog: CatalogReader, storage: ObjectStore, product_code: str, paths: Sequence[Path],
                  image_type: str = ImageType.NORMAL.value, defect_code: str | None = None,
                  user_id: int | None = None) -> list[ImageInfo]:
    """Validates every file first (one bad file: nothing is added), then stores and catalogues them all."""
    product = catalog.get_product(product_code)
    defect_type_id = None
    if defect_code is not None:
        defect = product.defect_by_code(defect_code)
        if defect is None:
            known = ", ".join(d.code for d in product.defect_types) or "none"
            raise NotFoundError(f"product {product_code!r} has no defect type {defect_code!r} (known: {known})")
        defect_type_id = defect.defect_type_id
    decoded = [read_image(Path(p)) for p in paths]
    return [_store(catalog, storage, product.product_id, d, ImageType(image_type).value, defect_type_id, user_id)
            for d in decoded]


def add_demo_images(catalog: CatalogReader, storage: ObjectStore, product_code: str, n_good: int = 30,
                    n_per_defect: int = 3, size: int = 256) -> dict[str, int]:
    """Synthetic cast parts (see ``station.pipeline.synthetic.parts``) as good and labelled defect images of a
    product whose defect types include ``hole``, ``burr`` and ``scratch`` (the demo product ``demo-cast``).
    Returns counts by image type."""
    product = catalog.get_product(product_code)
    counts = {"normal": 0, "defect": 0}
    for item in demo_images(n_good, n_per_defect, size):
        defect_type_id = None
        image_type = ImageType.NORMAL.value
        if item.defect_code is not None:
            defect = product.defect_by_code(item.defect_code)
            if defect is None:
                continue
            defect_type_id, image_type = defect.defect_type_id, ImageType.DEFECT.value
        data = encode_png(item.image)
        decoded = DecodedImage(pixels=item.image, data=data, format="png", name=item.name)
        _store(catalog, storage, product.product_id, decoded, image_type, defect_type_id, None)
        counts[image_type] += 1
    return counts
