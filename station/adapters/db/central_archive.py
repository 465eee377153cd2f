"""Archives of the partitions that retention drops, in the object store (a folder or an S3 bucket).

Each table of a month (its inspections, their results, actions and feedback) becomes a gzip'd
``COPY ... csv`` file written to a temporary folder, uploaded under a key named by its content
(``archive/<partition>/<table>-<sha256[:16]>.csv.gz``), then **read back from the store** and compared
(size and SHA-256) with what was written. A ``manifest-<sha256[:16]>.json`` (rows, bytes, SHA-256 and key of
every file) goes up and is checked the same way. Only when every file has been read back intact does
retention drop anything; otherwise :class:`ArchiveVerificationError` (one line) and the data stays.
The gzip header carries no time, so the same rows give the same bytes and keys: a repeated run after a
failure finds its files there and uploads nothing twice.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any, Protocol

from station.adapters.files import sha256_file
from station.domain.errors import StationError

FORMAT = "PostgreSQL COPY csv with header, gzip"


class ArchiveVerificationError(StationError):
    """A file of the archive could not be stored or read back intact: nothing was dropped."""


class ArchiveTarget(Protocol):
    """What the archive needs of an object store (LocalFolderStore and S3ObjectStore have both)."""

    def upload(self, key: str, path: Path) -> int: ...

    def get_bytes(self, key: str) -> bytes: ...


def _copy_gzip(cur, sql: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        cur.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", out)


def store_verified(target: ArchiveTarget, key: str, path: Path) -> tuple[int, str]:
    """Uploads ``path`` under ``key`` and reads it back; (bytes, sha256) when the store holds it intact."""
    size, digest = path.stat().st_size, sha256_file(path)
    try:
        target.upload(key, path)
        back = target.get_bytes(key)
    except (StationError, OSError) as exc:
        raise ArchiveVerificationError(f"archive file {key} could not be stored: {exc}; nothing dropped") from exc
    if len(back) != size or hashlib.sha256(back).hexdigest() != digest:
        raise ArchiveVerificationError(
            f"archive file {key} read back from the store differs from what was written "
            f"({len(back)} bytes of {size}); nothing dropped")
    return size, digest


def archive_tables(cur, target: ArchiveTarget, partition: str, bounds: tuple[str, str],  # type: ignore[no-untyped-def]
                   queries: dict[str, str]) -> tuple[dict[str, int], str]:
    """Archives each ``table: SELECT`` of ``queries`` (read in the caller's transaction); returns the rows per
    table and the manifest's key, once every file is verified in the store."""
    manifest: dict[str, Any] = {"partition": partition, "from": bounds[0], "to": bounds[1], "format": FORMAT,
                                "tables": {}}
    with tempfile.TemporaryDirectory(prefix="station-archive-") as tmp:
        for table, sql in queries.items():
            path = Path(tmp) / f"{table}.csv.gz"
            _copy_gzip(cur, sql, path)
            cur.execute(f"SELECT count(*) FROM ({sql}) x")
            rows = int(cur.fetchone()[0])
            key = f"archive/{partition}/{table}-{sha256_file(path)[:16]}.csv.gz"
            size, digest = store_verified(target, key, path)
            manifest["tables"][table] = {"rows": rows, "bytes": size, "sha256": digest, "key": key}
        path = Path(tmp) / "manifest.json"
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        key = f"archive/{partition}/manifest-{sha256_file(path)[:16]}.json"
        store_verified(target, key, path)
    return {t: v["rows"] for t, v in manifest["tables"].items()}, key
