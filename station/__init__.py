"""Inspection Station: a desktop visual quality-inspection station.

Layers: ``ui`` (Qt) -> ``services`` (use cases) -> ``pipeline`` / ``domain`` (pure
computation and types) <- ``adapters`` (camera, db, storage, ml). Only ``station.app``
(the assembly) wires adapters to services.
"""

__version__ = "0.1.0"
