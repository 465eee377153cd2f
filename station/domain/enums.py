"""Closed vocabularies of the central schema, mirrored by its CHECK constraints."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    WORKER = "worker"
    VIEWER = "viewer"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMIN: "시스템 관리자 - 모든 권한",
    Role.MANAGER: "관리자 - 제품/데이터 관리",
    Role.WORKER: "작업자 - 검사 수행",
    Role.VIEWER: "열람자 - 조회만 가능",
}


class ImageType(StrEnum):
    NORMAL = "normal"
    DEFECT = "defect"
    TEST = "test"


class InspectionStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ActionResult(StrEnum):
    RESOLVED = "resolved"
    PENDING = "pending"
    FAILED = "failed"
    DEFERRED = "deferred"


class DeploymentType(StrEnum):
    CLIP_EMBEDDING = "clip_embedding"
    PATCHCORE_BANK = "patchcore_bank"
    RAG_INDEXING = "rag_indexing"
    MODEL_UPDATE = "model_update"


class DeploymentStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SectionType(StrEnum):
    CAUSE = "cause"
    ACTION = "action"
    OTHER = "other"


class ModelType(StrEnum):
    ANOMALY_DETECTION = "anomaly_detection"
    OBJECT_DETECTION = "object_detection"
    HYBRID = "hybrid"


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    UNCERTAIN = "UNCERTAIN"
