"""Resident memory of the station at the bench, stage by stage: the station built the way the GUI builds it
(``build_station()`` on a given STATION_HOME), the engine and the manual embedder loaded, one inspection,
the guide model loaded and guides written. After each stage it prints RSS, PSS and USS from
``/proc/self/smaps_rollup`` (anonymous and file-backed parts apart), and at the end where the resident pages
are: the GGUF file's mapped pages, the shared libraries (torch, Qt, OpenCV, llama.cpp ...) and anonymous
memory, with the sizes the guide model reports for its own buffers (context, prompt step, cached prompts).

``--build`` rebuilds the product's bank in the process first, as the demo start does; ``--gui`` measures the
GUI process itself instead: the real station window (offscreen) on an image-folder camera, signed in, the
bench inspecting a defective part and writing its guide twice.

The home is copied first (``--home``, default ``/tmp/demo-home``, into ``--copy-to`` or a fresh temporary
folder) so the run changes nothing there; it must hold a built product (``--product``, default the first
with a bank) and the guide model in its models directory (``station models fetch qwen2.5-coder-1.5b``, or
``--models-dir``). Memory does not depend on the machine's load; no times are reported::

    .venv/bin/python -m benchmarks.bench_memory [--home /tmp/demo-home] [--build] [--gui] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

MB = 1024 * 1024


def rollup(pid: int | str = "self") -> dict[str, int]:
    """``/proc/<pid>/smaps_rollup`` in bytes (Rss, Pss, Pss_Anon, Pss_File, Private_*, Anonymous, ...)."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            out[key.strip()] = int(parts[0]) * 1024
    out["Uss"] = out.get("Private_Clean", 0) + out.get("Private_Dirty", 0)
    return out


def mappings(pid: int | str = "self") -> dict[str, dict[str, int]]:
    """Resident bytes per mapped object from ``/proc/<pid>/smaps``: path for files, ``[anon]`` for anonymous
    mappings (heap included); Rss and Pss per name."""
    groups: dict[str, dict[str, int]] = {}
    name = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and ":" not in head[0]:  # a mapping's header line
            path = head[5] if len(head) > 5 else ""
            name = path if path.startswith("/") else "[anon]" if path in ("", "[heap]") else path
            continue
        if head[0] in ("Rss:", "Pss:", "Anonymous:"):
            entry = groups.setdefault(name, {"Rss": 0, "Pss": 0, "Anonymous": 0})
            entry[head[0][:-1]] += int(head[1]) * 1024
    return groups


def category(path: str) -> str:
    p = path.lower()
    if p.endswith(".gguf"):
        return "gguf model file (mmap)"
    if "[anon]" in p or p.startswith("["):
        return "anonymous (heap, arenas, buffers)"
    for key, label in (("/torch/", "torch libraries"), ("pyside6", "Qt / PySide6 libraries"),
                       ("shiboken", "Qt / PySide6 libraries"), ("/cv2/", "OpenCV libraries"),
                       ("opencv", "OpenCV libraries"), ("llama_cpp", "llama.cpp libraries"),
                       ("/numpy", "numpy / scipy libraries"), ("/scipy", "numpy / scipy libraries"),
                       ("site-packages", "other Python packages"), ("python3", "Python interpreter"),
                       ("libpython", "Python interpreter")):
        if key in p:
            return label
    return "system libraries / other files"


class Recorder:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self._last: dict[str, int] | None = None

    def stage(self, name: str, note: str = "") -> dict[str, int]:
        gc.collect()
        now = rollup()
        prev = self._last or {k: 0 for k in now}
        row = {"stage": name, "note": note, **{k: now.get(k, 0) for k in ("Rss", "Pss", "Uss", "Pss_Anon", "Pss_File", "Anonymous")},
               "d_Rss": now["Rss"] - prev.get("Rss", 0), "d_Pss": now["Pss"] - prev.get("Pss", 0),
               "d_Anon": now.get("Anonymous", 0) - prev.get("Anonymous", 0)}
        self.rows.append(row)
        self._last = now
        print(f"{name:<34} RSS {now['Rss'] / MB:7.0f}  PSS {now['Pss'] / MB:7.0f}  USS {now['Uss'] / MB:7.0f}  "
              f"anon {now.get('Anonymous', 0) / MB:6.0f}  file {now.get('Pss_File', 0) / MB:6.0f} MB   "
              f"(+RSS {row['d_Rss'] / MB:6.0f}, +anon {row['d_Anon'] / MB:6.0f})  {note}", flush=True)
        return now


def first_product(models_dir: Path) -> str:
    banks = models_dir / "banks"
    for folder in sorted(banks.iterdir()) if banks.is_dir() else []:
        if (folder / "CURRENT").is_file() or any(folder.glob("patchcore.npz")):
            return folder.name
    raise SystemExit(f"no built product under {banks}: build one first (station demo / station build)")


