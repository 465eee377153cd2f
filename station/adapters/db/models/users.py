"""ORM of the people who use the stations: accounts, the four roles, and who holds which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from station.adapters.db.models.base import TRUE, Base, timestamp_column


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("LENGTH(username) >= 3", name="users_username_check"),)

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    email: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    full_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=TRUE)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime())
    created_at: Mapped[datetime | None] = timestamp_column()
    updated_at: Mapped[datetime | None] = timestamp_column()
    failed_login_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime())


class RoleRow(Base):
    __tablename__ = "roles"
    __table_args__ = (
        CheckConstraint("role_name IN ('admin', 'manager', 'worker', 'viewer')", name="roles_name_check"),
    )

    role_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_name: Mapped[str] = mapped_column(String(50), unique=True, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = timestamp_column()


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("roles.role_id", ondelete="CASCADE"), primary_key=True
    )
    assigned_at: Mapped[datetime | None] = timestamp_column()
    assigned_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.user_id"))
