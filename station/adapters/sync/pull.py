"""Pull: the centre-owned tables copied into the station's store, matched on portable keys.

Accounts and roles by username, products by code, defect types by (product code, defect code),
model configs, manuals and manual sections by ``sync_uuid``. The centre wins: a changed field is
overwritten here, except for model configs, where the newer change wins (``updated_at``, naive UTC on both
sides): a threshold or preprocessing change saved at this station after the centre's last change is kept; local-only rows (made here, unknown at the centre) are kept; the station-local
columns of ``users`` (last login, lockout) are never touched. Everything is read from the centre
first, then applied in one short local transaction.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, delete, select, text

from station.adapters.db.database import Database
from station.adapters.db.models import (
    DefectType,
    Manual,
    ManualSection,
    ModelConfig,
    Product,
    RoleRow,
    User,
    UserRole,
)

USER_FIELDS = ("email", "password_hash", "full_name", "phone", "is_active")
PRODUCT_FIELDS = ("product_name", "description", "category", "is_active")
DEFECT_FIELDS = ("defect_name_ko", "defect_name_en", "full_name_ko", "description", "severity_level", "is_active")
CONFIG_FIELDS = ("model_type", "config_name", "preprocessing", "image_threshold", "pixel_threshold",
                 "review_threshold", "detection_model", "detection_confidence", "is_active", "created_at", "updated_at",
                 "view_code")
MANUAL_FIELDS = ("manual_title", "file_name", "file_path", "file_size", "file_type", "version", "upload_date",
                 "is_active", "vector_indexed", "indexed_at")
SECTION_FIELDS = ("section_type", "section_title", "section_content", "page_number", "chunk_index",
                  "embedding_vector", "created_at")


def _rows(conn, sql: str, **params: Any) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def _assign(row: object, data: dict[str, Any], fields: tuple[str, ...]) -> bool:
    changed = False
    for f in fields:
        if getattr(row, f) != data[f]:
            setattr(row, f, data[f])
            changed = True
    return changed


def _upsert_by_key(s, model, key: str, rows, fields: tuple[str, ...], counter: str, counts) -> dict:  # type: ignore[no-untyped-def]
    """Adds the central ``rows`` missing here and updates the changed ones, matched on the natural ``key``;
    returns every local row by key (flushed, so new rows have their ids)."""
    local = {getattr(r, key): r for r in s.scalars(select(model))}
    for row in rows:
        mine = local.get(row[key])
        if mine is None:
            mine = model(**{key: row[key]}, **{f: row[f] for f in fields})
            s.add(mine)
            local[row[key]] = mine
            counts[counter] += 1
        elif _assign(mine, row, fields):
            counts[counter] += 1
    s.flush()
    return local


def _centre_is_newer(central: datetime | None, local: datetime | None) -> bool:
    """True when the centre's row changed after the local one (a row without a time is the oldest)."""
    if local is None:
        return True
    if central is None:
        return False
    return _naive(central) > _naive(local)


def _naive(moment: datetime | str) -> datetime:
    if isinstance(moment, str):  # SQLite hands back text where the column was written raw
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


