"""What a candidate of the self-configuration is expected to cost, in seconds, from those already measured.

A candidate's validation has three parts that grow differently: loading its network (weights, and one trace
of the batch shape on the CPU) when no earlier candidate left it loaded; running the backbone on the images
whose features are not cached yet; and the work on patch features -- the coreset of the validation bank and
the bank search of every scored image. The backbone and the patch work both scale with the candidate's
relative cost (``Candidate.cost``: backbone, input size squared, two scales), so each part's rate is that
part's measured seconds per unit of relative cost and image, pooled over the candidates so far:

    predicted = load + rate_backbone * cost * images_to_embed + rate_patch * cost * images_searched

where ``load`` (the network's weights and its trace for the batch shape) takes the lowest rate measured: the
first load of a process also imports the libraries.

The first candidate has no prediction: it is the measurement the others are predicted from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from station.services.engine.candidates import Candidate


@dataclass
class CostModel:
    """Rates pooled over the candidates measured so far (see the module docstring)."""

    _load: list[tuple[float, float]] = field(default_factory=list)  # (seconds, relative cost)
    _backbone: list[tuple[float, float]] = field(default_factory=list)  # (seconds, cost x images embedded)
    _patch: list[tuple[float, float]] = field(default_factory=list)  # (seconds, cost x images searched)

    @staticmethod
    def _rate(pairs: list[tuple[float, float]]) -> float:
        work = sum(w for _, w in pairs)
        return sum(s for s, _ in pairs) / work if work > 0 else 0.0

    def predict(self, candidate: Candidate, *, loads: bool, embeds: int, searches: int) -> float | None:
        """Seconds expected for ``candidate`` (None before any measurement)."""
        if not self._patch:
            return None
        cost = candidate.cost
        # the lowest load rate: the first load also pays for importing the libraries, once per process
        load = min((s / c for s, c in self._load if c > 0), default=0.0) * cost if loads else 0.0
        return load + self._rate(self._backbone) * cost * embeds + self._rate(self._patch) * cost * searches

    def observe(self, candidate: Candidate, stages: dict[str, float], *, loaded: bool, embedded: int,
                searched: int) -> None:
        """Adds a measured candidate (its stage seconds from the validation)."""
        cost = candidate.cost
        if loaded:
            self._load.append((stages.get("load", 0.0), cost))
        if embedded:
            self._backbone.append((stages.get("features", 0.0), cost * embedded))
        patch = stages.get("coreset", 0.0) + stages.get("calibrate", 0.0) + stages.get("score", 0.0)
        self._patch.append((patch, cost * max(searched, 1)))
