"""Learning a new variation of real good parts (``../shared/data/casting``, skipped without it): real cast
impellers given a changed tone and surface texture are flagged by the built model; learned from approved false
alarms, the same variation on other real parts is no longer flagged, while the labelled real defects the
model caught are still caught; a rollback gives back exactly the previous scores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from station.app.station import build_station
from station.config import load_settings
from station.domain.catalog import DefectTypeSpec, ProductSpec
from station.pipeline.images.datasets import folder_images
from station.pipeline.images.decode import decode_bytes
from station.pipeline.patchcore.bank_build import BuildOptions
from station.services.engine import import_reference_images
from tests.support.engine import install_mobilenet

pytestmark = [pytest.mark.network, pytest.mark.shared_data, pytest.mark.slow]
SIZE = 256


def vary(image: np.ndarray) -> np.ndarray:
    """A changed tone (gamma 0.7, +20) and a fine vertical texture (stripes, period 9 px)."""
    out = np.power(image.astype(np.float32) / 255.0, 0.7) * 255.0 + 20.0
    stripes = 10.0 * np.sin(2 * np.pi * np.arange(out.shape[1]) / 9.0)
    out += stripes[None, :] if out.ndim == 2 else stripes[None, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def _read(path: Path) -> np.ndarray:
    return decode_bytes(path.read_bytes(), name=path.name).pixels


def test_real_parts_of_a_new_variation_are_learned(shared_data: Path) -> None:
    casting = shared_data / "casting"
    settings = load_settings()
    install_mobilenet(settings.resolved_models_dir)
    ctx = build_station(settings)
    try:
        ctx.catalog.upsert_products([ProductSpec(code="cast", name="casting", defects=(
            DefectTypeSpec(code="def_front", name_ko="def_front", name_en="def_front"),))])
        product = ctx.catalog.get_product("cast")
        config = ctx.catalog.get_model_config(product.product_id)
        ctx.catalog.save_model_config(replace(config, preprocessing={"resize": SIZE}))
        goods = folder_images(casting / "train" / "good")
        defects = folder_images(casting / "test" / "def_front")[:12]
        import_reference_images(ctx.catalog, ctx.storage, "cast", goods[:60])
        import_reference_images(ctx.catalog, ctx.storage, "cast", defects, "defect", "def_front")
        ctx.engine.builder.build("cast", BuildOptions(backbone="mobilenet_v2"))
        ctx.users.add_user("tech1", "t@x.local", "Secret-pass-1", ["manager"])
        ctx.users.add_user("worker1", "w@x.local", "Secret-pass-1", ["worker"])
        users = {u.username: u for u in ctx.users.list_users()}
        inspection = ctx.engine.inspection
        review = inspection.bank_info("cast")["review_threshold"]
        fresh = [vary(_read(p)) for p in folder_images(casting / "test" / "good")[:10]]
        labelled = [_read(p) for p in defects]

        def scores(images: list[np.ndarray]) -> list[float]:
            return [inspection.inspect("cast", image, record=False).image_score for image in images]

        fresh_before, labelled_before = scores(fresh), scores(labelled)
        assert sum(s >= review for s in fresh_before) >= 8  # the live model flags the new variation
        ids = []
        for path in goods[60:70]:
            outcome = inspection.inspect("cast", vary(_read(path)), inspector_id=users["worker1"].user_id)
            if outcome.verdict.value != "PASS":
                ids.append(ctx.overrides.override(outcome.inspection_code, "false_alarm",
                                                  users["worker1"]).override_id)
        assert len(ids) >= 8

        result, = ctx.engine.updates.update(ids, users["tech1"])

        assert result.accepted, result.reason
        fresh_after, labelled_after = scores(fresh), scores(labelled)
        assert sum(s >= review for s in fresh_after) <= 1  # the variation is no longer flagged
        caught_before = {i for i, s in enumerate(labelled_before) if s >= review}
        assert caught_before <= {i for i, s in enumerate(labelled_after) if s >= review}  # none lost
        ctx.engine.updates.rollback("cast", users["tech1"])
        assert scores(fresh) == fresh_before and scores(labelled) == labelled_before  # bit for bit
    finally:
        ctx.close()
