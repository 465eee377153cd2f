"""`station --self-check`, `station demo --headless`, the frozen entry point and the PyInstaller spec
(the one-folder build itself is run by hand: see docs/readme/gui.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from station.cli.main import main

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_self_check_inspects_rendered_parts_and_exits_zero(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    assert main(["--self-check"]) == 0
    out = capsys.readouterr().out
    assert "self-check: good part -> PASS" in out and "self-check: defect part -> FAIL" in out
    assert out.rstrip().endswith("self-check: OK")


def test_demo_headless_sets_up_everything_and_inspects(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "demo-home"
    assert main(["--home", str(home), "demo", "--headless", "--good-images", "8"]) == 0
    out = capsys.readouterr().out
    assert "demo accounts (password demo1234)" in out and "manual:" in out and "memory bank:" in out
    assert "inspected 002_" in out and "recorded as INS-" in out
    assert len(list((home / "demo" / "replay").glob("*.png"))) == 12
    assert main(["--home", str(home), "demo", "--headless"]) == 0  # a second run reuses what is there
    again = capsys.readouterr().out
    assert "image library: already present" in again and "memory bank: already built" in again


def test_frozen_entry_point_is_the_cli(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import station.__main__ as frozen

    monkeypatch.setattr(sys, "argv", ["inspection-station", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        frozen.run()
    assert exit_info.value.code == 0 and "station" in capsys.readouterr().out


def test_pyinstaller_spec_bundles_resources_and_migrations_but_no_weights() -> None:
    spec = (REPO / "pyinstaller.spec").read_text(encoding="utf-8")
    ast.parse(spec)
    for bundled in ('ROOT / "resources"', 'ROOT / "db" / "sql"', 'ROOT / "db" / "migrations"',
                    'ROOT / "models" / "manifest.toml"', '"station" / "__main__.py"'):
        assert bundled in spec
    for path in ("resources/themes/light.qss", "resources/i18n/station_ko.qm", "db/migrations/env.py",
                 "models/manifest.toml", "station/__main__.py"):
        assert (REPO / path).exists(), path
    assert not any(token in spec for token in (".gguf", ".pth", ".safetensors", 'ROOT / "models")'))
