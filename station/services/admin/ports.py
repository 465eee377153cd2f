"""Ports of administration: user accounts, the admin edits and the image library's browsing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from station.domain.catalog import DefectTypeSpec
from station.domain.enums import Role
from station.domain.library import LibraryFilter, LibraryPage
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

    # Login lockout: consecutive failures are counted per account on this station.
    def register_failed_login(self, username: str, when: datetime, max_failures: int,
                              lock_for_seconds: int) -> datetime | None:
        """Counts a failure; returns the lock end when this failure locks the account."""
        ...

    def clear_failed_logins(self, username: str) -> None: ...

    def locked_until(self, username: str) -> datetime | None: ...


class AdminRepository(Protocol):
    """Admin edits; each returns (old values or None, new values) for the audit trail."""

    def set_user_roles(self, username: str, roles: tuple[Role, ...], by_user: int | None) -> tuple[Any, Any]: ...

    def set_user_active(self, username: str, active: bool, by_user: int | None) -> tuple[Any, Any]: ...

    def active_admins_except(self, username: str) -> int: ...

    def save_product(self, code: str, name: str, description: str | None, category: str | None,
                     by_user: int | None) -> tuple[Any, Any]: ...

    def set_product_active(self, code: str, active: bool, by_user: int | None) -> tuple[Any, Any]: ...

    def save_defect_type(self, product_id: int, spec: DefectTypeSpec, by_user: int | None) -> tuple[Any, Any]: ...

    def set_defect_type_active(self, product_id: int, code: str, active: bool,
                               by_user: int | None) -> tuple[Any, Any]: ...


class LibraryRepository(Protocol):
    """The image library's rows: pages by filter, relabelling and removal (each returns old and new values
    for the audit trail)."""

    def library_page(self, flt: LibraryFilter, offset: int, limit: int) -> LibraryPage: ...

    def relabel_images(self, image_ids: list[int], image_type: str, defect_type_id: int | None,
                       by_user: int | None) -> tuple[Any, Any]: ...

    def retire_images(self, image_ids: list[int], by_user: int | None) -> tuple[Any, Any]: ...
