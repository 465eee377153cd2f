"""Shared machinery of the inspection engine's use cases: the per-product cache of loaded banks and
retrieval indexes, and :func:`analyse` (preprocess, score, normalise one image against a bank)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from station.domain.errors import StationError, ValidationError
from station.pipeline.patchcore.bank import MemoryBank, RawScore
from station.pipeline.images.decode import DecodedImage, read_image
from station.pipeline.images.preprocessing import Prepared, Preprocessing, prepare, to_full_frame
from station.pipeline.retrieval.knn import RetrievalIndex
from station.services.engine.ports import ModelFiles, ModelProvider, PatchModel

BANK_FILE = "patchcore"
INDEX_FILE = "retrieval"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


class BankNotBuiltError(StationError):
    """The product has no memory bank yet."""


@dataclass
class LoadedProduct:
    """A product's bank on its model's device, with the retrieval index when one was built."""

    bank: MemoryBank
    model: PatchModel
    handle: Any
    index: RetrievalIndex | None
    stamp: tuple[float | None, float | None]
    load_seconds: float
    bank_sha256: str | None = None


class BankCache:
    """Loads each product's bank once and reloads it when its files are replaced (thread-safe)."""

    def __init__(self, files: ModelFiles, models: ModelProvider) -> None:
        self._files = files
        self._models = models
        self._cache: dict[str, LoadedProduct] = {}
        self._lock = threading.Lock()

    def _stamp(self, product_code: str) -> tuple[float | None, float | None]:
        return self._files.stamp(product_code, BANK_FILE), self._files.stamp(product_code, INDEX_FILE)

    def get(self, product_code: str) -> LoadedProduct:
        stamp = self._stamp(product_code)
        with self._lock:
            cached = self._cache.get(product_code)
            if cached is not None and cached.stamp == stamp:
                return cached
            started = time.perf_counter()
            files = self._files.load_set(product_code, (BANK_FILE, INDEX_FILE))  # one published pair
            loaded = files[BANK_FILE]
            if loaded is None:
                raise BankNotBuiltError(
                    f"product {product_code!r} has no memory bank yet: run `station build --product {product_code}`"
                )
            try:
                bank = MemoryBank.from_files(*loaded)
            except (KeyError, ValueError) as exc:
                raise ValidationError(f"the memory bank of {product_code!r} is unreadable ({exc}); rebuild it") from None
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
            self._cache[product_code] = entry
            return entry

    def invalidate(self, product_code: str | None = None) -> None:
        with self._lock:
            if product_code is None:
                self._cache.clear()
            else:
                self._cache.pop(product_code, None)


@dataclass(frozen=True)
class Analysis:
    """One image scored against a bank: raw output plus normalised score and full-frame map."""

    decoded: DecodedImage
    prepared: Prepared
    raw: RawScore
    image_score: float
    anomaly_map: np.ndarray  # float32 [0, 1], original image size


def analyse(decoded: DecodedImage, bank: MemoryBank, model: PatchModel, handle: Any,
            ignore: tuple[tuple[int, int, int, int], ...] = ()) -> Analysis:
    """Preprocesses with the bank's own steps, scores, normalises by the bank's calibration."""
    pre = Preprocessing.from_config(_config_from_steps(bank.image_steps))
    prepared = prepare(decoded.pixels, pre)
    raw = model.score([prepared.pixels], handle)[0]
    calibration = bank.calibration
    small = np.asarray(calibration.pixel(raw.anomaly_map), dtype=np.float32)
    full = to_full_frame(small, prepared.roi, decoded.width, decoded.height, ignore)
    return Analysis(decoded, prepared, raw, float(calibration.image(raw.image_score)), full)


def _config_from_steps(steps: dict[str, Any]) -> dict[str, Any]:
    config = dict(steps)
    resize = config.get("resize")
    if isinstance(resize, list):
        config["resize"] = resize[0]
    return config


def prepare_for_bank(decoded: DecodedImage, steps: dict[str, Any]) -> Prepared:
    return prepare(decoded.pixels, Preprocessing.from_config(_config_from_steps(steps)))


def folder_images(folder: Path) -> list[Path]:
    """Image files directly inside ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder}: no such folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def read_images(paths: list[Path]) -> list[DecodedImage]:
    return [read_image(p) for p in paths]
