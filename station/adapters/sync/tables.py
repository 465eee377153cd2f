"""What is pushed and how: the station-owned tables (and the model configurations changed here), their
foreign keys by kind, the mutable columns.

Local ids never leave the station. A foreign key is sent as the referenced row's portable key
(``products.product_code``, ``(product_code, defect_code)``, ``users.username``, or the parent's
``sync_uuid``) and turned into the centre's id there. Every pushed row is upserted on its
``sync_uuid``; only the columns in ``mutable`` are updated on a repeat (the centre's grants to
``station_sync`` in db/sql/0005_station_role.sql allow exactly these).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import JSON, Boolean, Table

from station.adapters.db.models import Base

# Foreign-key kinds: how a local id is made portable and turned into a central id.
PRODUCT, DEFECT_TYPE, USER, IMAGE, INSPECTION = "product", "defect_type", "user", "image", "inspection"
ACTION = "action"
PARENT_TABLES = {IMAGE: ("images", "image_id"), INSPECTION: ("inspections", "inspection_id"),
                 ACTION: ("action_logs", "action_id")}


@dataclass(frozen=True)
class PushedTable:
    name: str
    pk: str
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> kind
    mutable: tuple[str, ...] = ()
    # Users unknown at the centre: False holds the record back (with a clear error), True sends NULL.
    lenient_users: bool = False
    object_keys: tuple[str, ...] = ()
    # JSON columns holding a list of objects whose ``artifacts`` map names to object-store keys (the
    # per-view results of migration 0014): those files are uploaded with the row too.
    json_object_keys: tuple[str, ...] = ()
    # A repeat overwrites the centre's row only where this column (a naive UTC time) is newer there.
    newer_wins: str | None = None

    @property
    def table(self) -> Table:
        return Base.metadata.tables[self.name]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """Columns sent to the centre, in order: everything but the local primary key."""
        return tuple(c.name for c in self.table.columns if c.name != self.pk)

    def object_keys_in(self, row: list[Any]) -> set[str]:
        """The object-store keys a row read for the wire (``spec.columns`` order, JSON as text) refers to."""
        keys = {row[self.columns.index(c)] for c in self.object_keys} - {None, ""}
        for column in self.json_object_keys:
            value = row[self.columns.index(column)]
            items = json.loads(value) if isinstance(value, (str, bytes)) else value
            for item in items if isinstance(items, list) else []:
                artifacts = item.get("artifacts") if isinstance(item, dict) else None
                keys.update(v for v in (artifacts or {}).values() if isinstance(v, str) and v)
        return keys

    @cached_property
    def json_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns if isinstance(c.type, JSON))

    @cached_property
    def bool_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.table.columns if isinstance(c.type, Boolean))


# Parents before children: a batch is written in this order inside one central transaction.
PUSHED_TABLES: tuple[PushedTable, ...] = (
    # Model configurations: the newest change wins wherever it was made (docs/readme/sync.md).
    PushedTable("model_configs", "config_id", {"product_id": PRODUCT},
                mutable=("config_name", "preprocessing", "image_threshold", "pixel_threshold", "review_threshold",
                         "detection_model",
                         "detection_confidence", "is_active", "updated_at"), newer_wins="updated_at"),
    PushedTable("images", "image_id", {"product_id": PRODUCT, "defect_type_id": DEFECT_TYPE, "uploaded_by": USER},
                mutable=("is_active",), object_keys=("file_path",)),
    PushedTable("image_metadata", "metadata_id", {"image_id": IMAGE},
                mutable=("exif_data", "preprocessing_applied", "quality_score")),
    PushedTable("inspections", "inspection_id",
                {"product_id": PRODUCT, "test_image_id": IMAGE, "reference_image_id": IMAGE, "inspector_id": USER},
                mutable=("status", "processing_time")),
    PushedTable("inspection_results", "result_id", {"inspection_id": INSPECTION, "defect_type_id": DEFECT_TYPE},
                mutable=("defect_detected", "defect_type_id", "confidence_score", "anomaly_score",
                         "similarity_score", "heatmap_path", "mask_path", "overlay_path", "comparison_path",
                         "detected_regions", "guide_generated", "guide_content", "guide_quality_score",
                         "verdict", "image_threshold", "pixel_threshold", "review_threshold", "provenance",
                         "view_code", "view_results"),
                object_keys=("heatmap_path", "mask_path", "overlay_path", "comparison_path"),
                json_object_keys=("view_results",)),
    PushedTable("action_logs", "action_id", {"inspection_id": INSPECTION, "action_by": USER},
                mutable=("action_taken", "action_result", "notes")),
    PushedTable("feedbacks", "feedback_id", {"inspection_id": INSPECTION, "user_id": USER},
                mutable=("rating", "feedback_text", "feedback_type")),
    PushedTable("verdict_overrides", "override_id",
                {"inspection_id": INSPECTION, "defect_type_id": DEFECT_TYPE, "library_image_id": IMAGE,
                 "overridden_by": USER}, mutable=("notes",)),
    # Raised on the station, pushed again when a supervisor acknowledges it (migration 0011).
    PushedTable("recurrence_alerts", "alert_id",
                {"product_id": PRODUCT, "defect_type_id": DEFECT_TYPE, "action_id": ACTION,
                 "inspection_id": INSPECTION, "acknowledged_by": USER},
                mutable=("status", "acknowledged_by", "acknowledged_at")),
    # Camera and process health alerts (migration 0015): likewise pushed when raised and when acknowledged.
    PushedTable("health_alerts", "alert_id", {"product_id": PRODUCT, "acknowledged_by": USER},
                mutable=("status", "acknowledged_by", "acknowledged_at")),
    PushedTable("deployments", "deployment_id", {"product_id": PRODUCT, "deployed_by": USER},
                mutable=("status", "completed_at", "result_summary", "error_message")),
    PushedTable("audit_logs", "log_id", {"user_id": USER}, lenient_users=True),
)
PUSHED_BY_NAME = {t.name: t for t in PUSHED_TABLES}
