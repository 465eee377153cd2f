"""A value built on its first use and kept: how the assembly defers the parts a command may never need
(the inspection engine and the bench workflow built on it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """Runs ``build`` once, on the first :meth:`get` from any thread, and returns its value from then on.
    A build that raises keeps nothing: the next :meth:`get` builds again."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build: Callable[[], T] | None = build
        self._value: T | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._build is None

    def get(self) -> T:
        if self._build is not None:
            with self._lock:
                if self._build is not None:
                    self._value = self._build()
                    self._build = None
        return self._value  # type: ignore[return-value]
