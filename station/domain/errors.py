"""Errors with a message meant for the person at the station (one clear line)."""

from __future__ import annotations


class StationError(Exception):
    """Base of all errors the station reports to a person instead of a traceback."""


class ConfigurationError(StationError):
    """A setting is missing or invalid."""


class DatabaseUnavailableError(StationError):
    """The database cannot be reached or the URL is wrong."""


class NotFoundError(StationError):
    """A named record (user, product, ...) does not exist."""


class ValidationError(StationError):
    """Input is out of range or malformed."""


class AuthenticationError(StationError):
    """Wrong user name or password, or a locked/disabled account."""


class NotReadyError(StationError):
    """An expected state, not a fault: something the request needs is not there yet (a model not built)."""


def error_line(error: BaseException) -> str:
    """One line for people: a StationError's own message, otherwise the exception's type and text."""
    return str(error) if isinstance(error, StationError) else f"{error.__class__.__name__}: {error}"
