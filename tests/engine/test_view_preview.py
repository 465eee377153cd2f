"""One view's picture judged on its own (the technician's live preview of a view): it is never recorded, and
a view the product does not have is refused with one line naming its views."""

from __future__ import annotations

import numpy as np
import pytest

from station.domain.errors import NotFoundError, ValidationError
from tests.support.ui import station_ctx  # noqa: F401

PRODUCT = "demo-cast"


def test_a_view_picture_is_judged_unrecorded_and_an_unknown_view_is_named(station_ctx) -> None:  # noqa: F811
    picture = np.full((64, 64, 3), 128, np.uint8)
    inspection = station_ctx.engine.inspection
    with pytest.raises(ValidationError, match="judged unrecorded"):
        inspection.inspect(PRODUCT, picture, view="top")  # record=True is the default
    station_ctx.station_settings.define_view(PRODUCT, "top", None)
    with pytest.raises(NotFoundError, match=r"has no view 'side' \(views: top\)"):
        inspection.inspect(PRODUCT, picture, record=False, view="side")
