"""Wires administration: the user accounts (sign-in, roles, lockout), the admin screens' audited edits of
users and the catalogue, and the image library (import, and browsing with audited relabel and removal)."""

from __future__ import annotations

from dataclasses import dataclass

from station.adapters.db.admin_repo import SqlAdminRepository
from station.adapters.db.database import Database
from station.adapters.db.users_repo import SqlUserRepository
from station.services.admin import AdminService, ImageLibraryService, LibraryBrowser, UserService
from station.services.shared.ports import AuditTrail, CatalogReader, ObjectStore


@dataclass(frozen=True)
class AdminServices:
    admin: AdminService
    library: ImageLibraryService


def build_users(db: Database) -> UserService:
    return UserService(SqlUserRepository(db))


def build_admin(db: Database, catalog: CatalogReader, storage: ObjectStore, users: UserService,
                audit: AuditTrail) -> AdminServices:
    repo = SqlAdminRepository(db)
    return AdminServices(admin=AdminService(repo, users, audit),
                         library=ImageLibraryService(catalog, storage, LibraryBrowser(repo, storage, audit)))
