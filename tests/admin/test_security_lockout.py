"""Login lockout on a real SQLite store: five wrong passwords lock the account, even the right password
is refused while locked, the lock ends by itself or by an administrator, a success resets the count."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from station.adapters.db.database import open_database
from station.adapters.db.users_repo import SqlUserRepository
from station.domain.errors import AuthenticationError
from station.services.admin import UserService


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now().replace(microsecond=0)  # a frozen clock, started at today's time

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(sqlite_url: str, clock: Clock) -> UserService:
    svc = UserService(SqlUserRepository(open_database(sqlite_url, upgrade=True)), clock=clock)
    svc.add_user("kim", "kim@example.com", "right password", ["worker"])
    return svc


def _fail(service: UserService, times: int) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(AuthenticationError) as info:
            service.authenticate("kim", "wrong password")
        messages.append(str(info.value))
    return messages


def test_five_failures_lock_the_account_for_fifteen_minutes(service: UserService, clock: Clock) -> None:
    messages = _fail(service, 5)
    assert messages[:4] == ["wrong user name or password"] * 4
    assert "locked after 5 failed logins" in messages[4] and "15 min" in messages[4]
    with pytest.raises(AuthenticationError, match="locked"):
        service.authenticate("kim", "right password")  # the right password does not open a locked account
    clock.now += timedelta(minutes=14)
    with pytest.raises(AuthenticationError, match="try again in 1 min"):
        service.authenticate("kim", "right password")
    clock.now += timedelta(minutes=1, seconds=1)
    assert service.authenticate("kim", "right password").username == "kim"


def test_a_success_resets_the_count(service: UserService) -> None:
    _fail(service, 4)
    service.authenticate("kim", "right password")
    assert _fail(service, 4) == ["wrong user name or password"] * 4  # counting starts again


def test_an_administrator_can_unlock(service: UserService) -> None:
    _fail(service, 5)
    service.unlock("kim")
    assert service.authenticate("kim", "right password").username == "kim"


def test_unknown_users_never_lock_and_give_the_usual_message(service: UserService) -> None:
    for _ in range(7):
        with pytest.raises(AuthenticationError, match="^wrong user name or password$"):
            service.authenticate("nobody", "whatever pw")
