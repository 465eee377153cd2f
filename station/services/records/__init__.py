"""What happened to each part, kept and shared: corrective actions and feedback, verdict overrides, the
recurrence watch, the health alerts, supervisor reports and their control charts, the change notifier, sync
with the centre and the upkeep of the station's own disk (retention of local copies, the free-space
watermark).

Modules of this package import one another by their full module path; this file only gathers the names
other layers use.
"""

from station.services.records.actions import ActionService
from station.services.records.control_charts import ControlCharts
from station.services.records.disk import DiskUpkeep
from station.services.records.health_alerts import HealthAlertService
from station.services.records.overrides import OverrideService
from station.services.records.recurrence import RecurrenceWatch
from station.services.records.review import InspectionReviewService
from station.services.records.reports import ReportService, ShiftReport, row_verdict, shift_window
from station.services.records.sync import SyncService, backoff_delay
from station.services.records.ports import InspectionReviewReader, LocalObjectFiles, ObjectTarget

__all__ = [
    "ActionService",
    "ControlCharts",
    "backoff_delay",
    "DiskUpkeep",
    "HealthAlertService",
    "InspectionReviewReader",
    "InspectionReviewService",
    "LocalObjectFiles",
    "ObjectTarget",
    "OverrideService",
    "RecurrenceWatch",
    "ReportService",
    "row_verdict",
    "shift_window",
    "ShiftReport",
    "SyncService",
]
