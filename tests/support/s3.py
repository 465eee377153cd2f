"""A real S3-protocol server on loopback (moto's server mode) that a test can stop and start again."""

from __future__ import annotations

import logging
import socket
import uuid

from moto.server import ThreadedMotoServer

from station.adapters.storage.s3 import MIB, S3ObjectStore

logging.getLogger("werkzeug").setLevel(logging.ERROR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LoopbackS3:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: ThreadedMotoServer | None = None
        # moto keeps its buckets per process: a bucket of its own keeps the tests apart
        self.bucket = f"station-objects-{uuid.uuid4().hex[:8]}"

    def start(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def store(self, **options: int) -> S3ObjectStore:
        return S3ObjectStore(self.bucket, endpoint_url=self.url, region="us-east-1", access_key_id="station",
                             secret_access_key="station-secret", max_attempts=1, connect_timeout=2,
                             multipart_threshold=options.get("threshold", 8 * MIB),
                             multipart_chunksize=options.get("chunk", 8 * MIB))
