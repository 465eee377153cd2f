"""Ports: the interfaces services need from the outside world, implemented in ``station.adapters``."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from station.domain.catalog import ProductSpec
from station.domain.enums import Role
from station.domain.users import UserInfo


class UserRepository(Protocol):
    def create_user(
        self, username: str, email: str, password_hash: str, full_name: str | None, roles: tuple[Role, ...]
    ) -> UserInfo: ...

    def get_user(self, username: str) -> UserInfo | None: ...

    def get_password_hash(self, username: str) -> str | None: ...

    def set_password_hash(self, username: str, password_hash: str) -> None: ...

    def record_login(self, username: str, when: datetime) -> None: ...

    def list_users(self) -> list[UserInfo]: ...

    def count_admins(self) -> int: ...


class CatalogRepository(Protocol):
    def upsert_products(self, products: list[ProductSpec]) -> dict[str, int]:
        """Creates missing products/defect types, updates names; returns counts by kind."""
        ...
