"""The architecture contract (pyproject [tool.importlinter]): layers, no Qt outside ui, no adapters in services."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(exe), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "broken" in proc.stdout and " 0 broken" in proc.stdout


def test_every_module_has_a_docstring() -> None:
    import ast

    missing = [
        str(path.relative_to(REPO)) for path in (REPO / "station").rglob("*.py")
        if path.stat().st_size > 0 and ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []
