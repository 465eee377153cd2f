"""Accounts: create users, change passwords, authenticate (argon2id hashes, never plain text)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station.domain.errors import AuthenticationError, NotFoundError, ValidationError
from station.domain.users import UserInfo, validate_new_user, validate_password
from station.services.admin.ports import UserRepository

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    validate_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A real argon2 hash that no password matches: an unknown user name costs one verify like a known one."""
    return _HASHER.hash(secrets.token_urlsafe(24))


# Login lockout: this many wrong passwords in a row lock the account for LOCK_SECONDS.
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 15 * 60


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class UserService:
    def __init__(self, repo: UserRepository, *, max_failed_logins: int = MAX_FAILED_LOGINS,
                 lock_seconds: int = LOCK_SECONDS, clock: Callable[[], datetime] = _utc_now) -> None:
        self._repo = repo
        self._max_failed = max_failed_logins
        self._lock_seconds = lock_seconds
        self._clock = clock

    def add_user(
        self, username: str, email: str, password: str, roles: list[str], full_name: str | None = None
    ) -> UserInfo:
        parsed_roles = validate_new_user(username, email, roles)
        if self._repo.get_user(username) is not None:
            raise ValidationError(f"user {username!r} already exists")
        return self._repo.create_user(username, email, hash_password(password), full_name, parsed_roles)

    def change_password(self, username: str, new_password: str) -> None:
        if self._repo.get_user(username) is None:
            raise NotFoundError(f"no user named {username!r}")
        self._repo.set_password_hash(username, hash_password(new_password))

    def authenticate(self, username: str, password: str) -> UserInfo:
        """The user when the password is right; one message for every failure (no user probing)."""
        user = self._repo.get_user(username)
        now = self._clock()
        if user is not None:  # a locked account is refused before its password is even checked
            self._refuse_if_locked(username, self._repo.locked_until(username), now)
        stored = self._repo.get_password_hash(username) if user else None
        # Always one argon2 verify, so a wrong user name takes as long as a wrong password.
        matches = verify_password(stored or _dummy_hash(), password)
        if user is None or stored is None or not matches:
            if user is not None:
                until = self._repo.register_failed_login(username, now, self._max_failed, self._lock_seconds)
                self._refuse_if_locked(username, until, now)
            raise AuthenticationError("wrong user name or password")
        self._repo.clear_failed_logins(username)
        if not user.is_active:
            raise AuthenticationError(f"account {username!r} is disabled")
        if _HASHER.check_needs_rehash(stored):
            self._repo.set_password_hash(username, _HASHER.hash(password))
        self._repo.record_login(username, datetime.now(timezone.utc).replace(tzinfo=None))
        return user

    def _refuse_if_locked(self, username: str, until: datetime | None, now: datetime) -> None:
        if until is not None and until > now:
            minutes = max(1, int((until - now).total_seconds() + 59) // 60)
            raise AuthenticationError(
                f"account {username!r} is locked after {self._max_failed} failed logins: try again in "
                f"{minutes} min or ask an administrator to unlock it"
            )

    def unlock(self, username: str) -> None:
        """Clears the failed-login count and any lock (an administrator's action)."""
        if self._repo.get_user(username) is None:
            raise NotFoundError(f"no user named {username!r}")
        self._repo.clear_failed_logins(username)

    def list_users(self) -> list[UserInfo]:
        return self._repo.list_users()

    def has_admin(self) -> bool:
        return self._repo.count_admins() > 0
