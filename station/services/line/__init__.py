"""The station on the production line: triggers from the wired links (MQTT, Modbus, serial) served one at a
time with exactly one published answer each, and the line wiring as a validated, audited setting.

Modules of this package import one another by their full module path; this file only gathers the names
other layers use.
"""

from station.services.line.settings import LineSettingsService, describe, validate_wiring
from station.services.line.station import AlertSummary, Capture, Deliver, Inspect, LineStation, Observer
from station.services.line.ports import AlertLink, LineLink

__all__ = [
    "AlertLink",
    "AlertSummary",
    "Capture",
    "Deliver",
    "describe",
    "Inspect",
    "LineLink",
    "LineSettingsService",
    "LineStation",
    "Observer",
    "validate_wiring",
]