def attention_image(home: Path) -> Path:
    """A defective part of the demo's replay folder (its guide is what the bench writes), else any image."""
    replay = home / "demo" / "replay"
    for pattern in ("*hole*.png", "*scratch*.png", "*burr*.png", "*.png"):
        found = sorted(replay.glob(pattern)) if replay.is_dir() else []
        if found:
            return found[0]
    found = sorted((home / "demo").rglob("*.png"))
    if not found:
        raise SystemExit(f"no image under {home / 'demo'}: pass --image")
    return found[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/demo-home"), help="a prepared station home (copied)")
    parser.add_argument("--copy-to", type=Path, default=None, help="where the copy goes (replaced); default a temp dir")
    parser.add_argument("--models-dir", type=Path, default=None, help="models directory (default: the copy's)")
    parser.add_argument("--product", default=None)
    parser.add_argument("--image", type=Path, default=None)
    parser.add_argument("--language", default=None, help="guide language (default: the station's)")
    parser.add_argument("--qt", action="store_true", help="import PySide6 and make a QApplication first (the GUI's)")
    parser.add_argument("--build", action="store_true",
                        help="rebuild the product's bank in this process first, as the demo start does")
    parser.add_argument("--gui", action="store_true",
                        help="the real station window (offscreen): sign in, bench, inspect a part with its guide twice")
    parser.add_argument("--user", default="worker", help="--gui: who signs in (the demo's users)")
    parser.add_argument("--password", default="demo1234", help="--gui: their password")
    parser.add_argument("--json", type=Path, default=None, help="also write the stages and breakdown as JSON")
    args = parser.parse_args()

    rec = Recorder()
    rec.stage("python")
    source = args.home.resolve()
    if not (source / "station.sqlite3").is_file() and not (source / "models").is_dir():
        raise SystemExit(f"{source} is not a station home")
    home = (args.copy_to or Path(tempfile.mkdtemp(prefix="bench-memory-")) / "home").resolve()
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(source, home, symlinks=True)
    os.environ["STATION_HOME"] = str(home)
    os.environ.setdefault("STATION_CONFIG", str(home / "config.toml"))
    if args.models_dir:
        os.environ["STATION_MODELS_DIR"] = str(args.models_dir.resolve())

    if args.gui:
        return run_gui(args, rec, home)
    if args.qt:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])  # noqa: F841 - alive for the whole run
        rec.stage("Qt (QApplication)")

    from station.app.station import build_station
    from station.config import load_settings

    settings = load_settings()
    station = build_station(settings)
    rec.stage("station built (no engine)")
    models_dir = settings.resolved_models_dir
    product = args.product or first_product(models_dir)

    import torch  # noqa: F401 - the engine's first import

    rec.stage("torch imported")
    engine = station.engine
    models = engine.models
    from station.adapters.engine.backbones import default_backbone

    meta = engine.files.meta(product, "patchcore") or {}
    backbone = meta.get("backbone") or default_backbone(models.directory)
    runtime = models.runtime(backbone, int(meta.get("input_size") or 256))
    rec.stage("backbone loaded", f"{backbone} @ {runtime.input_size}px")
    bench = station.bench
    status = bench.warm_up(product)
    loaded = engine.inspection.warm_up(product)
    bank = loaded.bank.features
    rec.stage("bank + index + embedder", f"bank {bank.shape} {bank.dtype}, {bank.nbytes / MB:.1f} MB")
    if args.build:
        summary = rebuild(engine, product)
        loaded = engine.inspection.warm_up(product)
        rec.stage("bank rebuilt in process", f"{summary.coreset_size} patches from {summary.n_images} images; "
                                             f"bank {loaded.bank.features.shape} {loaded.bank.features.dtype}")

    import cv2

    from station.domain.bench import BenchRequest, GuideDone, Inspected, Failed

    image_path = args.image or attention_image(home)
    image = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
    language = args.language or settings.language
    request = BenchRequest(request_id=1, product_code=product, image=image, language=language, guide=False,
                           source_name=image_path.name)
    outcome = None
    for event in bench.run(request):
        if isinstance(event, Inspected):
            outcome = event.outcome
        elif isinstance(event, Failed):
            raise SystemExit(f"inspection failed: {event.message}")
    rec.stage("one inspection", f"{image_path.name}: {outcome.verdict if outcome else '?'}")

    generator = station.guidance.generator
    if generator is None:
        raise SystemExit(f"no guide model in {models_dir}: run `station models fetch qwen2.5-coder-1.5b`")
    generator._model()  # noqa: SLF001 - the load the first guide does
    rec.stage("guide model loaded", f"{generator.model_name}, {memory_note(generator)}")
    guide = None
    for event in bench.write_guide(2, outcome, language, None):
        if isinstance(event, GuideDone):
            guide = event.guide
        elif isinstance(event, Failed):
            raise SystemExit(f"guide failed: {event.message}")
    rec.stage("one guide", f"{len(guide.content) if guide else 0} chars ({guide.source if guide else '-'}), {memory_note(generator)}")
    for event in bench.write_guide(3, outcome, language, None):
        pass
    final = rec.stage("second guide", memory_note(generator))
    report(rec, final, args.json)
    print(f"status: {status}")
    station.close()
    return 0


