"""Camera and process health of inspected frames (pure numpy/OpenCV): the image signals of one frame
(``signals``: brightness, contrast, focus, the part's offset against the reference good image), the drift
detection on them and on the PASS scores (``detection``: an EWMA per signal gated by a minimum practical
change, one alert per episode) and the alerts' wording (``messages``)."""

from station.pipeline.health.detection import (
    IMAGE_SIGNALS, REFERENCE_CANDIDATES, BaselineLearner, HealthSettings, HealthState, choose_reference, learn_baseline, limits_of,
)
from station.pipeline.health.files import HEALTH_FILE, baseline_files, baseline_from_files
from station.pipeline.health.messages import alert_message, direction_of
from station.pipeline.health.signals import WORK_SIZE, FrameSignals, RegistrationReference, measure, to_grey

__all__ = [
    "BaselineLearner", "HEALTH_FILE", "IMAGE_SIGNALS", "WORK_SIZE", "FrameSignals", "HealthSettings", "HealthState",
    "REFERENCE_CANDIDATES", "RegistrationReference", "alert_message", "baseline_files", "baseline_from_files",
    "choose_reference", "direction_of",
    "learn_baseline", "limits_of", "measure", "to_grey",
]
