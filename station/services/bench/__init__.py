"""The bench: one part from trigger to recorded verdict, excerpts and guide, as a generator of typed
events (:class:`BenchWorkflow`), and the bench's Qt-free state and transitions (:class:`BenchSession`)
that a bench screen renders."""

from station.services.bench.requests import RequestTracker
from station.services.bench.session import PART, PREVIEW, BenchSession, BenchState, Job, PendingPart, Shown
from station.services.bench.streaming import stream_callback
from station.services.bench.workflow import BenchWorkflow, SerialReader, ThresholdSource, guide_inputs

__all__ = [
    "PART", "PREVIEW", "BenchSession", "BenchState", "BenchWorkflow", "Job", "PendingPart", "RequestTracker",
    "SerialReader", "Shown", "ThresholdSource", "guide_inputs", "stream_callback",
]
