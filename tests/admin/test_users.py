"""User accounts on a real SQLite store: argon2 hashes, authentication, one message for every failure."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.adapters.db.database import open_database
from station.adapters.db.users_repo import SqlUserRepository
from station.domain.enums import Role
from station.domain.errors import AuthenticationError, NotFoundError, ValidationError
from station.services.admin import UserService


@pytest.fixture
def service(sqlite_url: str) -> UserService:
    return UserService(SqlUserRepository(open_database(sqlite_url, upgrade=True)))


def test_add_and_authenticate(service: UserService) -> None:
    assert not service.has_admin()
    user = service.add_user("admin", "admin@example.com", "long enough pw", ["admin"], "관리자")
    assert user.roles == (Role.ADMIN,) and service.has_admin()
    assert service.authenticate("admin", "long enough pw").full_name == "관리자"
    assert service.list_users()[0].last_login_at is not None


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong password"), ("nobody", "long enough pw")])
def test_wrong_user_or_password_gives_the_same_message(service: UserService, username: str, password: str) -> None:
    service.add_user("admin", "admin@example.com", "long enough pw", ["admin"])
    with pytest.raises(AuthenticationError, match="^wrong user name or password$"):
        service.authenticate(username, password)


def test_disabled_account_cannot_log_in(service: UserService, sqlite_url: str) -> None:
    service.add_user("kim", "kim@example.com", "long enough pw", ["worker"])
    db = open_database(sqlite_url)
    with db.session() as s:
        s.execute(text("UPDATE users SET is_active = FALSE WHERE username = 'kim'"))
    with pytest.raises(AuthenticationError, match="disabled"):
        service.authenticate("kim", "long enough pw")


@pytest.mark.parametrize(
    ("username", "email", "roles", "message"),
    [("ab", "a@example.com", ["worker"], "username"), ("kim", "kim@", ["worker"], "e-mail"),
     ("kim", "kim@example.com", ["boss"], "unknown role"), ("kim", "kim@example.com", [], "at least one role")],
)
def test_invalid_new_users_are_refused(service: UserService, username: str, email: str, roles: list[str],
                                       message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        service.add_user(username, email, "long enough pw", roles)


def test_change_password(service: UserService) -> None:
    service.add_user("kim", "kim@example.com", "long enough pw", ["worker"])
    service.change_password("kim", "another long pw")
    assert service.authenticate("kim", "another long pw").username == "kim"
    with pytest.raises(NotFoundError):
        service.change_password("lee", "another long pw")
