"""Whether this installation can build models: torch (with timm and anomalib) present or not, decided without
importing torch. The lean CPU package ships without torch and only inspects with models exported elsewhere."""

from __future__ import annotations

import importlib.util
import sys

from station.domain.errors import StationError

TORCH_MISSING = (
    "this CPU package inspects with models built and exported on a full station (torch is not installed "
    "here); build {what} there (or with the full package), then copy its models directory to this bench"
)


class TorchMissingError(StationError):
    """Work that needs torch (building or calibrating a model, or inspecting without an export) was asked of an
    installation without torch."""


def module_available(name: str) -> bool:
    """Whether ``name`` can be imported, found without importing it (a module blocked in ``sys.modules`` or by
    an import hook counts as missing)."""
    if name in sys.modules:
        return sys.modules[name] is not None
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def torch_available() -> bool:
    """Whether torch is importable here (False in the lean CPU package)."""
    return module_available("torch")


def torch_missing(product_code: str | None = None) -> TorchMissingError:
    """The one-line error for work that needs torch, naming the product when there is one."""
    what = f"product {product_code!r}" if product_code else "the product's model"
    return TorchMissingError(TORCH_MISSING.format(what=what))


def require_torch(product_code: str | None = None) -> None:
    """Raises :class:`TorchMissingError` when torch is not importable."""
    if not torch_available():
        raise torch_missing(product_code)
