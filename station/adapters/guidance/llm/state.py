"""Saved KV state of a prompt prefix (the system prompt, or system + a defect's stable part) on disk.

A file holds llama-cpp-python's ``LlamaState`` fields without pickle: a magic line, a JSON header
(format, model sha256, manual hash, prompt key, the prefix's token ids, seed, context size, state size
and sha256) and the raw ``llama_state`` bytes. A file is refused — :class:`StaleStateError` with the
reason — when the model or the manual hash differs from the caller's, when its bytes are damaged, or
when its tokens are not the prefix the caller's prompt gives now.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from station.domain.errors import ValidationError

MAGIC = b"STATION-KV-STATE 1\n"
FORMAT = 1


class StaleStateError(ValidationError):
    """A saved prompt state that must not be used (other model or manual, damaged, other prompt)."""


@dataclass(frozen=True)
class SavedState:
    key: str
    model_sha256: str
    manual_hash: str
    tokens: tuple[int, ...]
    seed: int
    n_ctx: int
    state: bytes


def state_path(directory: Path, model_sha256: str, key: str) -> Path:
    """``<directory>/<model sha256 prefix>/<key with / as __>.kvstate``."""
    safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", key.replace("/", "__"))
    return Path(directory) / model_sha256[:16] / f"{safe}.kvstate"


def write_state(path: Path, saved: SavedState) -> Path:
    header = {"format": FORMAT, "key": saved.key, "model_sha256": saved.model_sha256,
              "manual_hash": saved.manual_hash, "tokens": list(saved.tokens), "seed": saved.seed,
              "n_ctx": saved.n_ctx, "state_size": len(saved.state),
              "state_sha256": hashlib.sha256(saved.state).hexdigest()}
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC)
            out.write(len(data).to_bytes(4, "little"))
            out.write(data)
            out.write(saved.state)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def read_state(path: Path, *, model_sha256: str, manual_hash: str, n_ctx: int | None = None) -> SavedState:
    """The saved state, checked against the caller's model and manual hashes (and context size)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise StaleStateError(f"no saved prompt state at {path}: {exc.strerror or exc}") from exc
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 4:
        raise StaleStateError(f"{path.name} is not a saved prompt state")
    size = int.from_bytes(raw[len(MAGIC):len(MAGIC) + 4], "little")
    start = len(MAGIC) + 4
    try:
        header = json.loads(raw[start:start + size])
    except ValueError as exc:
        raise StaleStateError(f"{path.name}: damaged header") from exc
    state = raw[start + size:]
    if header.get("format") != FORMAT:
        raise StaleStateError(f"{path.name}: format {header.get('format')} is not {FORMAT}")
    if header.get("model_sha256") != model_sha256:
        raise StaleStateError(f"{path.name} was computed with another model")
    if header.get("manual_hash") != manual_hash:
        raise StaleStateError(f"{path.name} was computed from another version of the manual")
    if n_ctx is not None and header.get("n_ctx") != n_ctx:
        raise StaleStateError(f"{path.name} was computed with context size {header.get('n_ctx')}, not {n_ctx}")
    if len(state) != header.get("state_size") or hashlib.sha256(state).hexdigest() != header.get("state_sha256"):
        raise StaleStateError(f"{path.name}: state bytes are damaged")
    return SavedState(key=str(header["key"]), model_sha256=model_sha256, manual_hash=manual_hash,
                      tokens=tuple(int(t) for t in header["tokens"]), seed=int(header["seed"]),
                      n_ctx=int(header["n_ctx"]), state=state)
