"""Per-station line wiring in ``$STATION_HOME/line.toml`` (or the file ``STATION_LINE_CONFIG`` names).

Sections ``[mqtt]``, ``[modbus]``, ``[serial]`` take the fields of the domain's MqttWiring, ModbusWiring
and SerialWiring; top-level ``queue_size`` sets how many triggers may wait, ``recurrence_inspections`` /
``recurrence_hours`` the recurrence watch window, ``max_warm_products`` how many products' models stay
loaded; ``[recipes]`` maps a PLC's recipe number to a product code (``1 = "demo-cast"``). Unknown keys are an error
(a typo must not silently leave a PLC unwired). ``[opcua]`` takes the fields of OpcUaWiring (the station
as an OPC UA server). See docs/readme/line.md for an example.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Any

from station.domain.errors import ConfigurationError, ValidationError
from station.domain.line import (LineWiring, ModbusWiring, MqttWiring, OpcUaWiring, SerialWiring,
                                 parse_host_port)

_SECTIONS = {"mqtt": MqttWiring, "modbus": ModbusWiring, "serial": SerialWiring, "opcua": OpcUaWiring}


def wiring_path(home: Path) -> Path:
    return Path(os.environ.get("STATION_LINE_CONFIG") or home / "line.toml")


def _section(cls: type, data: Any, path: Path, name: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: [{name}] must be a table")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigurationError(f"{path}: unknown key(s) in [{name}]: {', '.join(unknown)}")
    try:
        return cls(**data)
    except TypeError as exc:
        raise ConfigurationError(f"{path}: [{name}]: {exc}") from None


def load_wiring(path: Path) -> LineWiring:
    """The wiring of the file, or no links at all when the file does not exist."""
    if not path.exists():
        return LineWiring()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(_SECTIONS) - {"queue_size", "recurrence_inspections", "recurrence_hours",
                                                   "max_warm_products", "recipes"})
    if unknown:
        raise ConfigurationError(f"{path}: unknown key(s): {', '.join(unknown)}")
    parts = {name: _section(cls, data[name], path, name) for name, cls in _SECTIONS.items() if name in data}
    for name in ("modbus", "opcua"):
        if name in parts:
            try:
                parts[name].validated()
            except ValidationError as exc:
                raise ConfigurationError(f"{path}: [{name}]: {exc}") from None
    queue_size = data.get("queue_size", LineWiring.queue_size)
    if not isinstance(queue_size, int) or queue_size < 0:
        raise ConfigurationError(f"{path}: queue_size must be a whole number >= 0")
    window = {k: data[k] for k in ("recurrence_inspections", "recurrence_hours") if k in data}
    if any(not isinstance(v, (int, float)) or v < 0 for v in window.values()):
        raise ConfigurationError(f"{path}: recurrence_inspections / recurrence_hours must be numbers >= 0")
    warm = data.get("max_warm_products", LineWiring.max_warm_products)
    if not isinstance(warm, int) or isinstance(warm, bool) or not 1 <= warm <= 64:
        raise ConfigurationError(f"{path}: max_warm_products must be a whole number from 1 to 64")
    return LineWiring(queue_size=queue_size, **parts, **window, max_warm_products=warm,
                      recipes=_recipes(data.get("recipes", {}), path))


def _recipes(data: Any, path: Path) -> dict[int, str]:
    """``[recipes]``: recipe number (1-65535, the PLC's register value) -> product code."""
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: [recipes] must be a table of number = \"product code\"")
    recipes: dict[int, str] = {}
    for key, code in data.items():
        if not key.isdigit() or not 1 <= int(key) <= 65535:
            raise ConfigurationError(f"{path}: [recipes]: {key!r} is not a recipe number from 1 to 65535")
        if not isinstance(code, str) or not code.strip():
            raise ConfigurationError(f"{path}: [recipes]: recipe {key} must name a product code")
        recipes[int(key)] = code.strip()
    return recipes


def apply_options(wiring: LineWiring, *, mqtt: str | None = None, modbus: str | None = None,
                  serial: str | None = None, queue_size: int | None = None,
                  opcua: str | None = None) -> LineWiring:
    """Command-line addresses on top of the file: they replace the address, keep the file's other keys."""
    changes: dict[str, Any] = {"queue_size": queue_size}
    if mqtt:
        parse_host_port(mqtt, "mqtt", 1883)
        changes["mqtt"] = dataclasses.replace(wiring.mqtt, url=mqtt) if wiring.mqtt else MqttWiring(url=mqtt)
    if modbus:
        host, port = parse_host_port(modbus, "modbus", 502)
        changes["modbus"] = (dataclasses.replace(wiring.modbus, host=host, port=port) if wiring.modbus
                             else ModbusWiring(host=host, port=port))
    if serial:
        changes["serial"] = (dataclasses.replace(wiring.serial, device=serial) if wiring.serial
                             else SerialWiring(device=serial))
    if opcua:
        host, port = OpcUaWiring.parse_address(opcua)
        changes["opcua"] = (dataclasses.replace(wiring.opcua, host=host, port=port) if wiring.opcua
                            else OpcUaWiring(host=host, port=port))
    return wiring.with_overrides(**changes)
