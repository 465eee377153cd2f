"""Exact greedy k-center coreset (farthest-point sampling) with triangle-inequality pruning.

PatchCore keeps a coreset of its patch features: greedily add the patch farthest from the coreset so far.
The textbook loop (anomalib's ``KCenterGreedy``) recomputes the distance of *every* patch to every new
centre, after a random projection. Here two exact filters skip most of that work:

1. each patch remembers its nearest centre ``a`` and distance ``m``; a new centre ``c`` can only come closer
   if ``d(c, a) < 2 m`` (triangle inequality: ``d(x, c) >= d(c, a) - m``);
2. the survivors are checked on their first principal components: an orthonormal projection never
   lengthens a vector, so ``|P x - P c| >= m`` proves ``d(x, c) >= m`` for a 16-number price instead of D.

Only patches passing both are measured in full. The result is the same greedy coreset in the original
feature space (no projection), and the coverage radius (largest patch-to-coreset distance) comes for free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from station.domain.engine import CancelToken, Progress


@dataclass(frozen=True)
class Coreset:
    indices: torch.Tensor  # int64 (k,), in selection order
    radius: float  # max over all features of the distance to the nearest selected one
    measured: int  # distance evaluations done (for diagnostics; N * k without pruning)


def coreset_size(n_features: int, ratio: float, max_size: int | None = None) -> int:
    size = max(1, int(n_features * ratio))
    if max_size:
        size = min(size, max_size)
    return min(size, n_features)


def _dist(rows: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vector_norm(rows - centre, dim=1)


def _principal_projection(x: torch.Tensor, dims: int, seed: int) -> torch.Tensor | None:
    """(D, dims) orthonormal basis of the leading principal directions (from a subsample), or None."""
    if x.shape[1] <= dims * 2:
        return None
    gen = torch.Generator(device="cpu").manual_seed(seed)
    sample = x[torch.randperm(x.shape[0], generator=gen)[:20000].to(x.device)]
    sample = sample - sample.mean(0)
    _, _, vh = torch.linalg.svd(sample, full_matrices=False)
    return vh[:dims].T.contiguous()


def greedy_coreset(
    features: torch.Tensor,
    size: int,
    *,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    chunk: int = 65536,
    projection_dims: int = 16,
    initial: torch.Tensor | None = None,
) -> Coreset:
    """Selects ``size`` rows of ``features`` (N x D, float) by exact greedy k-center.

    The first centre is drawn with ``seed``, unless ``initial`` (row indices) gives the first centres: the
    greedy then continues from them (greedy k-center is incremental, so a coreset of part of the rows can be
    extended to all of them). ``progress`` gets about 100 reports; ``cancel`` is polled every few iterations.
    """
    if features.ndim != 2 or features.shape[0] == 0:
        raise ValueError("features must be a non-empty N x D matrix")
    torch.set_flush_denormal(True)  # tiny squared differences otherwise slow the loop down twenty-fold
    n = features.shape[0]
    size = max(1, min(int(size), n))
    x = features if features.dtype == torch.float32 else features.float()
    device = x.device
    gen = torch.Generator(device="cpu").manual_seed(seed)
    first = int(torch.randint(n, (1,), generator=gen).item())

    centres = torch.empty((size, x.shape[1]), dtype=x.dtype, device=device)
    chosen = torch.empty(size, dtype=torch.long, device=device)
    min_dist = torch.empty(n, dtype=x.dtype, device=device)
    owner = torch.zeros(n, dtype=torch.long, device=device)
    measured = 0

    idx = first
    report_every = max(1, size // 100)
    start = 0
    with torch.inference_mode():
        basis = _principal_projection(x, projection_dims, seed) if projection_dims else None
        px = None if basis is None else torch.cat([x[s:s + chunk] @ basis for s in range(0, n, chunk)])
        if initial is not None and initial.numel():
            start = min(int(initial.numel()), size)
            chosen[:start] = initial[:start].to(device)
            centres[:start] = x[chosen[:start]]
            _assign(x, centres[:start], min_dist, owner)
            measured += n * start
            min_dist[chosen[:start]] = 0.0
            idx = int(torch.argmax(min_dist).item())
        for t in range(start, size):
            centre = x[idx]
            centres[t] = centre
            chosen[t] = idx
            if t == 0:
                for s in range(0, n, chunk):
                    min_dist[s:s + chunk] = _dist(x[s:s + chunk], centre)
                measured += n
            else:
                to_centres = _dist(centres[:t], centre)  # distance of the new centre to the old ones
                # x may get closer only if d(c, owner(x)) < 2 * d(x, owner(x))
                cand = torch.nonzero(to_centres[owner] < 2.0 * min_dist).squeeze(1)
                if px is not None and cand.numel():
                    lower = _dist(px[cand], px[idx])  # <= the true distance
                    cand = cand[lower < min_dist[cand] * (1 + 1e-6)]
                if cand.numel():
                    d = _dist(x[cand], centre)
                    closer = d < min_dist[cand]
                    upd = cand[closer]
                    min_dist[upd] = d[closer]
                    owner[upd] = t
                    measured += int(cand.numel())
            min_dist[idx] = 0.0
            if t + 1 < size:
                idx = int(torch.argmax(min_dist).item())
            if (t + 1) % report_every == 0 or t + 1 == size:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if progress is not None:
                    progress(Progress("coreset", t + 1, size, f"coreset {t + 1}/{size}"))
        radius = float(min_dist.max().item())
    return Coreset(indices=chosen.cpu(), radius=radius, measured=measured)


def _assign(x: torch.Tensor, centres: torch.Tensor, min_dist: torch.Tensor, owner: torch.Tensor,
            chunk: int = 8192) -> None:
    """Nearest centre of every row (matrix product), its distance then measured directly."""
    sq = centres.pow(2).sum(1)
    for s in range(0, x.shape[0], chunk):
        rows = x[s:s + chunk]
        nearest = torch.addmm(sq.unsqueeze(0), rows, centres.T, beta=1, alpha=-2).argmin(1)
        owner[s:s + chunk] = nearest
        min_dist[s:s + chunk] = _dist(rows, centres[nearest])


def coverage_radius(features: torch.Tensor, coreset: torch.Tensor, chunk: int = 8192) -> float:
    """Largest distance from any feature row to its nearest coreset row (exact, chunked)."""
    worst = 0.0
    bank = coreset.float()
    bank_sq = bank.pow(2).sum(1)
    with torch.inference_mode():
        for s in range(0, features.shape[0], chunk):
            rows = features[s:s + chunk].float()
            d2 = torch.addmm(bank_sq.unsqueeze(0), rows, bank.T, beta=1, alpha=-2)
            d2.add_(rows.pow(2).sum(1, keepdim=True))
            nearest = d2.min(1).values.clamp_min_(0).sqrt_()
            worst = max(worst, float(nearest.max().item()))
    return worst
