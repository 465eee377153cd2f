"""The application assembly: the station is built once, each service exactly once and shared by the front
ends (the GUI's settings service is the bench workflow's), and the inspection engine only on first use, so
that commands that never inspect do not load the ML stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

NEVER_INSPECTS = """
import sys
from station.cli.main import main
assert main(["users", "list"]) == 0
print("users list imports torch:", "torch" in sys.modules)
from station.app.station import build_station
station = build_station()
station.users.list_users()
station.catalog.list_products()
station.station_settings.camera()
station.sync.status()
station.close()
print("the station imports torch:", "torch" in sys.modules)
"""


def test_commands_that_never_inspect_do_not_import_torch() -> None:
    proc = subprocess.run([sys.executable, "-c", NEVER_INSPECTS], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env={**os.environ})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "users list imports torch: False" in proc.stdout
    assert "the station imports torch: False" in proc.stdout


def _counting(monkeypatch: pytest.MonkeyPatch, cls: type) -> list[object]:
    """The instances of ``cls`` made from now on, in order."""
    made: list[object] = []
    original = cls.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", init)
    return made


def test_each_service_is_built_once_and_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    import station.app.station as assembly
    from station.app.gui import build_gui_services
    from station.services.bench.workflow import BenchWorkflow
    from station.services.engine.settings import StationSettingsService

    engines: list[object] = []
    build_engine = assembly.build_engine

    def counted_build_engine(*args, **kwargs):  # type: ignore[no-untyped-def]
        engines.append(build_engine(*args, **kwargs))
        return engines[-1]

    monkeypatch.setattr(assembly, "build_engine", counted_build_engine)
    settings_services = _counting(monkeypatch, StationSettingsService)
    workflows = _counting(monkeypatch, BenchWorkflow)
    station = assembly.build_station()
    try:
        assert engines == [] and workflows == [], "the engine and the bench wait for their first use"
        gui = build_gui_services(station)
        assert station.engine is station.engine is engines[0] and len(engines) == 1
        assert station.bench is station.bench is gui.bench and workflows == [station.bench]
        assert settings_services == [station.station_settings] and gui.station_settings is station.station_settings
        assert gui.preview is station.engine.inspection and gui.onboarding is station.engine.onboarding
        assert gui.recurrence is station.recurrence and gui.overrides is station.overrides
        assert gui.health_alerts is station.health_alerts
        assert gui.history_thresholds is station.history_thresholds and gui.changes is station.changes
    finally:
        station.close()