class CataloguePuller:
    def __init__(self, central: Engine, local: Database) -> None:
        self._central = central
        self._local = local

    def _fetch(self, known_manuals: dict[str, tuple]) -> dict[str, list[dict[str, Any]]]:
        with self._central.connect() as conn:
            # a centre not yet at migration 0010 has no review threshold column: it configures none
            review = ("c.review_threshold" if conn.execute(text(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'model_configs' "
                "AND column_name = 'review_threshold'")).first() else "NULL AS review_threshold")
            # nor, before migration 0014, a view code: every configuration is a product's own
            view = ("c.view_code" if conn.execute(text(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'model_configs' "
                "AND column_name = 'view_code'")).first() else "NULL AS view_code")
            data = {
                "users": _rows(conn, "SELECT username, email, password_hash, full_name, phone, is_active FROM users"),
                "user_roles": _rows(conn, "SELECT u.username, r.role_name FROM user_roles ur "
                                          "JOIN users u ON u.user_id = ur.user_id JOIN roles r ON r.role_id = ur.role_id"),
                "products": _rows(conn, "SELECT product_code, product_name, description, category, is_active "
                                        "FROM products"),
                "defect_types": _rows(conn, "SELECT p.product_code, d.defect_code, d.defect_name_ko, d.defect_name_en, "
                                            "d.full_name_ko, d.description, d.severity_level, d.is_active "
                                            "FROM defect_types d JOIN products p ON p.product_id = d.product_id"),
                "model_configs": _rows(conn, "SELECT c.sync_uuid::text AS sync_uuid, p.product_code, c.model_type, "
                                             f"c.config_name, c.preprocessing, c.image_threshold, c.pixel_threshold, {review}, "
                                             "c.detection_model, c.detection_confidence, c.is_active, c.created_at, "
                                             f"c.updated_at, {view} FROM model_configs c "
                                             "LEFT JOIN products p ON p.product_id = c.product_id"),
                "manuals": _rows(conn, "SELECT m.sync_uuid::text AS sync_uuid, p.product_code, u.username AS uploader, "
                                       + ", ".join(f"m.{f}" for f in MANUAL_FIELDS)
                                       + " FROM manuals m LEFT JOIN products p ON p.product_id = m.product_id "
                                         "LEFT JOIN users u ON u.user_id = m.uploaded_by"),
            }
            changed = [m["sync_uuid"] for m in data["manuals"]
                       if known_manuals.get(m["sync_uuid"]) != (m["indexed_at"], m["vector_indexed"], m["file_path"])]
            data["manual_sections"] = _rows(
                conn, "SELECT s.sync_uuid::text AS sync_uuid, m.sync_uuid::text AS manual_uuid, p.product_code, "
                      "d.defect_code, " + ", ".join(f"s.{f}" for f in SECTION_FIELDS)
                + " FROM manual_sections s JOIN manuals m ON m.manual_id = s.manual_id "
                  "LEFT JOIN defect_types d ON d.defect_type_id = s.defect_type_id "
                  "LEFT JOIN products p ON p.product_id = d.product_id "
                  "WHERE m.sync_uuid::text = ANY(:changed)", changed=changed) if changed else []
            data["changed_manuals"] = [{"sync_uuid": u} for u in changed]
        return data

    def pull(self) -> dict[str, int]:
        """Copies the centre's catalogue here; returns the number of local rows created or changed."""
        with self._local.session() as s:
            known = {m.sync_uuid: (m.indexed_at, m.vector_indexed, m.file_path) for m in s.scalars(select(Manual))}
        data = self._fetch(known)
        counts = dict.fromkeys(("users", "user_roles", "products", "defect_types", "model_configs", "manuals",
                                "manual_sections"), 0)
        with self._local.session() as s:
            users = self._users(s, data, counts)
            products = self._products(s, data, counts)
            defects = self._defects(s, data, products, counts)
            self._configs(s, data, products, counts)
            self._manuals(s, data, products, users, defects, counts)
        return counts

    def _users(self, s, data, counts) -> dict[str, int]:  # type: ignore[no-untyped-def]
        local = _upsert_by_key(s, User, "username", data["users"], USER_FIELDS, "users", counts)
        role_ids = dict(s.execute(select(RoleRow.role_name, RoleRow.role_id)).all())
        wanted: dict[int, set[int]] = {local[r["username"]].user_id: set() for r in data["users"]}
        for row in data["user_roles"]:
            wanted[local[row["username"]].user_id].add(role_ids[row["role_name"]])
        for user_id, roles in wanted.items():
            have = set(s.scalars(select(UserRole.role_id).where(UserRole.user_id == user_id)))
            if have != roles:
                s.execute(delete(UserRole).where(UserRole.user_id == user_id, UserRole.role_id.not_in(roles)))
                s.add_all(UserRole(user_id=user_id, role_id=r) for r in roles - have)
                counts["user_roles"] += 1
        return {name: u.user_id for name, u in local.items()}

    def _products(self, s, data, counts) -> dict[str, int]:  # type: ignore[no-untyped-def]
        local = _upsert_by_key(s, Product, "product_code", data["products"], PRODUCT_FIELDS, "products", counts)
        return {code: p.product_id for code, p in local.items()}

    def _defects(self, s, data, products, counts) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
        codes = {pid: code for code, pid in products.items()}
        local = {(codes.get(d.product_id), d.defect_code): d for d in s.scalars(select(DefectType))}
        for row in data["defect_types"]:
            key = (row["product_code"], row["defect_code"])
            defect = local.get(key)
            if defect is None:
                defect = DefectType(product_id=products[key[0]], defect_code=key[1],
                                    **{f: row[f] for f in DEFECT_FIELDS})
                s.add(defect)
                local[key] = defect
                counts["defect_types"] += 1
            elif _assign(defect, row, DEFECT_FIELDS):
                counts["defect_types"] += 1
        s.flush()
        return {k: d.defect_type_id for k, d in local.items()}

    def _configs(self, s, data, products, counts) -> None:  # type: ignore[no-untyped-def]
        local = {c.sync_uuid: c for c in s.scalars(select(ModelConfig))}
        for row in data["model_configs"]:
            config = local.get(row["sync_uuid"])
            product_id = products.get(row["product_code"]) if row["product_code"] else None
            if config is None:
                s.add(ModelConfig(sync_uuid=row["sync_uuid"], product_id=product_id,
                                  **{f: row[f] for f in CONFIG_FIELDS}))
                counts["model_configs"] += 1
            elif not _centre_is_newer(row["updated_at"], config.updated_at):
                continue  # changed here since the centre's last change: the station's values stay
            elif _assign(config, row, CONFIG_FIELDS) | (config.product_id != product_id):
                config.product_id = product_id
                counts["model_configs"] += 1

    def _manuals(self, s, data, products, users, defects, counts) -> None:  # type: ignore[no-untyped-def]
        local = {m.sync_uuid: m for m in s.scalars(select(Manual))}
        by_version = {(m.product_id, m.version): m for m in local.values() if m.version is not None}
        for row in data["manuals"]:
            product_id = products.get(row["product_code"]) if row["product_code"] else None
            manual = local.get(row["sync_uuid"]) or by_version.get((product_id, row["version"]))
            if manual is None:
                manual = Manual(sync_uuid=row["sync_uuid"])
                s.add(manual)
            manual.sync_uuid = row["sync_uuid"]  # a local copy of the same version takes the centre's key
            changed = _assign(manual, row, MANUAL_FIELDS) | (manual.product_id != product_id)
            manual.product_id = product_id
            manual.uploaded_by = users.get(row["uploader"]) if row["uploader"] else None
            counts["manuals"] += int(changed or manual.manual_id is None)
            local[row["sync_uuid"]] = manual
        s.flush()
        sections: dict[str, list[dict[str, Any]]] = {}
        for row in data["manual_sections"]:
            sections.setdefault(row["manual_uuid"], []).append(row)
        for item in data["changed_manuals"]:
            manual = local[item["sync_uuid"]]
            wanted = sections.get(item["sync_uuid"], [])
            s.execute(delete(ManualSection).where(
                ManualSection.manual_id == manual.manual_id,
                ManualSection.sync_uuid.not_in([r["sync_uuid"] for r in wanted])))
            have = {x.sync_uuid: x for x in s.scalars(
                select(ManualSection).where(ManualSection.manual_id == manual.manual_id))}
            for row in wanted:
                defect_id = defects.get((row["product_code"], row["defect_code"])) if row["defect_code"] else None
                section = have.get(row["sync_uuid"])
                if section is None:
                    section = ManualSection(sync_uuid=row["sync_uuid"], manual_id=manual.manual_id)
                    s.add(section)
                if _assign(section, row, SECTION_FIELDS) or section.defect_type_id != defect_id:
                    counts["manual_sections"] += 1
                section.defect_type_id = defect_id
