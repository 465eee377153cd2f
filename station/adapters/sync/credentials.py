"""Secrets and the central database URL: passwords come from the environment or the OS keyring.

Lookup order for a secret named e.g. ``central_db_password``: the setting (environment variable
``STATION_CENTRAL_DB_PASSWORD``), then the OS keyring entry ``(inspection-station, <name>)``.
A password written into the settings file (``config.toml``) is refused with a clear error.
TLS: ``central_db_sslmode`` / ``central_db_sslrootcert`` become libpq's ``sslmode`` / ``sslrootcert``.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from station.config import APP_NAME, Settings, read_settings_file
from station.domain.errors import ConfigurationError

KEYRING_SERVICE = APP_NAME
SECRET_NAMES = ("central_db_password", "s3_access_key_id", "s3_secret_access_key")


def keyring_secret(name: str) -> str | None:
    """The OS keyring's value for ``name``, or None when there is none or no usable keyring."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a pinned dependency
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except (KeyringError, RuntimeError):
        return None


def store_keyring_secret(name: str, value: str) -> None:
    """Saves a secret in the OS keyring (``station sync set-secret``)."""
    if name not in SECRET_NAMES:
        raise ConfigurationError(f"unknown secret {name!r}: one of {', '.join(SECRET_NAMES)}")
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, name, value)
    except (KeyringError, RuntimeError) as exc:
        raise ConfigurationError(f"no usable OS keyring ({exc}); set STATION_{name.upper()} instead") from exc


def secret(settings: Settings, name: str) -> str | None:
    value = getattr(settings, name, None)
    if value is not None:
        return value.get_secret_value()
    return keyring_secret(name)


def _refuse_password_in_file() -> None:
    url = read_settings_file().get("central_db_url")
    if not url:
        return
    try:
        has_password = make_url(str(url)).password is not None
    except ArgumentError:
        return
    if has_password:
        raise ConfigurationError(
            "config.toml holds a password in central_db_url: remove it and set STATION_CENTRAL_DB_PASSWORD "
            "or store it with `station sync set-secret central_db_password`"
        )


def central_url(settings: Settings) -> str | None:
    """The full central URL (password and TLS options added), or None when no centre is configured."""
    if not settings.central_db_url:
        return None
    _refuse_password_in_file()
    try:
        url = make_url(settings.central_db_url)
    except ArgumentError as exc:
        raise ConfigurationError(f"invalid central_db_url: {exc}") from exc
    if url.password is None:
        password = secret(settings, "central_db_password")
        if password:
            url = url.set(password=password)
    query = dict(url.query)
    if settings.central_db_sslmode:
        query["sslmode"] = settings.central_db_sslmode
    if settings.central_db_sslrootcert:
        if not settings.central_db_sslrootcert.is_file():
            raise ConfigurationError(f"central_db_sslrootcert {settings.central_db_sslrootcert} does not exist")
        query["sslrootcert"] = str(settings.central_db_sslrootcert)
    return url.set(query=query).render_as_string(hide_password=False)
