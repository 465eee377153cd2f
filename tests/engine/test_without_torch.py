"""The station without torch, as in the lean CPU package (``pyinstaller-cpu.spec``): simulated in a fresh
process whose imports of torch, timm, anomalib, open_clip, lightning and onnx fail. The self-check and the
demo install the prebuilt demo model set (made with torch by ``station.app.demo_package``) and inspect on
the exported runtime, recording the inspection; building, and inspecting a product without an export, end
with one clear line and no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from station.adapters.engine.availability import module_available, torch_available
from station.app.demo_prebuilt import DEMO, SELF_CHECK

REPO = Path(__file__).resolve().parents[2]
BLOCKED = ("torch", "torchvision", "timm", "anomalib", "open_clip", "lightning", "onnx")
# The station's command line in a process where the build-only packages cannot be imported.
NO_TORCH = f"""
import sys
class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            raise ImportError(f"No module named {{name!r}}")
        return None
sys.meta_path.insert(0, NoTorch())
from station.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("TORCH_LOADED" if "torch" in sys.modules else "TORCH_ABSENT")
raise SystemExit(code)
"""


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The self-check's prebuilt demo model set, made with torch as the package build does; the demo variant
    is the same files (the test only needs a set that the exported runtime serves)."""
    from station.app.demo_package import make_variant

    root = tmp_path_factory.mktemp("prebuilt")
    saved = os.environ.get("STATION_CONFIG")
    try:
        summary = make_variant(root, SELF_CHECK)
    finally:
        if saved is not None:
            os.environ["STATION_CONFIG"] = saved
    assert summary["runtime"] == "onnxruntime"
    shutil.copytree(root / SELF_CHECK, root / DEMO)
    return root


def _station(home: Path, prebuilt: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATION_") or k.startswith("STATION_TEST_")}
    env.update(STATION_HOME=str(home), STATION_CONFIG=str(home / "config.toml"), QT_QPA_PLATFORM="offscreen")
    if prebuilt is not None:
        env["STATION_DEMO_PREBUILT"] = str(prebuilt)
    return subprocess.run([sys.executable, "-c", NO_TORCH, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("station: error:")]
    return line


def test_the_blocker_hides_torch_but_not_the_runtime() -> None:
    done = subprocess.run([sys.executable, "-c", NO_TORCH.replace("from station.cli.main import main", (
        "from station.adapters.engine.availability import module_available, torch_available\n"
        "print(torch_available(), module_available('onnxruntime'), module_available('open_clip'))\n"
        "main = lambda argv: 0"))], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "False True False"
    assert torch_available() and module_available("numpy")  # this process has the full environment


@pytest.mark.network
@pytest.mark.slow
def test_self_check_passes_without_torch_on_the_prebuilt_model(prebuilt: Path, tmp_path: Path) -> None:
    done = _station(tmp_path / "home", prebuilt, "--self-check")
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert "memory bank: prebuilt" in done.stdout and "self-check: OK" in done.stdout
    assert "good part -> PASS" in done.stdout and "onnxruntime" in done.stdout
    assert done.stdout.rstrip().endswith("TORCH_ABSENT")


@pytest.mark.network
@pytest.mark.slow
def test_demo_inspects_and_records_without_torch_and_refuses_to_build(prebuilt: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    demo = _station(home, prebuilt, "demo", "--headless", "--good-images", "12")
    assert demo.returncode == 0, (demo.stdout[-3000:], demo.stderr[-3000:])
    assert "memory bank: prebuilt" in demo.stdout and "recorded as" in demo.stdout
    assert demo.stdout.rstrip().endswith("TORCH_ABSENT")
    code = demo.stdout.split("recorded as ")[1].split()[0]

    from sqlalchemy import select

    from station.adapters.db.models.inspections import Inspection
    from station.app.station import build_station
    from station.config import load_settings

    ctx = build_station(load_settings(home=home))
    try:
        with ctx.db.session() as session:
            assert session.scalars(select(Inspection).where(Inspection.inspection_code == code)).one()
    finally:
        ctx.close()

    line = _one_line_error(_station(home, prebuilt, "build", "--product", "demo-cast"))
    assert "CPU package" in line and "'demo-cast'" in line and "full station" in line

    # the published set without its export: inspection cannot fall back to torch here
    for path in (home / "models" / "banks" / "demo-cast").glob("v*/exported.*"):
        path.unlink()
    image = next((home / "demo" / "replay").glob("*.png"))
    line = _one_line_error(_station(home, prebuilt, "inspect", "--product", "demo-cast", str(image)))
    assert "no exported model" in line and "'demo-cast'" in line


@pytest.mark.slow
def test_demo_without_a_prebuilt_model_says_so(tmp_path: Path) -> None:
    done = _station(tmp_path / "home", tmp_path / "none", "--self-check")
    line = _one_line_error(done)
    assert "no prebuilt demo model" in line


def test_the_lean_spec_leaves_out_the_build_only_packages_and_bundles_the_prebuilt_models() -> None:
    spec = (REPO / "pyinstaller-cpu.spec").read_text(encoding="utf-8")
    excluded = spec.split("BUILD_ONLY = [", 1)[1].split("]", 1)[0]
    for package in ("torch", "torchvision", "triton", "nvidia", "timm", "anomalib", "lightning", "open_clip",
                    '"onnx"'):
        assert package in excluded, package
    assert "excludes=BUILD_ONLY" in spec and '"onnxruntime"' in spec.split("hiddenimports = (", 1)[1]
    assert "station.app.demo_package" in spec and '"resources/demo/prebuilt"' in spec
    assert 'name="inspection-station-cpu"' in spec
    assert "build/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