def report(rec: Recorder, final: dict[str, int], json_path: Path | None) -> None:
    groups = mappings()
    by_category: dict[str, dict[str, int]] = {}
    for path, sizes in groups.items():
        entry = by_category.setdefault(category(path), {"Rss": 0, "Pss": 0})
        entry["Rss"] += sizes["Rss"]
        entry["Pss"] += sizes["Pss"]
    print("\nresident at the bench, by mapping:")
    for name, sizes in sorted(by_category.items(), key=lambda kv: -kv[1]["Rss"]):
        print(f"  {name:<36} RSS {sizes['Rss'] / MB:7.0f}  PSS {sizes['Pss'] / MB:7.0f} MB")
    print(f"  {'total':<36} RSS {final['Rss'] / MB:7.0f}  PSS {final['Pss'] / MB:7.0f} MB")
    if json_path:
        json_path.write_text(json.dumps({"stages": rec.rows, "by_mapping": by_category}, indent=1))


def run_gui(args: argparse.Namespace, rec: Recorder, home: Path) -> int:
    """The GUI process itself: the station window (offscreen) on an image-folder camera showing one defective
    part; the bench inspects it and writes its guide, twice."""
    import time

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from station.app.gui import build_gui_services
    from station.app.station import build_station
    from station.config import load_settings
    from station.domain.bench import Failed, GuideDone
    from station.domain.camera import CameraSpec
    from station.ui.permissions import Screen
    from station.ui.shell.app import open_station, qt_application

    app = qt_application()
    rec.stage("Qt (QApplication)")
    settings = load_settings()
    station = build_station(settings)
    product = args.product or first_product(settings.resolved_models_dir)
    camera_dir = home.parent / "camera"
    camera_dir.mkdir(exist_ok=True)
    image = args.image or attention_image(home)
    shutil.copy(image, camera_dir / image.name)
    services = build_gui_services(station)
    window = open_station(services, camera=CameraSpec(source=str(camera_dir), fps=5))
    window.resize(1440, 900)
    window.show()

    def wait(condition, what: str, timeout: float = 1800.0) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.01)

    rec.stage("window open", f"{type(window).__name__}")
    window.login.username.setText(args.user)
    window.login.password.setText(args.password)
    window.login.submit()
    wait(lambda: window.workspace is not None, "sign-in", 120)
    window.show_screen(Screen.BENCH)
    bench = window.screens[Screen.BENCH]
    combo = window.product_combo
    wait(lambda: combo.findData(product) >= 0, "the product in the bench's list", 60)
    combo.setCurrentIndex(combo.findData(product))
    wait(lambda: bench.warm_job is None and window.camera.latest_frame is not None, "warm-up")
    rec.stage("bench warmed up", product)
    done: list[object] = []
    original = bench._event  # noqa: SLF001 - counts what reaches the screen; its handling is unchanged

    def watching(event):  # type: ignore[no-untyped-def]
        if isinstance(event, (GuideDone, Failed)):
            done.append(event)
        return original(event)

    bench._event = watching  # noqa: SLF001
    generator = station.guidance.generator
    for n in (1, 2):
        bench.inspect()
        wait(lambda: len(done) >= n and not bench.busy, f"guide {n}")
        last = done[-1]
        note = (f"guide {last.guide.source}" if isinstance(last, GuideDone) else f"failed: {last.message}")
        final = rec.stage(f"inspection + guide {n}", f"{note}; {memory_note(generator)}")
    report(rec, final, args.json)
    window.close()
    window.runner.wait_idle(60000)
    station.close()
    return 0


def rebuild(engine, product: str):  # type: ignore[no-untyped-def]
    """The product's bank built again here: the demo's fixed configuration for the demo product (what the
    demo start runs), the product's own build options otherwise."""
    from station.app.demo import DEMO_PRODUCT, build_demo_model

    return build_demo_model(engine) if product == DEMO_PRODUCT else engine.builder.build(product)


def memory_note(generator) -> str:  # type: ignore[no-untyped-def]
    llm = getattr(generator, "_llm", None)
    if llm is None:
        return "not loaded"
    snapshots = getattr(generator, "_snapshots", {})
    held = sum(len(s.state) for s in snapshots.values())
    return (f"n_ctx {llm.n_ctx()}, n_batch {llm.n_batch}, scores {llm.scores.nbytes / MB:.0f} MB (virtual), "
            f"{len(snapshots)} prompt snapshots {held / MB:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
