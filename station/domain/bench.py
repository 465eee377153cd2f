"""The bench workflow's vocabulary: one request (a part to inspect) and the typed events that answer it.

Every event carries the ``request_id`` of the request it answers, so a consumer (the bench screen, the
CLI, the headless station) can drop what answers an older request in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from station.domain.engine import InspectionOutcome
from station.domain.guidance import Guide, Language, ManualExcerpt

Stage = Literal["serial", "inspect", "excerpts", "guide", "save", "reevaluate", "warm-up"]


@dataclass(frozen=True)
class BenchRequest:
    """One part to inspect.

    ``image``: a uint8 grey/BGR frame, an image file path or encoded bytes. ``read_serial``: look for a QR
    code / barcode on the frame first (stored with the inspection). ``guide``: after a FAIL or UNCERTAIN
    verdict, retrieve the manual excerpts and write (stream) the corrective-action guide, then store it
    on the result. ``record`` False: nothing is stored (previews). ``serial``: a serial number already
    known (sent with a line trigger or read by a scanner): stored as is, the frame is not searched.
    """

    request_id: int
    product_code: str
    image: np.ndarray | Path | bytes = field(repr=False)
    inspector_id: int | None = None
    language: Language = "en"
    source_name: str = "camera"
    record: bool = True
    read_serial: bool = True
    guide: bool = True
    serial: str | None = None


@dataclass(frozen=True)
class Inspected:
    """The verdict is known. ``reference`` is the decoded nearest good reference (grey/BGR pixels, read
    once from storage), None when there is none. ``reevaluated`` results come from a threshold change."""

    request_id: int
    outcome: InspectionOutcome = field(repr=False)
    serial: str | None = None
    reference: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ExcerptsReady:
    """The manual sections the guide will cite (empty when the product has no manual)."""

    request_id: int
    excerpts: tuple[ManualExcerpt, ...]


@dataclass(frozen=True)
class GuideToken:
    """A piece of the guide as the local LLM writes it."""

    request_id: int
    text: str


@dataclass(frozen=True)
class GuideDone:
    """The finished guide (``guide.cancelled`` when it was stopped); ``saved`` when stored on the result."""

    request_id: int
    guide: Guide = field(repr=False)
    saved: bool = False


@dataclass(frozen=True)
class Failed:
    """A stage failed: ``message`` is one line for people; the stages before it still stand."""

    request_id: int
    stage: Stage
    message: str
    error: BaseException | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Cancelled:
    """The request was cancelled before it finished (a started guide still ends with GuideDone)."""

    request_id: int
    stage: Stage


BenchEvent = Inspected | ExcerptsReady | GuideToken | GuideDone | Failed | Cancelled


@dataclass(frozen=True)
class BenchResult:
    """Everything one run produced, in order (what a caller that does not stream reads)."""

    request_id: int
    inspected: Inspected | None = None
    excerpts: tuple[ManualExcerpt, ...] = ()
    guide: GuideDone | None = None
    failed: Failed | None = None
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON-friendly (no arrays): the outcome's summary plus serial, excerpts, guide and failure."""
        data: dict[str, Any] = dict(self.inspected.outcome.summary()) if self.inspected is not None else {}
        if self.inspected is not None:
            data["serial"] = self.inspected.serial
        if self.excerpts:
            data["excerpts"] = [{"ref": e.ref, "manual_id": e.manual_id, "file_name": e.file_name,
                                 "title": e.title, "page": e.page, "section_type": e.section_type}
                                for e in self.excerpts]
        if self.guide is not None:
            g = self.guide.guide
            data["guide"] = {"source": g.source, "model": g.model_name, "language": g.language,
                             "quality_score": round(g.quality_score, 3), "citations": list(g.citations),
                             "cancelled": g.cancelled, "saved": self.guide.saved, "content": g.content}
        if self.failed is not None:
            data["error"] = {"stage": self.failed.stage, "message": self.failed.message}
        if self.cancelled:
            data["cancelled"] = True
        return data
