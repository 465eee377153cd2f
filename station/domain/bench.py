"""The bench workflow's vocabulary: one request (a part to inspect) and the typed events that answer it.

Every event carries the ``request_id`` of the request it answers, so a consumer (the bench screen, the
CLI, the headless station) can drop what answers an older request in one place. :func:`events_json` is
what ``station inspect --json`` prints for one request.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    once from storage), None when there is none. ``reevaluated`` results come from a threshold change.
    ``view_references``: for a part of several views, each view's own nearest good reference by view code."""

    request_id: int
    outcome: InspectionOutcome = field(repr=False)
    serial: str | None = None
    reference: np.ndarray | None = field(default=None, repr=False)
    view_references: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class ExcerptsReady:
    """The manual sections the guide will cite (empty when the product has no manual)."""

    request_id: int
    excerpts: tuple[ManualExcerpt, ...]


@dataclass(frozen=True)
class GuideUpdate:
    """The whole guide so far, after each token the local LLM writes (``text`` replaces the last one)."""

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


BenchEvent = Inspected | ExcerptsReady | GuideUpdate | GuideDone | Failed | Cancelled


def events_json(events: Iterable[BenchEvent]) -> dict[str, Any]:
    """One request's events as JSON (no arrays): the outcome's summary plus serial, excerpts, guide,
    failure and cancellation; GuideUpdates add nothing (GuideDone holds the whole guide)."""
    data: dict[str, Any] = {}
    for event in events:
        if isinstance(event, Inspected):
            data.update(event.outcome.summary())
            data["serial"] = event.serial
        elif isinstance(event, ExcerptsReady) and event.excerpts:
            data["excerpts"] = [{"ref": e.ref, "manual_id": e.manual_id, "file_name": e.file_name,
                                 "title": e.title, "page": e.page, "section_type": e.section_type}
                                for e in event.excerpts]
        elif isinstance(event, GuideDone):
            g = event.guide
            data["guide"] = {"source": g.source, "model": g.model_name, "language": g.language,
                             "quality_score": round(g.quality_score, 3), "citations": list(g.citations),
                             "cancelled": g.cancelled, "saved": event.saved, "content": g.content}
            if g.cancelled:
                data["cancelled"] = True
        elif isinstance(event, Failed):
            data["error"] = {"stage": event.stage, "message": event.message}
        elif isinstance(event, Cancelled):
            data["cancelled"] = True
    return data
