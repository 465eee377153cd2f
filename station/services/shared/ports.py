"""Ports every feature uses: the catalogue, the object store, the camera, the audit trail and the deployment log."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, Protocol

from station.domain.audit import AuditEntry
from station.domain.camera import CameraSpec, CameraStatus, Frame
from station.domain.catalog import ImageInfo, ModelConfigInfo, ProductInfo, ProductSpec


class CatalogRepository(Protocol):
    def upsert_products(self, products: list[ProductSpec]) -> dict[str, int]:
        """Creates missing products/defect types, updates names; returns counts by kind."""
        ...


class CatalogReader(Protocol):
    def get_product(self, code: str) -> ProductInfo:
        """Raises NotFoundError when there is no active product with that code."""
        ...

    def list_products(self) -> list[ProductInfo]: ...

    def get_model_config(self, product_id: int, view_code: str | None = None) -> ModelConfigInfo:
        """The active anomaly-detection config (of the view ``view_code``, else the product's own); defaults
        (0.85/0.90) when there is none."""
        ...

    def list_views(self, product_id: int) -> list[ModelConfigInfo]:
        """The configurations of the product's views in their order; empty: one implicit view."""
        ...

    def save_model_config(self, config: ModelConfigInfo, fields: Collection[str] | None = None) -> ModelConfigInfo:
        """Writes ``fields`` of ``config`` (names from ``CONFIG_FIELDS``; None: all of them, as a new
        configuration always is) and leaves the others as stored; returns the configuration as stored."""
        ...

    def list_images(self, product_id: int, image_type: str | None = None, *,
                    view_code: str | None = None) -> list[ImageInfo]:
        """Active library images of the product's implicit view (``view_code`` None) or of one view."""
        ...

    def add_image(
        self, product_id: int, image_type: str, file_name: str, file_path: str, *,
        defect_type_id: int | None = None, file_size: int | None = None, width: int | None = None,
        height: int | None = None, format: str | None = None, uploaded_by: int | None = None,
        view_code: str | None = None,
    ) -> ImageInfo: ...


class ObjectStore(Protocol):
    """Images, heatmaps and manuals by content-hash key (``file_path`` columns hold the key)."""

    def put_bytes(self, data: bytes, *, kind: str, suffix: str) -> str: ...

    def put_file(self, path: Path, *, kind: str) -> str: ...

    def get_bytes(self, key: str) -> bytes: ...

    def local_path(self, key: str) -> Path | None:
        """A readable local file for ``key`` when the store has one (local folder), else None."""
        ...


class CameraFeed(Protocol):
    """A running capture (``station.adapters.camera.worker.CaptureWorker``): newest frame and state."""

    spec: CameraSpec

    def start(self) -> None: ...

    def stop(self, timeout: float = 3.0) -> None: ...

    def latest(self) -> Frame | None: ...

    def status(self) -> CameraStatus: ...


class CameraSettingsStore(Protocol):
    def load(self) -> CameraSpec: ...

    def save(self, spec: CameraSpec) -> None: ...


class AuditTrail(Protocol):
    """Application-written ``audit_logs`` rows (who, when, old, new)."""

    def record(self, table_name: str, operation: str, user_id: int | None,
               old_data: dict[str, Any] | None, new_data: dict[str, Any] | None) -> int: ...

    def recent(self, table_name: str | None = None, limit: int = 50) -> list[AuditEntry]: ...


class DeploymentLog(Protocol):
    def start(
        self, deployment_type: str, product_id: int | None, config: dict[str, Any], user_id: int | None = None
    ) -> int: ...

    def finish(
        self, deployment_id: int, status: str, result_summary: dict[str, Any] | None = None,
        error_message: str | None = None,
    ) -> None: ...

    def history(self, product_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]: ...
