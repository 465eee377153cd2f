"""A false alarm of a part seen by several views is learned by the bank of the view that flagged it
(``<product>@<view>``): that view's model gets a new version, the other view's stays as it was, and the
rollback of that view puts its previous version back."""

from __future__ import annotations

import numpy as np
import pytest

from station.domain.views import bank_key
from station.pipeline.images.decode import from_array
from station.pipeline.patchcore.bank_build import BuildOptions
from station.pipeline.synthetic.parts import render_part
from station.services.engine.references import store_image
from tests.support.engine import demo_context

SIZE = 96
PRODUCT = "demo-cast"
pytestmark = [pytest.mark.network, pytest.mark.slow]


def _side(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.fliplr(np.rot90(image)))


def _vary(image: np.ndarray) -> np.ndarray:
    out = image.astype(np.float32) * 0.6 + 30 + np.sin(np.arange(image.shape[1]) / 1.5)[None, :] * 14
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_views_false_alarm_updates_that_views_bank(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ctx = demo_context(size=SIZE, n_good=0, n_per_defect=0)
    try:
        product = ctx.catalog.get_product(PRODUCT)
        for view in ("top", "side"):
            ctx.station_settings.define_view(PRODUCT, view, None, camera=str(tmp_path / view),
                                             preprocessing={"resize": SIZE})
            for seed in range(8):
                image = render_part(seed, SIZE).image
                store_image(ctx.catalog, ctx.storage, product.product_id,
                            from_array(_side(image) if view == "side" else image, f"{view}-{seed}.png"), "normal",
                            view_code=view)
            ctx.engine.builder.build(PRODUCT, BuildOptions(backbone="mobilenet_v2", coreset_ratio=0.25), view=view)
        ctx.users.add_user("tech1", "t@x.local", "Secret-pass-1", ["manager"])
        ctx.users.add_user("worker1", "w@x.local", "Secret-pass-1", ["worker"])
        users = {u.username: u for u in ctx.users.list_users()}
        files = ctx.engine.files
        before = {v: files.current_version(bank_key(PRODUCT, v)) for v in ("top", "side")}
        ids = []
        for seed in range(100, 104):
            part = render_part(seed, SIZE).image
            outcome = ctx.engine.inspection.inspect_part(PRODUCT, {"top": _vary(part), "side": _side(part)},
                                                         inspector_id=users["worker1"].user_id)
            assert outcome.verdict.value != "PASS" and outcome.outcome.view_code == "top"
            code = outcome.outcome.inspection_code
            ids.append(ctx.overrides.override(code, "false_alarm", users["worker1"]).override_id)
        # the corrected parts joined the library of the view they show, not the product's own
        assert len(ctx.catalog.list_images(product.product_id, "normal", view_code="top")) == 8 + len(ids)
        assert len(ctx.catalog.list_images(product.product_id, "normal", view_code="side")) == 8
        assert ctx.catalog.list_images(product.product_id, "normal") == []
        pending = ctx.engine.updates.pending(PRODUCT)
        assert {a.override_id: a.view_code for a in pending} == {i: "top" for i in ids}

        result, = ctx.engine.updates.update(ids, users["tech1"])

        assert result.accepted and result.view_code == "top", result.reason
        assert "misses could not be checked" in result.reason  # the views have no labelled defect images
        assert files.current_version(bank_key(PRODUCT, "top")) == result.version != before["top"]
        assert files.current_version(bank_key(PRODUCT, "side")) == before["side"]
        back = ctx.engine.updates.rollback(PRODUCT, users["tech1"], view="top")
        assert back.version == before["top"] == files.current_version(bank_key(PRODUCT, "top"))
    finally:
        ctx.close()
