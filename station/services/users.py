"""Accounts: create users, change passwords, authenticate (argon2id hashes, never plain text)."""

from __future__ import annotations

from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station.domain.errors import AuthenticationError, NotFoundError, ValidationError
from station.domain.users import UserInfo, validate_new_user, validate_password
from station.services.ports import UserRepository

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    validate_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class UserService:
    def __init__(self, repo: UserRepository) -> None:
        self._repo = repo

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
        stored = self._repo.get_password_hash(username) if user else None
        if user is None or stored is None or not verify_password(stored, password):
            raise AuthenticationError("wrong user name or password")
        if not user.is_active:
            raise AuthenticationError(f"account {username!r} is disabled")
        if _HASHER.check_needs_rehash(stored):
            self._repo.set_password_hash(username, _HASHER.hash(password))
        self._repo.record_login(username, datetime.now(timezone.utc).replace(tzinfo=None))
        return user

    def list_users(self) -> list[UserInfo]:
        return self._repo.list_users()

    def has_admin(self) -> bool:
        return self._repo.count_admins() > 0
