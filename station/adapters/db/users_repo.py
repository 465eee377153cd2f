"""SQL implementation of the user repository port."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from station.adapters.db.database import Database
from station.adapters.db.models import RoleRow, User, UserRole
from station.domain.enums import Role
from station.domain.errors import NotFoundError, ValidationError
from station.domain.users import UserInfo


class SqlUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _info(self, session, user: User) -> UserInfo:  # type: ignore[no-untyped-def]
        roles = session.scalars(
            select(RoleRow.role_name).join(UserRole, UserRole.role_id == RoleRow.role_id)
            .where(UserRole.user_id == user.user_id).order_by(RoleRow.role_id)
        ).all()
        return UserInfo(
            user_id=user.user_id,
            username=user.username,
            email=user.email,
            full_name=user.full_name,
            is_active=bool(user.is_active),
            roles=tuple(Role(r) for r in roles),
            last_login_at=user.last_login_at,
        )

    def create_user(
        self, username: str, email: str, password_hash: str, full_name: str | None, roles: tuple[Role, ...]
    ) -> UserInfo:
        try:
            with self._db.session() as session:
                user = User(username=username, email=email, password_hash=password_hash, full_name=full_name)
                session.add(user)
                session.flush()
                role_ids = dict(session.execute(select(RoleRow.role_name, RoleRow.role_id)).all())
                for role in roles:
                    session.add(UserRole(user_id=user.user_id, role_id=role_ids[role.value]))
                session.flush()
                return self._info(session, user)
        except IntegrityError as exc:  # never the statement or its parameters (the hash) in the message
            raise ValidationError(_conflict(str(exc.orig), username, email)) from None

    def get_user(self, username: str) -> UserInfo | None:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            return self._info(session, user) if user else None

    def get_password_hash(self, username: str) -> str | None:
        with self._db.session() as session:
            return session.scalar(select(User.password_hash).where(User.username == username))

    def set_password_hash(self, username: str, password_hash: str) -> None:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFoundError(f"no user named {username!r}")
            user.password_hash = password_hash
            user.updated_at = func.current_timestamp()

    def record_login(self, username: str, when: datetime) -> None:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is not None:
                user.last_login_at = when

    def list_users(self) -> list[UserInfo]:
        with self._db.session() as session:
            return [self._info(session, u) for u in session.scalars(select(User).order_by(User.user_id))]

    def count_admins(self) -> int:
        with self._db.session() as session:
            return session.scalar(
                select(func.count()).select_from(UserRole).join(RoleRow, RoleRow.role_id == UserRole.role_id)
                .join(User, User.user_id == UserRole.user_id)
                .where(RoleRow.role_name == Role.ADMIN.value, User.is_active.is_(True))
            ) or 0

    # Login lockout ----------------------------------------------------------------------
    def register_failed_login(self, username: str, when: datetime, max_failures: int,
                              lock_for_seconds: int) -> datetime | None:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                return None
            user.failed_login_count = (user.failed_login_count or 0) + 1
            if user.failed_login_count < max_failures:
                return None
            user.failed_login_count = 0
            user.locked_until = when + timedelta(seconds=lock_for_seconds)
            return user.locked_until

    def clear_failed_logins(self, username: str) -> None:
        with self._db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is not None and (user.failed_login_count or user.locked_until is not None):
                user.failed_login_count = 0
                user.locked_until = None

    def locked_until(self, username: str) -> datetime | None:
        with self._db.session() as session:
            return session.scalar(select(User.locked_until).where(User.username == username))


def _conflict(detail: str, username: str, email: str) -> str:
    detail = detail.lower()
    duplicate = "unique" in detail or "duplicate" in detail
    if duplicate and "email" in detail:
        return f"the e-mail {email!r} is already used by another account"
    if duplicate and "username" in detail:
        return f"user {username!r} already exists"
    return f"user {username!r} could not be created: it conflicts with an existing account"
