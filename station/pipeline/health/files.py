"""A health baseline as model files: the arrays and JSON description published with a product's bank set
(file name :data:`HEALTH_FILE`; the reference good image downscaled to grey, the limits as JSON)."""

from __future__ import annotations

from typing import Any

import numpy as np

from station.domain.health import HealthBaseline
from station.pipeline.health.signals import RegistrationReference

HEALTH_FILE = "health"


def baseline_files(baseline: HealthBaseline,
                   reference: RegistrationReference | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """(arrays, meta) to save or publish under :data:`HEALTH_FILE`."""
    meta: dict[str, Any] = {"baseline": baseline.to_json()}
    if reference is None:
        return {}, meta
    meta["reference_size"] = [reference.height, reference.width]
    return {"reference": reference.to_array()}, meta


def baseline_from_files(arrays: dict[str, np.ndarray],
                        meta: dict[str, Any]) -> tuple[HealthBaseline, RegistrationReference | None]:
    baseline = HealthBaseline.from_json(meta["baseline"])
    if "reference" not in arrays or "reference_size" not in meta:
        return baseline, None
    height, width = meta["reference_size"]
    return baseline, RegistrationReference.from_array(arrays["reference"], int(height), int(width))
