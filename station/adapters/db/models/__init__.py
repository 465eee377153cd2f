"""Typed SQLAlchemy 2.0 models of the central schema, one module per domain on the shared base of
:mod:`station.adapters.db.models.base`.

One set of models serves the central PostgreSQL and the station's local SQLite store: JSONB becomes JSON
on SQLite. PostgreSQL-only parts (regex CHECK, comments, GIN indexes, RLS, audit trigger, views) are
created by the Alembic migrations in ``db/migrations``. Importing this package maps every table on
``Base.metadata`` and then declares the schema's named indexes on them (:mod:`station.adapters.db.indexes`),
whichever model module is imported first.
"""

from station.adapters.db.indexes import attach_indexes
from station.adapters.db.models.actions import ActionLog, Feedback
from station.adapters.db.models.base import Base
from station.adapters.db.models.catalog import DefectType, Image, ImageMetadata, ModelConfig, Product
from station.adapters.db.models.deployments import Deployment
from station.adapters.db.models.health import HealthAlertRow
from station.adapters.db.models.inspections import Inspection, InspectionResult
from station.adapters.db.models.line import RecurrenceAlert, VerdictOverride
from station.adapters.db.models.manuals import Manual, ManualSection
from station.adapters.db.models.operations import AuditLog, ObjectFile
from station.adapters.db.models.users import RoleRow, User, UserRole

attach_indexes(Base.metadata)

__all__ = [
    "ActionLog", "AuditLog", "Base", "DefectType", "Deployment", "Feedback", "HealthAlertRow", "Image",
    "ImageMetadata", "Inspection", "InspectionResult", "Manual", "ManualSection", "ModelConfig", "ObjectFile", "Product",
    "RecurrenceAlert", "RoleRow", "User", "UserRole", "VerdictOverride",
]
