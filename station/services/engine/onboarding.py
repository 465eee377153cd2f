"""Few-shot onboarding: a new product from N >= 5 good parts captured at the bench (and optionally a few
defective ones), built and ready to inspect in one call.

The expected false-alarm rate shown is an upper bound: the build scores its held-out good parts against
the bank without their own patches and puts the top of those scores at 0.70 < the FAIL threshold, so none
of the ``n`` held-out parts fails; with none of ``n`` failing, the rate is at most 3/n at 95 % confidence
(rule of three). It falls as good parts are added (``add_good`` + rebuild).

``add_good(..., incremental=True)`` learns the new parts into the live bank instead of rebuilding it
(``station.services.engine.bank_update``: the patches the bank does not cover, recalibrated, validated on
the labelled defects, published as a new version, or refused with the reason and the live model untouched);
the parts join the library either way, so the next full build uses them too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.domain.catalog import DefectTypeSpec, ProductSpec
from station.domain.engine import BuildSummary, CancelToken, ProgressCallback
from station.domain.enums import ImageType
from station.domain.errors import StationError, ValidationError
from station.pipeline.images.decode import from_array
from station.pipeline.patchcore.bank_build import BuildOptions
from station.services.shared.ports import CatalogRepository
from station.domain.model_update import UpdateResult
from station.services.engine.references import require_view, store_image
from station.services.shared.ports import CatalogReader, ObjectStore

MIN_GOOD = 5


@dataclass(frozen=True)
class OnboardingReport:
    product_code: str
    n_good: int
    n_defect: int
    seconds: float  # capture storage + build
    build: BuildSummary | None  # None when the parts were learned incrementally (``update``)
    far_upper_bound: float | None  # None when the build held no good part out
    update: UpdateResult | None = None

    def to_json(self) -> dict[str, Any]:
        return {"product_code": self.product_code, "n_good": self.n_good, "n_defect": self.n_defect,
                "seconds": round(self.seconds, 2), "far_upper_bound": self.far_upper_bound,
                "build": None if self.build is None else self.build.to_json(),
                **({"update": self.update.to_json()} if self.update is not None else {})}


class OnboardingService:
    def __init__(self, products: CatalogRepository, catalog: CatalogReader, storage: ObjectStore,
                 builder: Any, default_backbone: Callable[[], str] | None = None, updater: Any = None) -> None:
        self._products, self._catalog, self._storage, self._builder = products, catalog, storage, builder
        self._default_backbone = default_backbone
        self._updater = updater  # ModelUpdateService: the incremental path of add_good

    def _store(self, product_id: int, frames: Sequence[np.ndarray], image_type: str, defect_type_id: int | None,
               prefix: str, by_user: int | None, view: str | None = None) -> None:
        """Each frame validated and stored losslessly (PNG) as ``<prefix>-001.png``, ``-002``, ... (tagged with
        ``view`` when given)."""
        for i, frame in enumerate(frames):
            store_image(self._catalog, self._storage, product_id, from_array(frame, f"{prefix}-{i + 1:03d}.png"),
                        image_type, defect_type_id=defect_type_id, uploaded_by=by_user, view_code=view)

    def onboard(self, code: str, name: str, good: Sequence[np.ndarray],
                defects: dict[str, Sequence[np.ndarray]] | None = None, *, by_user: int | None = None,
                progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
                quick: bool = False) -> OnboardingReport:
        """``quick``: build with the default backbone at the product's size instead of self-configuring
        (the candidates' validation on a handful of parts takes minutes and says little)."""
        if len(good) < MIN_GOOD:
            raise ValidationError(f"capture at least {MIN_GOOD} good parts (got {len(good)})")
        started = time.perf_counter()
        defects = defects or {}
        self._products.upsert_products([ProductSpec(code=code, name=name, defects=tuple(
            DefectTypeSpec(code=d, name_ko=d, name_en=d) for d in defects))])
        product = self._catalog.get_product(code)
        if self._catalog.list_images(product.product_id, ImageType.NORMAL.value):
            raise StationError(f"{code} already has good images; add parts with add_good and rebuild")
        self._store(product.product_id, good, ImageType.NORMAL.value, None, f"{code}-good", by_user)
        for defect_code, frames in defects.items():
            defect = product.defect_by_code(defect_code)
            self._store(product.product_id, frames, ImageType.DEFECT.value, defect.defect_type_id if defect else None,
                        f"{code}-{defect_code}", by_user)
        return self._build(code, len(good), sum(len(f) for f in defects.values()), started, by_user, progress,
                           cancel, quick)

    def add_good(self, code: str, good: Sequence[np.ndarray], *, by_user: int | None = None,
                 progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
                 quick: bool = False, view: str | None = None, incremental: bool = False) -> OnboardingReport:
        """More good parts for an onboarded product (or for its view ``view``: frames of that view's camera,
        from which that view's bank is built), then a rebuild (the bound tightens) -- or, ``incremental``, the
        parts learned into the live bank without a rebuild (see the module docstring; a refused update leaves
        the live model as it was and says why in ``update.reason``)."""
        started = time.perf_counter()
        product = self._catalog.get_product(code)
        if view is not None:
            require_view(self._catalog, product, view)
        before = len(self._catalog.list_images(product.product_id, ImageType.NORMAL.value, view_code=view))
        prefix = f"{code}-{view}-good-{before}" if view is not None else f"{code}-good-{before}"
        self._store(product.product_id, good, ImageType.NORMAL.value, None, prefix, by_user, view)
        n_defect = len(self._catalog.list_images(product.product_id, ImageType.DEFECT.value, view_code=view))
        if view is not None and len(good) and before + len(good) < MIN_GOOD:
            raise ValidationError(f"view {view!r} of {code} has {before + len(good)} good parts; capture at least "
                                  f"{MIN_GOOD} (the parts are kept)")
        if incremental:
            if self._updater is None:
                raise StationError("this station cannot update models incrementally; rebuild instead")
            update = self._updater.learn_good(code, good, view=view, user_id=by_user, progress=progress,
                                              cancel=cancel)
            return OnboardingReport(code, before + len(good), n_defect, time.perf_counter() - started, None, None,
                                    update)
        return self._build(code, before + len(good), n_defect, started, by_user, progress, cancel, quick, view)

    def _build(self, code: str, n_good: int, n_defect: int, started: float, by_user: int | None = None,
               progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
               quick: bool = False, view: str | None = None) -> OnboardingReport:
        """A cancelled build raises CancelledError: the parts stay in the library, the product has no new
        bank (``add_good`` or a build under Technician › Model builds makes one)."""
        options = None
        if quick and self._default_backbone is not None:
            options = BuildOptions(backbone=self._default_backbone())
        extra = {"view": view} if view is not None else {}
        summary = self._builder.build(code, options, user_id=by_user, progress=progress, cancel=cancel, **extra)
        n = summary.n_calibration_images
        bound = None if n == 0 else min(1.0, 3.0 / n)
        return OnboardingReport(code, n_good, n_defect, time.perf_counter() - started, summary, bound)
