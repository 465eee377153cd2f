"""SQL for the admin screens: user roles and activation, products and defect types (create/edit/retire),
and the image library's browsing, relabelling and removal.

Every method returns the values before and after the change so the service can audit it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from station.adapters.db.database import Database
from station.adapters.db.models import DefectType, Image, Inspection, Product, RoleRow, User, UserRole
from station.domain.catalog import DefectTypeSpec
from station.domain.enums import Role
from station.domain.errors import NotFoundError, ValidationError
from station.domain.library import LIBRARY_TYPES, LibraryFilter, LibraryImage, LibraryPage

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

    # Image library ----------------------------------------------------------------------
    def library_page(self, flt: LibraryFilter, offset: int, limit: int) -> LibraryPage:
        """One page of the product's active good/defect images, newest first, with how many inspections
        name each one."""
        with self._db.session() as session:
            where = [Image.product_id == flt.product_id, Image.is_active.is_(True)]
            where.append(Image.image_type.in_([flt.image_type] if flt.image_type else LIBRARY_TYPES))
            if flt.defect_type_id is not None:
                where.append(Image.defect_type_id == flt.defect_type_id)
            total = int(session.scalar(select(func.count()).select_from(Image).where(*where)) or 0)
            rows = list(session.scalars(select(Image).where(*where).order_by(Image.image_id.desc())
                                        .offset(max(0, offset)).limit(max(1, limit))))
            used = self._inspection_counts(session, [r.image_id for r in rows])
            images = tuple(LibraryImage(r.image_id, r.product_id or 0, r.image_type, r.defect_type_id, r.file_name,
                                        r.file_path, r.width, r.height, r.view_code, uploaded_at=r.uploaded_at,
                                        used_by_inspections=used.get(r.image_id, 0))
                           for r in rows)
            return LibraryPage(images, total, max(0, offset), max(1, limit))

    def _inspection_counts(self, session, image_ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
        if not image_ids:
            return {}
        counts: dict[int, int] = {}
        for column in (Inspection.test_image_id, Inspection.reference_image_id):
            for image_id, n in session.execute(select(column, func.count()).where(column.in_(image_ids))
                                               .group_by(column)):
                counts[image_id] = counts.get(image_id, 0) + int(n)
        return counts

    def _library_rows(self, session, image_ids: list[int]) -> list[Image]:  # type: ignore[no-untyped-def]
        rows = list(session.scalars(select(Image).where(Image.image_id.in_(image_ids)).order_by(Image.image_id)))
        found = {r.image_id for r in rows if r.is_active and r.image_type in LIBRARY_TYPES}
        missing = [i for i in image_ids if i not in found]
        if missing:  # removed or relabelled elsewhere meanwhile: the person refreshes and chooses again
            raise ValidationError(f"{len(missing)} of the selected images are no longer in the library; "
                                f"refresh the list")
        return rows

    def relabel_images(self, image_ids: list[int], image_type: str, defect_type_id: int | None,
                       by_user: int | None) -> Change:
        with self._db.session(user_id=by_user) as session:
            rows = self._library_rows(session, image_ids)
            if defect_type_id is not None:
                defect = session.get(DefectType, defect_type_id)
                if defect is None or any(r.product_id != defect.product_id for r in rows):
                    raise ValidationError("the defect type is not one of the images' product")
            old = [{"image_id": r.image_id, "image_type": r.image_type, "defect_type_id": r.defect_type_id}
                   for r in rows]
            for row in rows:
                row.image_type, row.defect_type_id = image_type, defect_type_id
            new = [{"image_id": r.image_id, "image_type": image_type, "defect_type_id": defect_type_id}
                   for r in rows]
            return {"images": old}, {"images": new}

    def retire_images(self, image_ids: list[int], by_user: int | None) -> Change:
        """Takes the images out of the library (``is_active`` false). Rows and object files stay: inspections
        and overrides may name them, and one content-addressed file can back several rows."""
        with self._db.session(user_id=by_user) as session:
            rows = self._library_rows(session, image_ids)
            used = self._inspection_counts(session, image_ids)
            old = [{"image_id": r.image_id, "image_type": r.image_type, "defect_type_id": r.defect_type_id,
                    "file_name": r.file_name, "file_path": r.file_path, "is_active": True} for r in rows]
            for row in rows:
                row.is_active = False
            new = [{"image_id": r.image_id, "is_active": False, "used_by_inspections": used.get(r.image_id, 0)}
                   for r in rows]
            return {"images": old}, {"images": new}
