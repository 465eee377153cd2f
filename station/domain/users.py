"""User account types and the rules a password must follow."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from station.domain.enums import Role
from station.domain.errors import ValidationError

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,50}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class UserInfo:
    user_id: int
    username: str
    email: str
    full_name: str | None = None
    is_active: bool = True
    roles: tuple[Role, ...] = field(default_factory=tuple)
    last_login_at: datetime | None = None

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


def validate_new_user(username: str, email: str, roles: list[str] | tuple[str, ...]) -> tuple[Role, ...]:
    if not USERNAME_RE.match(username or ""):
        raise ValidationError("username must be 3-50 letters, digits, '.', '_' or '-'")
    if not EMAIL_RE.match(email or ""):
        raise ValidationError(f"invalid e-mail address: {email!r}")
    try:
        parsed = tuple(Role(r) for r in roles)
    except ValueError as exc:
        raise ValidationError(f"unknown role {exc.args[0]!r}; roles are {', '.join(r.value for r in Role)}") from exc
    if not parsed:
        raise ValidationError("a user needs at least one role")
    return parsed


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or password.isspace():
        raise ValidationError("password must not start or end with spaces")
