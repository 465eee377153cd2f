"""Building a product's PatchCore memory bank and its retrieval index from its catalogued images.

:class:`ModelBuildService` loads the product's good (and labelled defect) images from the catalogue and the
object store, chooses the configuration by validation unless a backbone is given
(``station.services.engine.selection``), builds the bank (``station.pipeline.patchcore.bank_build``) and the
retrieval index (``station.pipeline.retrieval.embeddings``), checks the backbone exported for the torch-free
CPU runtime against torch (``station.services.engine.export``), publishes the files together in the models
directory and records the ``deployments`` rows (``patchcore_bank`` for the bank, ``clip_embedding`` for the
retrieval index). The health watch's baseline (``station.pipeline.health``: the image signals of the good
images as taken) is published with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from station.domain.catalog import ProductInfo
from station.domain.engine import BuildSummary, CancelledError, CancelToken, Progress, ProgressCallback, no_progress
from station.domain.enums import DeploymentStatus, DeploymentType, ImageType
from station.domain.errors import NotFoundError, ValidationError
from station.domain.views import bank_key
from station.pipeline.health.detection import BaselineLearner
from station.pipeline.health.files import HEALTH_FILE, baseline_files
from station.pipeline.images.decode import decode_bytes
from station.pipeline.images.preprocessing import Preprocessing, prepare
from station.pipeline.patchcore.bank import MemoryBank
from station.pipeline.patchcore.bank_build import BuildOptions, build_memory_bank
from station.pipeline.patchcore.features import FeatureCache
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.patchcore.scoring import DEFAULT_REVIEW_THRESHOLD
from station.pipeline.patchcore.splits import MIN_GOOD_IMAGES, calibration_split
from station.pipeline.retrieval.embeddings import build_index
from station.services.engine.export import ExportCheck, check_export
from station.services.engine.ports import ModelFiles, ModelProvider
from station.services.engine.runtime import BANK_FILE, EXPORT_FILE, INDEX_FILE, BankCache, require_builder
from station.services.engine.candidates import candidate_sizes
from station.services.engine.selection import Selection, select_configuration
from station.services.shared.ports import CatalogReader, DeploymentLog, ObjectStore

# Sees each library image as decoded, before preparation: (index, count, pixels).
FrameSink = Callable[[int, int, np.ndarray], None]
HEALTH_FRAMES = 200  # good images the health baseline is learned from, spread over the library


class ModelBuildService:
    """Builds (and rebuilds) the memory bank and retrieval index of a catalogued product."""

    def __init__(self, catalog: CatalogReader, storage: ObjectStore, deployments: DeploymentLog,
                 models: ModelProvider, files: ModelFiles, cache: BankCache | None = None) -> None:
        self._catalog = catalog
        self._storage = storage
        self._deployments = deployments
        self._models = models
        self._files = files
        self._cache = cache

    def _load_prepared(self, product: ProductInfo, image_type: str, pre: Preprocessing,
                       progress: ProgressCallback, cancel: CancelToken | None,
                       view: str | None = None, decoded_frame: FrameSink | None = None,
                       ) -> list[tuple[Any, np.ndarray]]:
        return [(row, by_size[pre.resize]) for row, by_size in
                self._load_sizes(product, image_type, pre, [pre.resize], progress, cancel, view, decoded_frame)]

    def _load_sizes(self, product: ProductInfo, image_type: str, pre: Preprocessing, sizes: list[int],
                    progress: ProgressCallback, cancel: CancelToken | None,
                    view: str | None = None, decoded_frame: FrameSink | None = None,
                    ) -> list[tuple[Any, dict[int, np.ndarray]]]:
        """Each image (of the view ``view``, else the product's own) decoded once and prepared at every size
        in ``sizes``; ``decoded_frame(index, count, pixels)`` sees each image as decoded, before preparation."""
        rows = self._catalog.list_images(product.product_id, image_type, view_code=view)
        out = []
        for done, row in enumerate(rows, 1):
            if cancel:
                cancel.raise_if_cancelled()
            decoded = decode_bytes(self._storage.get_bytes(row.file_path), name=row.file_name)
            if decoded_frame is not None:
                decoded_frame(done - 1, len(rows), decoded.pixels)
            out.append((row, {size: prepare(decoded.pixels, replace(pre, resize=size)).pixels for size in sizes}))
            progress(Progress("load", done, len(rows), f"loading {image_type} images"))
        return out

    def _self_configure(self, product: ProductInfo, config: Any, pre: Preprocessing, options: BuildOptions,
                        progress: ProgressCallback, cancel: CancelToken | None, features: FeatureCache,
                        view: str | None = None, decoded_frame: FrameSink | None = None,
                        ) -> tuple[Selection, list[tuple[Any, dict[int, np.ndarray]]], list[tuple[Any, dict[int, np.ndarray]]]]:
        """The product's configuration chosen on its own good images (held out, plus synthetic defects) and
        its labelled defect images (see ``station.services.engine.selection``), with the loaded good and
        defect images (each decoded once, prepared at every candidate size);
        ``features`` keeps the chosen candidate's good-image features (keys ``("good", index)``)."""
        installed = [b["name"] for b in self._models.backbones() if b["installed"]]
        sizes = candidate_sizes(installed, pre.resize)
        goods = self._load_sizes(product, ImageType.NORMAL.value, pre, sizes, progress, cancel, view, decoded_frame)
        if len(goods) < MIN_GOOD_IMAGES:
            raise ValidationError(
                f"{_what(product.code, view)} has {len(goods)} good (normal) images; at least {MIN_GOOD_IMAGES} "
                f"are needed to build a bank"
            )
        defects = self._load_sizes(product, ImageType.DEFECT.value, pre, sizes, progress, cancel, view)
        by_size = {s: [img[s] for _, img in goods] for s in sizes}
        labelled = {s: [img[s] for _, img in defects] for s in sizes}
        # the configured review threshold (model_configs), else the calibrated default every bank shares
        review = DEFAULT_REVIEW_THRESHOLD if config.review_threshold is None else float(config.review_threshold)
        selection = select_configuration(
            self._models, by_size, labelled, pre.resize, options, image_threshold=float(config.image_threshold),
            review_threshold=review, progress=progress, cancel=cancel, features=features,
            source_images={"good": [int(r.image_id) for r, _ in goods],
                           "labelled_defect": [int(r.image_id) for r, _ in defects]})
        return selection, goods, defects

    @contextmanager
    def _ending_on_error(self, deployment_id: int) -> Iterator[None]:
        """Marks the deployment ``cancelled`` or ``failed`` (with the message) when the block raises."""
        try:
            yield
        except CancelledError:
            self._deployments.finish(deployment_id, DeploymentStatus.CANCELLED.value, None, "cancelled")
            raise
        except Exception as exc:
            self._deployments.finish(deployment_id, DeploymentStatus.FAILED.value, None, str(exc)[:500])
            raise

    def build(self, product_code: str, options: BuildOptions | None = None, *, user_id: int | None = None,
              progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
              view: str | None = None) -> BuildSummary:
        """Builds the bank from the product's ``normal`` images, then the retrieval index (good references and
        labelled ``defect`` images). With ``view``, the bank of that view of the product: from the view's
        library images, with its preprocessing and thresholds, published under its own key
        (``station.domain.views.bank_key``). A cancelled or failed build leaves the previous bank in place
        and its deployment row marked ``cancelled``/``failed``."""
        options = options or BuildOptions()
        options.validate()
        progress = progress or no_progress
        product = self._catalog.get_product(product_code)
        require_builder(self._models, product_code)
        if view is not None and view not in {c.view_code for c in self._catalog.list_views(product.product_id)}:
            known = ", ".join(c.view_code or "" for c in self._catalog.list_views(product.product_id)) or "none"
            raise NotFoundError(f"product {product_code!r} has no view {view!r} (views: {known})")
        config = self._catalog.get_model_config(product.product_id, view)
        key = bank_key(product_code, view)
        pre = Preprocessing.from_config(config.preprocessing)
        auto = options.backbone is None
        backbone = options.backbone or self._models.default_backbone()
        deployment_config = {
            "backbone": "auto" if auto else backbone, "self_configured": auto,
            "degraded": self._models.is_degraded(backbone), "input_size": pre.resize,
            "coreset_ratio": options.coreset_ratio, "max_bank_size": options.max_bank_size,
            "calibration_fraction": options.calibration_fraction, "preprocessing": pre.image_steps(),
            **({"view": view} if view is not None else {}),
        }
        deployment_id = self._deployments.start(DeploymentType.PATCHCORE_BANK.value, product.product_id,
                                                deployment_config, user_id)
        selection: Selection | None = None
        features = FeatureCache()  # features the selection computed, reused by the bank build
        health = _HealthBaseline(product_code, view)  # learned from the good images as they are decoded
        with self._ending_on_error(deployment_id):
            if auto:
                selection, loaded, loaded_defects = self._self_configure(product, config, pre, options, progress,
                                                                         cancel, features, view, health.offer)
                backbone = selection.chosen.backbone
                pre = replace(pre, resize=selection.chosen.input_size)
                options = replace(options, backbone=backbone, augment=selection.chosen.augment,
                                  image_score=selection.chosen.image_score)
                goods = [(row, by_size[pre.resize]) for row, by_size in loaded]
                defects = [(row, by_size[pre.resize]) for row, by_size in loaded_defects]
                del loaded, loaded_defects
            else:
                defects = None  # loaded with the retrieval index
                goods = self._load_prepared(product, ImageType.NORMAL.value, pre, progress, cancel, view,
                                            health.offer)
            if len(goods) < MIN_GOOD_IMAGES:
                raise ValidationError(
                    f"{_what(product_code, view)} has {len(goods)} good (normal) images; at least {MIN_GOOD_IMAGES} "
                    f"are needed to build a bank"
                )
            model = self._models.runtime(backbone, pre.resize)
            built = build_memory_bank(key, model, [img for _, img in goods], pre.image_steps(), options,
                                      progress, cancel, features_cache=features,
                                      keys=[("good", i) for i in range(len(goods))])
            features.retain(set())
            arrays, meta = built.bank.to_files()
            export = self._check_export(model, built.bank, [img for _, img in goods], options, config, progress)
            # The bank, its retrieval index and its export are published together, in one atomic switch: an
            # inspection never pairs the new bank with the old index. A failure of either leaves the previous set.
            index_summary, published = self.build_index(
                product_code, model, built.bank, goods, built.pooled, user_id=user_id, progress=progress,
                cancel=cancel, pre=pre, bank_files=(arrays, meta),
                extra_files={EXPORT_FILE: export.files(built.bank), HEALTH_FILE: health.files()},
                defects=defects, view=view)
            path, digest = published[BANK_FILE]
            info = built.bank.info
            summary = BuildSummary(
                product_code=product_code, deployment_id=deployment_id, backbone=backbone, degraded=model.degraded,
                n_images=len(goods), n_bank_images=info["n_bank_images"],
                n_calibration_images=info["n_calibration_images"], n_patches=built.n_patches,
                coreset_size=info["coreset_size"], coverage_radius=built.coverage_radius,
                seconds=round(built.seconds, 3), bank_file=path, bank_sha256=digest, image_size=pre.resize,
                device=model.device_name, selection=selection.to_json() if selection else None,
                runtime=export.choice.runtime, runtime_parity=export.choice.parity, runtime_reason=export.choice.reason,
            )
            self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value,
                                     {**summary.to_json(), **({"view": view} if view is not None else {})})
        if self._cache is not None:
            self._cache.invalidate(key)
        return BuildSummary(**{**summary.to_json(), **index_summary})

    def _check_export(self, model: PatchModel, bank: MemoryBank, goods: list[np.ndarray], options: BuildOptions,
                      config: Any, progress: ProgressCallback) -> ExportCheck:
        """The exported runtime checked against torch on the bank's calibration images (held out of the
        calibration bank), with the product's thresholds."""
        _, held_out = calibration_split(len(goods), options.calibration_fraction, options.min_calibration)
        review = DEFAULT_REVIEW_THRESHOLD if config.review_threshold is None else float(config.review_threshold)
        return check_export(self._models, model, bank, [goods[i] for i in held_out],
                            image_threshold=float(config.image_threshold), review_threshold=review, progress=progress)

    def build_index(self, product_code: str, model: PatchModel, bank: MemoryBank, goods: list[tuple[Any, np.ndarray]],
                    pooled: np.ndarray, *, user_id: int | None, progress: ProgressCallback,
                    cancel: CancelToken | None, pre: Preprocessing,
                    bank_files: tuple[dict[str, np.ndarray], dict[str, Any]] | None = None,
                    extra_files: dict[str, tuple[dict[str, np.ndarray], dict[str, Any]]] | None = None,
                    defects: list[tuple[Any, np.ndarray]] | None = None, view: str | None = None,
                    ) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
        """The retrieval index (``clip_embedding`` deployment), published together with ``bank_files`` and
        ``extra_files`` when given; returns the summary fields it adds and the published (path, sha256) per file.
        ``defects``: the product's defect images already prepared at the bank's size (else they are loaded)."""
        product = self._catalog.get_product(product_code)
        clip = self._models.clip_embedder()
        method = clip.method if clip is not None else f"backbone_pooled:{model.name}"
        deployment_id = self._deployments.start(DeploymentType.CLIP_EMBEDDING.value, product.product_id,
                                                {"method": method, "bank_backbone": model.name,
                                                 **({"view": view} if view is not None else {})}, user_id)
        with self._ending_on_error(deployment_id):
            if defects is None:
                defects = self._load_prepared(product, ImageType.DEFECT.value, pre, progress, cancel, view)
            codes = {d.defect_type_id: d.code for d in product.defect_types}
            index = build_index(model, bank, clip, goods, pooled, defects, codes, progress, cancel)
            items = {INDEX_FILE: index.to_files()}
            if bank_files is not None:
                items[BANK_FILE] = bank_files
            items.update(extra_files or {})
            progress(Progress("save", 0, 1, "publishing the memory bank and its index"))
            published = self._files.publish(bank_key(product_code, view), items)
            progress(Progress("save", 1, 1, "memory bank and index published"))
            path, digest = published[INDEX_FILE]
            result = {"method": method, "n_good": len(goods), "n_defect": int(index.defect_ids.size),
                      "unknown_threshold": index.unknown_threshold, "file": path, "sha256": digest}
            self._deployments.finish(deployment_id, DeploymentStatus.COMPLETED.value, result)
        if self._cache is not None:
            self._cache.invalidate(bank_key(product_code, view))
        return {"retrieval_deployment_id": deployment_id, "retrieval_method": method,
                "n_indexed_good": len(goods), "n_indexed_defect": int(index.defect_ids.size)}, published


def _what(product_code: str, view: str | None) -> str:
    return f"product {product_code!r}" if view is None else f"view {view!r} of product {product_code!r}"


class _HealthBaseline:
    """The health watch's baseline published with the bank: the image signals of the good images as taken,
    up to :data:`HEALTH_FRAMES` spread over the library, measured while the build decodes them (no image is
    read twice). No PASS-score limits: every good image of the build is in the bank and scores lower than a
    new good part would, so the watch learns them from the first PASS parts it sees."""

    def __init__(self, product_code: str, view: str | None) -> None:
        self._learner = BaselineLearner(product_code, view)
        self._picks: set[int] | None = None

    def offer(self, index: int, count: int, pixels: np.ndarray) -> None:
        if self._picks is None:
            spread = np.linspace(0, count - 1, min(count, HEALTH_FRAMES)).round().astype(int)
            self._picks = set(spread.tolist())
        if index in self._picks:
            self._learner.add(pixels)

    def files(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        baseline, reference = self._learner.finish(learned_from=f"build: {self._learner.frames} good images")
        return baseline_files(baseline, reference)
