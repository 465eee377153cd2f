"""Named indexes of the central schema (db/sql/0001_tables.sql and migration 0004), declared on the ORM
metadata so that the models match the migrated databases."""

from __future__ import annotations

from sqlalchemy import Index, MetaData, text

# Indexes named as in the schema's SQL (GIN indexes are PostgreSQL-only).
DOC_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "idx_users_username": ("users", ("username",)),
    "idx_users_email": ("users", ("email",)),
    "idx_users_is_active": ("users", ("is_active",)),
    "idx_user_roles_user": ("user_roles", ("user_id",)),
    "idx_user_roles_role": ("user_roles", ("role_id",)),
    "idx_products_code": ("products", ("product_code",)),
    "idx_products_active": ("products", ("is_active",)),
    "idx_defect_types_product": ("defect_types", ("product_id",)),
    "idx_defect_types_code": ("defect_types", ("defect_code",)),
    "idx_defect_types_active": ("defect_types", ("is_active",)),
    "idx_manuals_product": ("manuals", ("product_id",)),
    "idx_manuals_active": ("manuals", ("is_active",)),
    "idx_manuals_indexed": ("manuals", ("vector_indexed",)),
    "idx_manual_sections_manual": ("manual_sections", ("manual_id",)),
    "idx_manual_sections_defect": ("manual_sections", ("defect_type_id",)),
    "idx_manual_sections_type": ("manual_sections", ("section_type",)),
    "idx_images_product": ("images", ("product_id",)),
    "idx_images_type": ("images", ("image_type",)),
    "idx_images_defect": ("images", ("defect_type_id",)),
    "idx_images_active": ("images", ("is_active",)),
    "idx_image_metadata_image": ("image_metadata", ("image_id",)),
    "idx_inspections_product": ("inspections", ("product_id",)),
    "idx_inspections_inspector": ("inspections", ("inspector_id",)),
    "idx_inspections_status": ("inspections", ("status",)),
    "idx_inspections_date": ("inspections", ("inspection_date",)),
    "idx_results_inspection": ("inspection_results", ("inspection_id",)),
    "idx_results_defect_type": ("inspection_results", ("defect_type_id",)),
    "idx_results_detected": ("inspection_results", ("defect_detected",)),
    "idx_action_logs_inspection": ("action_logs", ("inspection_id",)),
    "idx_action_logs_result": ("action_logs", ("action_result",)),
    "idx_action_logs_date": ("action_logs", ("action_date",)),
    "idx_feedbacks_inspection": ("feedbacks", ("inspection_id",)),
    "idx_feedbacks_user": ("feedbacks", ("user_id",)),
    "idx_feedbacks_rating": ("feedbacks", ("rating",)),
    "idx_feedbacks_type": ("feedbacks", ("feedback_type",)),
    "idx_deployments_type": ("deployments", ("deployment_type",)),
    "idx_deployments_product": ("deployments", ("product_id",)),
    "idx_deployments_status": ("deployments", ("status",)),
    "idx_deployments_started": ("deployments", ("started_at",)),
    "idx_model_configs_product": ("model_configs", ("product_id",)),
    "idx_model_configs_type": ("model_configs", ("model_type",)),
    "idx_model_configs_active": ("model_configs", ("is_active",)),
    "idx_results_inspection_defect": ("inspection_results", ("inspection_id", "defect_type_id")),
    "idx_audit_logs_table_time": ("audit_logs", ("table_name", "logged_at")),
    "idx_results_verdict": ("inspection_results", ("verdict",)),  # migration 0007
    "idx_images_product_view": ("images", ("product_id", "view_code")),  # migration 0014
}
# Migration 0004: tables whose rows carry a station-generated sync key.
SYNC_UUID_TABLES = (
    "images", "image_metadata", "inspections", "inspection_results", "action_logs", "feedbacks",
    "deployments", "audit_logs", "model_configs", "manuals", "manual_sections",
)

# GIN indexes are PostgreSQL-only: created by the migration, declared here for that dialect.
PG_ONLY_INDEXES = ("idx_detected_regions_gin", "idx_config_params_gin")


def attach_indexes(metadata: MetaData) -> None:
    """Declares every named index on the tables of ``metadata`` (called once, by the models package)."""
    tables = metadata.tables
    for name, (table, cols) in DOC_INDEXES.items():
        Index(name, *(tables[table].c[c] for c in cols))

    inspections = tables["inspections"]
    Index("idx_inspections_product_date", inspections.c.product_id, inspections.c.inspection_date.desc())
    Index("idx_detected_regions_gin", tables["inspection_results"].c.detected_regions,
          postgresql_using="gin").ddl_if(dialect="postgresql")
    Index("idx_config_params_gin", tables["model_configs"].c.preprocessing,
          postgresql_using="gin").ddl_if(dialect="postgresql")

    # Migration 0008 (PostgreSQL only): the dashboard's count of reference images per product.
    images = tables["images"]
    Index("idx_images_reference", images.c.product_id, images.c.image_type,
          postgresql_where=text("is_active AND image_type IN ('normal', 'defect')")).ddl_if(dialect="postgresql")

    # Migration 0004: unique sync keys and the object file state index.
    for table in SYNC_UUID_TABLES:
        Index(f"uq_{table}_sync_uuid", tables[table].c.sync_uuid, unique=True)
    Index("idx_object_files_state", tables["object_files"].c.state)

