"""What every feature of the services shares: the cross-feature ports (catalogue, object store, camera,
audit trail, deployment log) and the one change bus that tells every front end what changed."""

from station.services.shared.changes import (
    CatalogChanged, Change, ChangeNotifier, Listener, ModelStatusChanged, RecordsChanged, ThresholdsChanged,
)
from station.services.shared.ports import (
    AuditTrail, CameraFeed, CameraSettingsStore, CatalogReader, CatalogRepository, DeploymentLog, ObjectStore,
)

__all__ = [
    "AuditTrail", "CameraFeed", "CameraSettingsStore", "CatalogChanged", "CatalogReader", "CatalogRepository",
    "Change", "ChangeNotifier", "DeploymentLog", "Listener", "ModelStatusChanged", "ObjectStore",
    "RecordsChanged", "ThresholdsChanged",
]
