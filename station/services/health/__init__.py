"""Camera and process health (Qt-free): :class:`HealthWatch` sees every recorded inspection (the inspection
service calls it after each judged view), keeps an EWMA chart per signal of each product and view against
the baseline learned at build time (``station.pipeline.health``), and raises a
:class:`~station.domain.health.HealthAlert` in a worker's words when the lamp, the camera's position or focus,
or the good parts themselves drift. Ports (baseline store, alert sink, good images) are in ``ports``."""

from station.pipeline.health.detection import HealthSettings
from station.services.health.library import LibraryGoodImages
from station.services.health.ports import AlertSink, BaselineStore, GoodImages
from station.services.health.watch import LAZY_IMAGES, HealthWatch

__all__ = ["LAZY_IMAGES", "AlertSink", "BaselineStore", "GoodImages", "HealthSettings", "HealthWatch",
           "LibraryGoodImages"]
