"""A second product for the recipe tests: the demo product's defect types under another code, its own
synthetic library and its own (filter-bank) bank, so that a station can serve two products for real."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

SECOND_PRODUCT = "demo-b"


def add_second_product(ctx, folder: Path, code: str = SECOND_PRODUCT, size: int = 64,  # type: ignore[no-untyped-def]
                       n_good: int = 8, build: bool = True) -> str:
    """Creates product ``code`` (hole, burr, scratch), stores its synthetic images and builds its bank."""
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import add_demo_images
    from tests.support.engine import fixed_build

    demo = json.loads((resources_dir() / "demo" / "demo_product.json").read_text(encoding="utf-8"))
    spec = {"products": {code: {**demo["products"]["demo-cast"], "name_ko": f"{code} 제품"}}}
    path = folder / f"{code}.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    import_defect_mapping(ctx.catalog, path)
    product = ctx.catalog.get_product(code)
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.catalog.save_model_config(replace(config, preprocessing={"resize": size}))
    add_demo_images(ctx.catalog, ctx.storage, code, n_good=n_good, n_per_defect=1, size=size)
    if build:
        fixed_build(ctx, code)
    return code


def two_products_on_mqtt(window, ctx, broker, folder: Path):  # type: ignore[no-untyped-def]
    """The second product added and the station's line wired to ``broker`` (MQTT); returns the station id
    and a listener to everything the station publishes (close it)."""
    from station.domain.line import LineWiring, MqttWiring
    from tests.support.line import Listener

    add_second_product(ctx, folder)
    station_id = window.services.line.station_id
    window.services.line.update(LineWiring(mqtt=MqttWiring(url=broker.url)), None)
    return station_id, Listener(broker.port, f"station/{station_id}/#")
