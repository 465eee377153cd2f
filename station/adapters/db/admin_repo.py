"""SQL for the admin screens: user roles and activation, products and defect types (create/edit/retire).

Every method returns the values before and after the change so the service can audit it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, Product, RoleRow, User, UserRole
from station.domain.catalog import DefectTypeSpec
from station.domain.enums import Role
from station.domain.errors import NotFoundError

Change = tuple[dict[str, Any] | None, dict[str, Any]]


class SqlAdminRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Users ----------------------------------------------------------------------------
    def _user(self, session, username: str) -> User:  # type: ignore[no-untyped-def]
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFoundError(f"no user named {username!r}")
        return user

    def _roles(self, session, user_id: int) -> list[str]:  # type: ignore[no-untyped-def]
        return list(session.scalars(
            select(RoleRow.role_name).join(UserRole, UserRole.role_id == RoleRow.role_id)
            .where(UserRole.user_id == user_id).order_by(RoleRow.role_id)))

    def set_user_roles(self, username: str, roles: tuple[Role, ...], by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            user = self._user(session, username)
            old = self._roles(session, user.user_id)
            session.execute(delete(UserRole).where(UserRole.user_id == user.user_id))
            role_ids = dict(session.execute(select(RoleRow.role_name, RoleRow.role_id)).all())
            for role in roles:
                session.add(UserRole(user_id=user.user_id, role_id=role_ids[role.value], assigned_by=by_user))
            user.updated_at = func.current_timestamp()
            return {"user_id": user.user_id, "roles": old}, {"user_id": user.user_id, "roles": [r.value for r in roles]}

    def set_user_active(self, username: str, active: bool, by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            user = self._user(session, username)
            old = bool(user.is_active)
            user.is_active = active
            user.updated_at = func.current_timestamp()
            return {"user_id": user.user_id, "is_active": old}, {"user_id": user.user_id, "is_active": active}

    def active_admins_except(self, username: str) -> int:
        with self._db.session() as session:
            return int(session.scalar(
                select(func.count()).select_from(UserRole).join(RoleRow, RoleRow.role_id == UserRole.role_id)
                .join(User, User.user_id == UserRole.user_id)
                .where(RoleRow.role_name == Role.ADMIN.value, User.is_active.is_(True), User.username != username)
            ) or 0)

    # Products -------------------------------------------------------------------------
    def save_product(self, code: str, name: str, description: str | None, category: str | None,
                     by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            row = session.scalar(select(Product).where(Product.product_code == code))
            old = None if row is None else {"product_code": code, "product_name": row.product_name,
                                            "description": row.description, "category": row.category,
                                            "is_active": bool(row.is_active)}
            if row is None:
                row = Product(product_code=code, product_name=name, created_by=by_user)
                session.add(row)
            row.product_name, row.description, row.category, row.is_active = name, description, category, True
            row.updated_at = func.current_timestamp()
            session.flush()
            return old, {"product_id": row.product_id, "product_code": code, "product_name": name,
                         "description": description, "category": category, "is_active": True}

    def set_product_active(self, code: str, active: bool, by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            row = session.scalar(select(Product).where(Product.product_code == code))
            if row is None:
                raise NotFoundError(f"no product with code {code!r}")
            old = bool(row.is_active)
            row.is_active = active
            row.updated_at = func.current_timestamp()
            return {"product_code": code, "is_active": old}, {"product_code": code, "is_active": active}

    # Defect types -----------------------------------------------------------------------
    def save_defect_type(self, product_id: int, spec: DefectTypeSpec, by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            if session.get(Product, product_id) is None:
                raise NotFoundError(f"no product with id {product_id}")
            row = session.scalar(select(DefectType).where(DefectType.product_id == product_id,
                                                          DefectType.defect_code == spec.code))
            fields = ("defect_name_ko", "defect_name_en", "full_name_ko", "severity_level", "is_active")
            old = None if row is None else {"defect_code": spec.code, **{f: getattr(row, f) for f in fields}}
            if row is None:
                row = DefectType(product_id=product_id, defect_code=spec.code, defect_name_ko=spec.name_ko)
                session.add(row)
            row.defect_name_ko, row.defect_name_en = spec.name_ko, spec.name_en
            row.full_name_ko, row.severity_level, row.is_active = spec.full_name_ko, spec.severity_level, True
            row.updated_at = func.current_timestamp()
            session.flush()
            return old, {"defect_type_id": row.defect_type_id, "defect_code": spec.code,
                         **{f: getattr(row, f) for f in fields}}

    def set_defect_type_active(self, product_id: int, code: str, active: bool, by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            row = session.scalar(select(DefectType).where(DefectType.product_id == product_id,
                                                          DefectType.defect_code == code))
            if row is None:
                raise NotFoundError(f"no defect type {code!r} for product {product_id}")
            old = bool(row.is_active)
            row.is_active = active
            row.updated_at = func.current_timestamp()
            return ({"defect_type_id": row.defect_type_id, "is_active": old},
                    {"defect_type_id": row.defect_type_id, "is_active": active})
