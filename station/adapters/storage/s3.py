"""Object store on any S3-compatible endpoint (AWS S3, MinIO, Ceph RGW, ...) through boto3.

Keys are content hashes (``<kind>/<sha[:2]>/<sha256><suffix>``), so a file is written once and
an upload that is repeated after a crash or by another station changes nothing. Files larger than
``multipart_threshold`` go up in parts (boto3's managed transfer). Connection problems become
:class:`ObjectStoreUnavailableError` (one line) for the sync service's retry and backoff.
"""

from __future__ import annotations

from pathlib import Path

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from station.adapters.files import sha256_file
from station.adapters.storage.local import content_key, key_for_digest
from station.domain.errors import NotFoundError
from station.domain.sync import ObjectStoreUnavailableError

MIB = 1 << 20
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3ObjectStore:
    def __init__(
        self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
        access_key_id: str | None = None, secret_access_key: str | None = None,
        multipart_threshold: int = 8 * MIB, multipart_chunksize: int = 8 * MIB,
        connect_timeout: float = 5.0, read_timeout: float = 60.0, max_attempts: int = 2,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self._client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region or "us-east-1",
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            config=Config(connect_timeout=connect_timeout, read_timeout=read_timeout,
                          retries={"max_attempts": max_attempts, "mode": "standard"},
                          s3={"addressing_style": "path"}),
        )
        self._transfer = TransferConfig(multipart_threshold=multipart_threshold,
                                        multipart_chunksize=multipart_chunksize, use_threads=False)

    def _where(self) -> str:
        return f"s3://{self.bucket}" + (f" at {self.endpoint_url}" if self.endpoint_url else "")

    def _unavailable(self, exc: Exception) -> ObjectStoreUnavailableError:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ObjectStoreUnavailableError(f"object store {self._where()} unavailable: {detail}")

    def ensure_bucket(self) -> None:
        """Creates the bucket when it does not exist yet (set-up and tests)."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _MISSING:
                raise self._unavailable(exc) from exc
            self._client.create_bucket(Bucket=self.bucket)
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    # ObjectStore --------------------------------------------------------------------------------
    def put_bytes(self, data: bytes, *, kind: str, suffix: str) -> str:
        key = content_key(data, kind, suffix)
        if not self.exists(key):
            try:
                self._client.put_object(Bucket=self.bucket, Key=key, Body=data)
            except (BotoCoreError, ClientError) as exc:
                raise self._unavailable(exc) from exc
        return key

    def put_file(self, path: Path, *, kind: str) -> str:
        key = key_for_digest(sha256_file(path), kind, Path(path).suffix)
        self.upload(key, Path(path))
        return key

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFoundError(f"object {key} is not in {self._where()}") from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def download(self, key: str, target: Path) -> None:
        try:
            self._client.download_file(self.bucket, key, str(target), Config=self._transfer)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFoundError(f"object {key} is not in {self._where()}") from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def local_path(self, key: str) -> Path | None:
        return None  # nothing local: see CachedObjectStore

    # ObjectTarget -------------------------------------------------------------------------------
    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def upload(self, key: str, path: Path) -> int:
        """Uploads ``path`` under ``key`` unless it is there already (multipart above the threshold)."""
        size = Path(path).stat().st_size
        if self.exists(key):
            return size
        try:
            self._client.upload_file(str(path), self.bucket, key, Config=self._transfer)
        except (BotoCoreError, ClientError, Boto3Error) as exc:  # S3UploadFailedError wraps the cause
            raise self._unavailable(exc) from exc
        return size
