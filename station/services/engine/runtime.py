"""The per-product cache of loaded memory banks and retrieval indexes that the engine's use cases share
(inspection, calibration, the model build that invalidates it), and the names of a product's model files."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from station.domain.errors import NotReadyError, ValidationError
from station.domain.views import product_of_bank
from station.pipeline.patchcore.bank import MemoryBank
from station.pipeline.patchcore.model import PatchModel
from station.pipeline.retrieval.knn import RetrievalIndex
from station.services.engine.export import published_export
from station.services.engine.ports import ModelFiles, ModelProvider

BANK_FILE = "patchcore"
INDEX_FILE = "retrieval"
EXPORT_FILE = "exported"  # the backbone exported for the torch-free CPU runtime, or why there is none


CPU_ONLY = (
    "this CPU package inspects with models built and exported on a full station (torch is not installed "
    "here); build {what} there (or with the full package), then copy its models directory to this bench"
)


class BankNotBuiltError(NotReadyError):
    """The product has no memory bank yet."""


class CannotBuildHereError(NotReadyError):
    """The installation has no torch (the lean CPU package): it cannot build, calibrate on torch, or inspect a
    product whose published set holds no passed export."""


def require_builder(models: ModelProvider, product_code: str | None = None) -> None:
    """Raises :class:`CannotBuildHereError` (one line naming the product) where models cannot be built."""
    if not models.can_build():
        what = f"product {product_code!r}" if product_code else "the model"
        raise CannotBuildHereError(CPU_ONLY.format(what=what))


@dataclass
class LoadedProduct:
    """A product's bank on its model's device, with the retrieval index when one was built; ``model`` is the
    exported CPU runtime when the build published one that passed its parity check, else the torch backbone."""

    bank: MemoryBank
    model: PatchModel
    handle: Any
    index: RetrievalIndex | None
    stamp: tuple[float | None, float | None]
    load_seconds: float
    bank_sha256: str | None = None


DEFAULT_MAX_PRODUCTS = 3


class BankCache:
    """Loads each product's bank once and reloads it when its files are replaced (thread-safe).

    At most ``max_products`` products stay loaded: loading one more evicts the least recently used (its
    bank, prepared bank and retrieval index — every view's, for a product of several views, which counts as
    one product; a backbone no loaded product uses any more is released too).
    Each loaded product holds its bank, prepared bank and retrieval index (the demo's: 4096 x 128 float32
    features, 2.1 MB) and, when it was built with its own backbone or input size, that backbone too (14 MB of
    MobileNetV2 weights, more for larger backbones, plus the traced model and its buffers): the bound keeps a
    station that serves many recipes within its memory."""

    def __init__(self, files: ModelFiles, models: ModelProvider, max_products: int = DEFAULT_MAX_PRODUCTS) -> None:
        self._files = files
        self._models = models
        self._cache: OrderedDict[str, LoadedProduct] = OrderedDict()
        self._lock = threading.Lock()
        self.max_products = max(1, int(max_products))
        self.evicted: list[str] = []  # the last 100 products evicted by the bound, oldest first

    def is_loaded(self, product_code: str) -> bool:
        """Whether the product's current bank is loaded (its next inspection needs no load)."""
        stamp = self._stamp(product_code)
        with self._lock:
            cached = self._cache.get(product_code)
            return cached is not None and cached.stamp == stamp

    def loaded_products(self) -> list[str]:
        """The loaded products, least recently used first."""
        with self._lock:
            return list(self._cache)

    def set_max_products(self, max_products: int) -> None:
        with self._lock:
            self.max_products = max(1, int(max_products))
            self._evict_beyond_bound()

    def _stamp(self, product_code: str) -> tuple[float | None, float | None]:
        return self._files.stamp(product_code, BANK_FILE), self._files.stamp(product_code, INDEX_FILE)

    def get(self, product_code: str) -> LoadedProduct:
        stamp = self._stamp(product_code)
        with self._lock:
            cached = self._cache.get(product_code)
            if cached is not None and cached.stamp == stamp:
                self._cache.move_to_end(product_code)
                return cached
            started = time.perf_counter()
            files = self._files.load_set(product_code, (BANK_FILE, INDEX_FILE, EXPORT_FILE))  # one published set
            loaded = files[BANK_FILE]
            if loaded is None:
                raise BankNotBuiltError(
                    f"product {product_code!r} has no memory bank yet: run `station build --product {product_code}`"
                )
            try:
                bank = MemoryBank.from_files(*loaded)
            except (KeyError, ValueError) as exc:
                raise ValidationError(f"the memory bank of {product_code!r} is unreadable ({exc}); rebuild it") from None
            # on the CPU the exported runtime (no torch) when its export passed for this very bank
            model = published_export(self._models, files[EXPORT_FILE], bank)
            if model is None:
                if not self._models.can_build():
                    reason = (files[EXPORT_FILE] or ({}, {}))[1].get("reason") or "no export published"
                    raise CannotBuildHereError(
                        f"product {product_code!r} has no exported model this CPU package can run ({reason}); build it "
                        f"on a full station (or with the full package), then copy its models directory to this bench")
                model = self._models.runtime(bank.backbone, bank.input_size)
            if model.embedding_dim != bank.features.shape[1]:
                raise ValidationError(
                    f"the memory bank of {product_code!r} has {bank.features.shape[1]}-dim features but "
                    f"{bank.backbone} gives {model.embedding_dim}; rebuild it"
                )
            index_files = files[INDEX_FILE]
            index = RetrievalIndex.from_files(*index_files) if index_files else None
            entry = LoadedProduct(bank, model, model.prepare_bank(bank.features, bank.image_score), index, stamp,
                                  time.perf_counter() - started, loaded[1].get("npz_sha256"))
            self._cache.pop(product_code, None)
            self._cache[product_code] = entry
            self._evict_beyond_bound()
            return entry

    def _evict_beyond_bound(self) -> None:
        gone = []
        while len({product_of_bank(key) for key in self._cache}) > self.max_products:
            last_used = {product_of_bank(key): position for position, key in enumerate(self._cache)}
            oldest = min(last_used, key=last_used.__getitem__)  # its newest bank was used longest ago
            for key in [key for key in self._cache if product_of_bank(key) == oldest]:
                del self._cache[key]
            gone.append(oldest)
        if gone:
            self.evicted.extend(gone)
            del self.evicted[:-100]
            keep = {(entry.bank.backbone, int(entry.bank.input_size)) for entry in self._cache.values()}
            self._models.release_runtimes(keep)

    def invalidate(self, product_code: str | None = None) -> None:
        with self._lock:
            if product_code is None:
                self._cache.clear()
            else:
                self._cache.pop(product_code, None)
