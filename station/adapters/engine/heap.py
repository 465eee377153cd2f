"""Gives the C heap's free memory back to the system after the engine's one-off work.

A model pass allocates tensors of a few MiB to tens of MiB. glibc serves blocks that large with their own
mapping only until the first one is freed; then it raises its mmap threshold (up to 32 MiB) and later ones
come from the heap arenas, which keep what is freed. After a bank build -- batches of 8 images through the
backbone, the coreset -- the process stayed hundreds of MB larger than at the bench (about 300 MB after one
8-image MobileNetV2 pass at 320 px). Fixing the threshold (``MALLOC_MMAP_THRESHOLD_``) would also return
them, but then every large tensor is a fresh mapping and every pass pays its page faults (inspections about
2x slower, see docs/readme/engine.md). Instead the free heap memory is released once such work is done
(``malloc_trim``), and the heap keeps serving the bench's smaller passes quickly. Elsewhere than on glibc
this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _malloc_trim():  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Returns the heap's free pages to the system (all arenas); True when some were released. Costs a
    walk over the heap (milliseconds): call it after a build or a model load, not per inspection."""
    trim = _malloc_trim()
    return bool(trim is not None and trim(0))
