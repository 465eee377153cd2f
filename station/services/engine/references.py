"""A product's library images: good ``normal`` ones for the bank, labelled ``defect`` ones for the defect-type
vote. One way in for every source -- image files (``station build --import-good``, the admin's image
library), frames captured at the bench (few-shot onboarding) and the synthetic demo generator:

1. the image is decoded and validated by the pipeline (``station.pipeline.images.decode``: one
   :class:`~station.pipeline.images.decode.ImageInputError` for anything that is not a usable image);
2. its encoded bytes go into the object store (kind :data:`LIBRARY_KIND`, content-addressed);
3. then its catalogue row is written (size, format and pixel size as decoded).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from station.domain.catalog import ImageInfo, ProductInfo
from station.domain.enums import ImageType
from station.domain.errors import NotFoundError
from station.pipeline.images.decode import DecodedImage, from_array, read_image
from station.pipeline.synthetic.parts import demo_images
from station.services.shared.ports import CatalogReader, ObjectStore

LIBRARY_KIND = "images"


def store_image(catalog: CatalogReader, storage: ObjectStore, product_id: int, decoded: DecodedImage,
                image_type: str, *, defect_type_id: int | None = None, uploaded_by: int | None = None,
                view_code: str | None = None) -> ImageInfo:
    """Stores a decoded image's bytes, then catalogues it under ``decoded.name`` (tagged with the view it
    shows, for a product with several views)."""
    suffix = "." + decoded.format.replace("jpeg", "jpg")
    key = storage.put_bytes(decoded.data, kind=LIBRARY_KIND, suffix=suffix)
    return catalog.add_image(product_id, ImageType(image_type).value, decoded.name, key,
                             defect_type_id=defect_type_id, file_size=len(decoded.data), width=decoded.width,
                             height=decoded.height, format=decoded.format, uploaded_by=uploaded_by,
                             **({"view_code": view_code} if view_code is not None else {}))


def import_file(catalog: CatalogReader, storage: ObjectStore, product_id: int, path: Path, image_type: str, *,
                defect_type_id: int | None = None, uploaded_by: int | None = None) -> ImageInfo:
    """Reads, validates, stores and catalogues one image file; an unusable file raises
    :class:`~station.pipeline.images.decode.ImageInputError` and nothing is stored."""
    return store_image(catalog, storage, product_id, read_image(Path(path)), image_type,
                       defect_type_id=defect_type_id, uploaded_by=uploaded_by)


def import_reference_images(catalog: CatalogReader, storage: ObjectStore, product_code: str, paths: Sequence[Path],
                  image_type: str = ImageType.NORMAL.value, defect_code: str | None = None,
                  user_id: int | None = None, view_code: str | None = None) -> list[ImageInfo]:
    """Validates every file first (one bad file: nothing is added), then stores and catalogues them all
    (as images of the view ``view_code`` when given: it must be one of the product's views)."""
    product = catalog.get_product(product_code)
    if view_code is not None:
        require_view(catalog, product, view_code)
    defect_type_id = None
    if defect_code is not None:
        defect = product.defect_by_code(defect_code)
        if defect is None:
            known = ", ".join(d.code for d in product.defect_types) or "none"
            raise NotFoundError(f"product {product_code!r} has no defect type {defect_code!r} (known: {known})")
        defect_type_id = defect.defect_type_id
    decoded = [read_image(Path(p)) for p in paths]
    return [store_image(catalog, storage, product.product_id, d, image_type, defect_type_id=defect_type_id,
                        uploaded_by=user_id, view_code=view_code) for d in decoded]


def require_view(catalog: CatalogReader, product: ProductInfo, view_code: str) -> None:
    """Raises NotFoundError (one line naming the product's views) unless ``view_code`` is one of them."""
    views = [c.view_code for c in catalog.list_views(product.product_id)]
    if view_code not in views:
        known = ", ".join(v for v in views if v) or "none"
        raise NotFoundError(f"product {product.code!r} has no view {view_code!r} (views: {known})")


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
        store_image(catalog, storage, product.product_id, from_array(item.image, item.name), image_type,
                    defect_type_id=defect_type_id)
        counts[image_type] += 1
    return counts
