"""Decoded nearest-good reference images, read from the object store once and kept for the next
inspections (the same few references come back part after part)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from station.pipeline.images.decode import decode_bytes
from station.services.shared.ports import ObjectStore


class ReferenceImages:
    """Thread-safe LRU of decoded references by storage key; a missing or unreadable file is None."""

    def __init__(self, storage: ObjectStore, size: int = 16) -> None:
        self._storage = storage
        self._size = size
        self._lock = threading.Lock()
        self._images: OrderedDict[str, np.ndarray | None] = OrderedDict()
        self.reads = 0  # storage reads so far (how tests see that a reference is read once)

    def get(self, key: str | None) -> np.ndarray | None:
        if not key:
            return None
        with self._lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
        try:
            self.reads += 1
            pixels: np.ndarray | None = decode_bytes(self._storage.get_bytes(key)).pixels
        except Exception:  # noqa: BLE001 - a missing reference only costs the comparison picture
            pixels = None
        with self._lock:
            self._images[key] = pixels
            while len(self._images) > self._size:
                self._images.popitem(last=False)
        return pixels
