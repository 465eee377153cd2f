"""Writes the per-station line wiring back to ``line.toml`` (read by ``wiring_file.load_wiring``): the
GUI's Line I/O settings and ``station serve`` share one file. Written to a temporary file and renamed,
so a crash never leaves half a file; fields at their defaults are left out."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from station.adapters.line.wiring_file import load_wiring
from station.domain.line import LineWiring


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string


def dump_wiring(wiring: LineWiring) -> str:
    lines = [f"queue_size = {wiring.queue_size}"]
    defaults = LineWiring()
    for key in ("recurrence_inspections", "recurrence_hours", "max_warm_products"):
        if getattr(wiring, key) != getattr(defaults, key):
            lines.append(f"{key} = {_value(getattr(wiring, key))}")
    for name in ("mqtt", "modbus", "serial", "opcua"):
        part = getattr(wiring, name)
        if part is None:
            continue
        lines += ["", f"[{name}]"]
        for f in dataclasses.fields(part):
            value = getattr(part, f.name)
            if value is None or (f.default is not dataclasses.MISSING and value == f.default):
                continue
            lines.append(f"{f.name} = {_value(value)}")
    if wiring.recipes:
        lines += ["", "[recipes]"] + [f"{number} = {_value(code)}" for number, code in sorted(wiring.recipes.items())]
    return "\n".join(lines) + "\n"


class TomlWiringStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> LineWiring:
        return load_wiring(self.path)

    def save(self, wiring: LineWiring) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(dump_wiring(wiring), encoding="utf-8")
        os.replace(tmp, self.path)
