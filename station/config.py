"""Station settings: environment (``STATION_*``), a TOML file in the user config dir, defaults.

Precedence: explicit arguments > environment > TOML file > defaults. Secrets (database
passwords, S3 keys) are read from the environment only and are never written back to the
TOML file by :func:`save_settings`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from station.domain.errors import ConfigurationError

APP_NAME = "inspection-station"
SECRET_FIELDS = {"s3_secret_access_key", "s3_access_key_id", "central_db_password"}


def config_file_path() -> Path:
    """The TOML settings file: ``$STATION_CONFIG`` or ``<user config dir>/config.toml``."""
    override = os.environ.get("STATION_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_home() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class Settings(BaseSettings):
    """All configuration of one station."""

    model_config = SettingsConfigDict(env_prefix="STATION_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="All local data lives here.")
    station_id: str = Field(default="ST01", pattern=r"^[A-Za-z0-9_-]{1,16}$")
    local_db_url: str | None = Field(default=None, description="Defaults to SQLite in home.")
    central_db_url: str | None = Field(default=None, description="postgresql://... of the centre.")
    central_db_password: SecretStr | None = None
    central_db_sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] | None = None
    central_db_sslrootcert: Path | None = None
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = Field(default=None, description="Local/NAS folder; defaults to home/objects.")
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    models_dir: Path | None = Field(default=None, description="Model weights; defaults to home/models.")
    # The station's own disk (docs/readme/sync.md "The station's disk"): local copies of files the centre
    # holds are pruned after retention_days (0: no age limit) and above retention_max_gb (0: no cap);
    # recording pauses below max(min_free_gb, min_free_percent of the disk).
    retention_days: int = Field(default=30, ge=0, le=3650)
    retention_max_gb: float = Field(default=0.0, ge=0, le=100_000)
    min_free_gb: float = Field(default=1.0, ge=0, le=10_000)
    min_free_percent: float = Field(default=5.0, ge=0, le=50)
    # Model updates from approved false alarms (docs/readme/engine.md "Learning new good parts"): refused when
    # the miss rate on the labelled defects would rise by more than this many percentage points; a new patch
    # counts as covered within update_coverage_factor x the bank's own coverage radius.
    update_max_miss_increase: float = Field(default=0.0, ge=0, le=100)
    update_coverage_factor: float = Field(default=1.0, gt=0, le=10)
    language: Literal["en", "ko"] = "en"
    theme: Literal["light", "dark"] = "light"

    @field_validator("home", "storage_dir", "models_dir", mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        if isinstance(value, str) and value:
            return Path(value).expanduser()
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file_path())
        return (init_settings, env_settings, toml)

    # Derived locations -------------------------------------------------------------
    @property
    def local_db_path(self) -> Path:
        return self.home / "station.sqlite3"

    @property
    def resolved_local_db_url(self) -> str:
        return self.local_db_url or f"sqlite:///{self.local_db_path}"

    @property
    def resolved_storage_dir(self) -> Path:
        return self.storage_dir or self.home / "objects"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.home / "models"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def ensure_dirs(self) -> None:
        """Creates the data folders; one clear :class:`ConfigurationError` when one cannot be written."""
        for path in (self.home, self.resolved_storage_dir, self.resolved_models_dir):
            try:
                path.mkdir(parents=True, exist_ok=True)
                probe = path / f".write-test-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                name = "STATION_HOME" if path == self.home else "the folder"
                raise ConfigurationError(f"{name} {path} is not writable ({exc.strerror or exc}): "
                                         "choose another with --home or STATION_HOME") from None


def load_settings(**overrides: Any) -> Settings:
    """Settings from environment and TOML file; ``overrides`` win (None values ignored).

    A malformed file or a wrongly typed value raises one :class:`ConfigurationError` naming the setting,
    where it came from and what is allowed, never a traceback (secret values are not repeated).
    """
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config file {config_file_path()} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        raise ConfigurationError(_describe(exc, overrides)) from None


def _describe(exc: ValidationError, overrides: dict[str, Any]) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    env = f"STATION_{field.upper()}"
    source = ("the command line" if overrides.get(field) is not None
              else env if env in os.environ else f"config file {config_file_path()}")
    value = "" if field in SECRET_FIELDS else f" {error.get('input')!r}"
    if error["type"] == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "")
        message = f"unknown {field}{value} in {source}: choose {expected}"
    else:
        message = f"invalid setting {field}{value} in {source}: {error['msg']}"
    more = exc.error_count() - 1
    return message + (f" (and {more} more problem(s))" if more else "")


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the non-secret settings to the TOML file (secrets stay in the environment)."""
    for field in ("language", "theme"):  # model_copy(update=...) does not validate: refuse before writing
        allowed = get_args(Settings.model_fields[field].annotation)
        if getattr(settings, field) not in allowed:
            raise ConfigurationError(f"unknown {field} {getattr(settings, field)!r}: choose {' or '.join(allowed)}")
    target = path or config_file_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(mode="json", exclude=SECRET_FIELDS, exclude_none=True)
    lines = [f"{key} = {_toml_value(value)}" for key, value in sorted(data.items())]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def read_settings_file(path: Path | None = None) -> dict[str, Any]:
    target = path or config_file_path()
    if not target.exists():
        return {}
    try:
        with target.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config file {target} is not valid TOML: {exc}") from None


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
