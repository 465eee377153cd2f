"""Admin use cases: users and roles, products, defect types — validated, and audited (who, old, new) —
and the import of a catalogue file (``defect_mapping.json``)."""

from __future__ import annotations

import re
from pathlib import Path

from station.domain.catalog import DefectTypeSpec, load_defect_mapping
from station.domain.enums import Role
from station.domain.errors import ValidationError
from station.domain.users import UserInfo, validate_new_user
from station.services.admin.ports import AdminRepository
from station.services.shared.ports import CatalogRepository
from station.services.admin.users import UserService
from station.services.shared.ports import AuditTrail

PRODUCT_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{2,50}$")
DEFECT_CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


def validate_product(code: str, name: str) -> None:
    if not PRODUCT_CODE_RE.match(code or ""):
        raise ValidationError("product code must be 2-50 letters, digits, '.', '_' or '-'")
    if not (name or "").strip() or len(name) > 100:
        raise ValidationError("product name must be 1-100 characters")


def validate_defect_type(spec: DefectTypeSpec) -> None:
    if not DEFECT_CODE_RE.match(spec.code or ""):
        raise ValidationError("defect code must be 1-50 letters, digits, '.', '_' or '-'")
    if not (spec.name_ko or "").strip() or len(spec.name_ko) > 100:
        raise ValidationError("Korean defect name must be 1-100 characters")
    if spec.name_en is not None and len(spec.name_en) > 100:
        raise ValidationError("English defect name must be at most 100 characters")
    if not isinstance(spec.severity_level, int) or not 1 <= spec.severity_level <= 5:
        raise ValidationError(f"severity must be 1 (minor) to 5 (critical), got {spec.severity_level}")


def import_defect_mapping(repo: CatalogRepository, path: Path) -> dict[str, int]:
    """Products and defect types from ``path``; running it twice changes nothing the second time."""
    return repo.upsert_products(load_defect_mapping(path))


class AdminService:
    def __init__(self, repo: AdminRepository, users: UserService, audit: AuditTrail) -> None:
        self._repo = repo
        self._users = users
        self._audit = audit

    # Users ----------------------------------------------------------------------------
    def list_users(self) -> list[UserInfo]:
        return self._users.list_users()

    def add_user(self, username: str, email: str, password: str, roles: list[str], full_name: str | None,
                 by_user: int | None) -> UserInfo:
        user = self._users.add_user(username, email, password, roles, full_name)
        self._audit.record("users", "INSERT", by_user, None,
                           {"user_id": user.user_id, "username": username, "email": email,
                            "roles": [r.value for r in user.roles]})
        return user

    def set_roles(self, username: str, roles: list[str], by_user: int | None) -> None:
        parsed = validate_new_user(username, "x@example.com", roles)
        if Role.ADMIN not in parsed and self._repo.active_admins_except(username) == 0:
            raise ValidationError("the last active admin keeps the admin role")
        old, new = self._repo.set_user_roles(username, parsed, by_user)
        self._audit.record("user_roles", "UPDATE", by_user, old, new)

    def set_active(self, username: str, active: bool, by_user: int | None) -> None:
        if not active and self._repo.active_admins_except(username) == 0:
            user = next((u for u in self._users.list_users() if u.username == username), None)
            if user is not None and user.has_role(Role.ADMIN):
                raise ValidationError("the last active admin cannot be disabled")
        old, new = self._repo.set_user_active(username, active, by_user)
        self._audit.record("users", "UPDATE", by_user, old, new)

    def reset_password(self, username: str, password: str, by_user: int | None) -> None:
        self._users.change_password(username, password)
        self._audit.record("users", "UPDATE", by_user, {"username": username, "password": "(old)"},
                           {"username": username, "password": "(changed)"})

    # Catalogue --------------------------------------------------------------------------
    def save_product(self, code: str, name: str, description: str | None = None, category: str | None = None,
                     by_user: int | None = None) -> None:
        code, name = (code or "").strip(), (name or "").strip()
        validate_product(code, name)
        old, new = self._repo.save_product(code, name, description or None, category or None, by_user)
        self._audit.record("products", "UPDATE" if old else "INSERT", by_user, old, new)

    def set_product_active(self, code: str, active: bool, by_user: int | None) -> None:
        old, new = self._repo.set_product_active(code, active, by_user)
        self._audit.record("products", "UPDATE", by_user, old, new)

    def save_defect_type(self, product_id: int, spec: DefectTypeSpec, by_user: int | None) -> None:
        validate_defect_type(spec)
        old, new = self._repo.save_defect_type(product_id, spec, by_user)
        self._audit.record("defect_types", "UPDATE" if old else "INSERT", by_user, old, new)

    def set_defect_type_active(self, product_id: int, code: str, active: bool, by_user: int | None) -> None:
        old, new = self._repo.set_defect_type_active(product_id, code, active, by_user)
        self._audit.record("defect_types", "UPDATE", by_user, old, new)
