"""The S3 object store against a real S3-protocol server on loopback: content-hash keys, written once,
multipart for large files, clear errors when the endpoint is down; the local-first cached store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from station.adapters.storage.cached import CachedObjectStore
from station.adapters.storage.local import LocalFolderStore
from station.adapters.storage.s3 import MIB
from station.domain.errors import NotFoundError
from station.domain.sync import ObjectStoreUnavailableError
from tests.support.s3 import LoopbackS3


@pytest.fixture(scope="module")
def s3() -> Iterator[LoopbackS3]:
    server = LoopbackS3()
    server.start()
    server.store().ensure_bucket()
    yield server
    server.stop()


def _png_bytes(seed: int) -> bytes:
    import cv2

    image = np.random.default_rng(seed).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def test_content_hash_keys_and_round_trip(s3: LoopbackS3) -> None:
    store = s3.store()
    data = _png_bytes(1)
    key = store.put_bytes(data, kind="image", suffix=".PNG")
    digest = hashlib.sha256(data).hexdigest()
    assert key == f"image/{digest[:2]}/{digest}.png"
    assert store.put_bytes(data, kind="image", suffix=".png") == key  # same content, same key, written once
    assert store.exists(key) and store.get_bytes(key) == data and store.local_path(key) is None
    with pytest.raises(NotFoundError):
        store.get_bytes("image/00/" + "0" * 64 + ".png")


def test_large_files_go_up_in_parts(s3: LoopbackS3, tmp_path: Path) -> None:
    store = s3.store(threshold=5 * MIB, chunk=5 * MIB)
    big = tmp_path / "manual.pdf"
    big.write_bytes(np.random.default_rng(2).integers(0, 255, 11 * MIB, dtype=np.uint8).tobytes())
    key = store.put_file(big, kind="manual")
    head = store._client.head_object(Bucket=store.bucket, Key=key)
    assert head["ContentLength"] == 11 * MIB and head["ETag"].strip('"').endswith("-3")  # three parts
    assert hashlib.sha256(store.get_bytes(key)).hexdigest() == key.split("/")[-1].removesuffix(".pdf")


def test_a_stopped_endpoint_gives_one_clear_line(tmp_path: Path) -> None:
    down = LoopbackS3()  # nothing listens on its port
    store = down.store()
    with pytest.raises(ObjectStoreUnavailableError, match=r"^object store s3://station-objects-\w+ at .* unavailable"):
        store.exists("image/00/x.png")
    with pytest.raises(ObjectStoreUnavailableError):
        store.put_bytes(b"x", kind="image", suffix=".png")


def test_cached_store_writes_locally_and_fetches_what_it_lacks(s3: LoopbackS3, tmp_path: Path) -> None:
    remote = s3.store()
    central_key = remote.put_bytes(b"manual from the centre", kind="manual", suffix=".md")
    cached = CachedObjectStore(LocalFolderStore(tmp_path / "objects"), remote)
    local_key = cached.put_bytes(_png_bytes(3), kind="image", suffix=".png")
    assert not remote.exists(local_key)  # put never touches the network: the sync uploads it later
    path = cached.local_path(central_key)
    assert path is not None and path.read_bytes() == b"manual from the centre"
    assert cached.get_bytes(central_key) == b"manual from the centre"
    assert cached.local_path("manual/00/" + "0" * 64 + ".md") is None
