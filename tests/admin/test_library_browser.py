"""The image library's browser on a real SQLite store and object folder: pages by label and defect type,
thumbnails, audited relabel and removal, and object files that inspections still use are kept."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import insert, select

from station.adapters.db.admin_repo import SqlAdminRepository
from station.adapters.db.audit_repo import SqlAuditTrail
from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import open_database
from station.adapters.db.models import Image, Inspection
from station.adapters.storage.local import LocalFolderStore
from station.domain.catalog import DefectTypeSpec, ProductSpec
from station.domain.errors import ValidationError
from station.services.admin import LibraryBrowser, import_images
from station.services.admin.browser import PAGE_SIZE

PRODUCT = ProductSpec(code="cast", name="주조품", defects=(DefectTypeSpec("hole", "기공", "hole"),
                                                          DefectTypeSpec("burr", "날개 버", "burr")))


@pytest.fixture
def lib(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = open_database(f"sqlite:///{tmp_path / 'station.sqlite3'}", upgrade=True)
    catalog = SqlCatalogRepository(db)
    catalog.upsert_products([PRODUCT])
    store = LocalFolderStore(tmp_path / "objects")
    audit = SqlAuditTrail(db)
    browser = LibraryBrowser(SqlAdminRepository(db), store, audit)
    return db, catalog, store, audit, browser, catalog.get_product("cast")


def _images(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        img = np.zeros((64, 80, 3), np.uint8)
        img[:, :, 1] = 20 * i % 255
        cv2.circle(img, (40, 32), 10 + i % 5, (200, 200, 200), -1)
        paths.append(folder / f"img_{i:03d}.png")
        cv2.imwrite(str(paths[-1]), img)
    return paths


def test_pages_filter_by_label_and_defect_type(lib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, catalog, store, audit, browser, product = lib
    hole, burr = product.defect_by_code("hole"), product.defect_by_code("burr")
    import_images(catalog, store, product.product_id, "normal", _images(tmp_path / "good", 5))
    import_images(catalog, store, product.product_id, "defect", _images(tmp_path / "hole", 3, 10),
                  defect_type_id=hole.defect_type_id)
    import_images(catalog, store, product.product_id, "defect", _images(tmp_path / "burr", 2, 20),
                  defect_type_id=burr.defect_type_id)
    assert browser.page(product.product_id).total == 10
    assert browser.page(product.product_id, "normal").total == 5
    assert browser.page(product.product_id, "defect").total == 5
    only_hole = browser.page(product.product_id, "defect", hole.defect_type_id)
    assert only_hole.total == 3 and {i.defect_type_id for i in only_hole.images} == {hole.defect_type_id}
    first, second = browser.page(product.product_id, page=0, page_size=4), browser.page(product.product_id, page=1,
                                                                                          page_size=4)
    assert (first.pages, len(first.images), second.offset) == (3, 4, 4)
    assert not {i.image_id for i in first.images} & {i.image_id for i in second.images}
    thumb = browser.thumbnail(first.images[0].file_path, 32)
    assert thumb is not None and thumb.dtype == np.uint8 and max(thumb.shape[:2]) == 32 and thumb.shape[2] == 3
    assert browser.thumbnail("no/such/key.png") is None
    with pytest.raises(ValidationError):
        browser.page(product.product_id, "test")


def test_ten_thousand_images_are_paged(lib) -> None:  # type: ignore[no-untyped-def]
    db, _catalog, _store, _audit, browser, product = lib
    with db.session() as session:
        session.execute(insert(Image), [{"product_id": product.product_id, "image_type": "normal",
                                         "file_name": f"{i}.png", "file_path": f"images/k{i}.png"}
                                        for i in range(10_000)])
    page = browser.page(product.product_id, page=100)
    assert (page.total, page.pages, len(page.images)) == (10_000, -(-10_000 // PAGE_SIZE), PAGE_SIZE)
    last = browser.page(product.product_id, page=page.pages - 1)
    assert len(last.images) == 10_000 - (page.pages - 1) * PAGE_SIZE


def test_relabel_and_remove_are_audited_and_keep_used_objects(lib, tmp_path: Path) -> None:  # type: ignore
    db, catalog, store, audit, browser, product = lib
    hole = product.defect_by_code("hole")
    import_images(catalog, store, product.product_id, "normal", _images(tmp_path / "good", 4), uploaded_by=None)
    images = sorted(browser.page(product.product_id).images, key=lambda i: i.image_id)
    a, b, c, _d = images
    assert browser.relabel([a.image_id, b.image_id], "defect", hole.defect_type_id, None) == 2
    assert {i.image_id for i in browser.page(product.product_id, "defect", hole.defect_type_id).images} == \
        {a.image_id, b.image_id}
    entry = audit.recent("images", 1)[0]
    assert entry.operation == "UPDATE"
    assert {x["image_type"] for x in entry.old_data["images"]} == {"normal"}
    new_labels = {(x["image_type"], x["defect_type_id"]) for x in entry.new_data["images"]}
    assert new_labels == {("defect", hole.defect_type_id)}
    browser.relabel([a.image_id], "normal", None, None)
    assert browser.page(product.product_id, "normal").total == 3
    with pytest.raises(ValidationError, match="defect type"):
        browser.relabel([c.image_id], "defect", None, None)
    with pytest.raises(ValidationError, match="select"):
        browser.remove([], None)

    # c is used by an inspection (as its reference): removal keeps its row and its object file
    with db.session() as session:
        session.execute(insert(Inspection), [{"inspection_code": "I-1", "product_id": product.product_id,
                                              "reference_image_id": c.image_id}])
    assert next(i for i in browser.page(product.product_id).images if i.image_id == c.image_id).used_by_inspections == 1
    assert browser.remove([b.image_id, c.image_id], None) == 2
    assert browser.page(product.product_id).total == 2
    removed = audit.recent("images", 1)[0]
    assert {x["image_id"] for x in removed.old_data["images"]} == {b.image_id, c.image_id}
    assert {x["image_id"]: x["used_by_inspections"] for x in removed.new_data["images"]}[c.image_id] == 1
    assert store.get_bytes(c.file_path) and store.get_bytes(b.file_path)  # object files are never deleted here
    with db.session() as session:
        assert session.scalar(select(Inspection.reference_image_id)) == c.image_id
        assert session.get(Image, c.image_id) is not None
    with pytest.raises(ValidationError, match="no longer in the library"):
        browser.remove([c.image_id], None)
