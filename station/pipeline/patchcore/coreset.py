"""Exact greedy k-center coreset (farthest-point sampling) with triangle-inequality pruning.

PatchCore keeps a coreset of its patch features: greedily add the patch farthest from the coreset so far.
The textbook loop (anomalib's ``KCenterGreedy``) recomputes the distance of *every* patch to every new
centre, after a random projection. Here two exact filters skip most of that work:

1. each patch remembers its nearest centre ``a`` and distance ``m``; a new centre ``c`` can only come closer
   if ``d(c, a) < 2 m`` (triangle inequality: ``d(x, c) >= d(c, a) - m``);
2. the survivors are checked on their leading principal components: an orthonormal projection never
   lengthens a vector, so ``|P x - P c| >= m`` proves ``d(x, c) >= m``. The check is staged: the first 8
   components for every patch (a dense pass, cheaper than gathering the survivors of filter 1), then the
   next 16 and the next 40 for what is left, each stage adding its squared part to the bound so far.

Only patches passing every stage are measured in full: for 4096 centres among the 204,800 patches of 200
images (304-dimensional two-scale features) 1.2 % of the plain loop's distances, against 9.8 % with a single
16-component check, and 2-3x less time on two cores. The result is the same greedy coreset in the original
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


def _principal_projection(x: torch.Tensor, dims: int, seed: int) -> torch.Tensor:
    """(D, dims) orthonormal basis of the leading principal directions (from a subsample)."""
    gen = torch.Generator(device="cpu").manual_seed(seed)
    sample = x[torch.randperm(x.shape[0], generator=gen)[:20000].to(x.device)]
    sample = sample - sample.mean(0)
    _, _, vh = torch.linalg.svd(sample, full_matrices=False)
    return vh[:dims].T.contiguous()


def _projected_parts(x: torch.Tensor, dims: tuple[int, ...], seed: int, chunk: int) -> list[torch.Tensor]:
    """The features' principal coordinates, split into the stages of ``dims`` (contiguous N x d_i blocks)."""
    levels = sorted({int(d) for d in dims if 0 < int(d) and int(d) * 2 <= x.shape[1]})
    if not levels:
        return []
    basis = _principal_projection(x, levels[-1], seed)
    bounds = list(zip([0, *levels[:-1]], levels))
    # the dense first stage runs one component at a time over all rows: it is stored transposed
    parts = [torch.empty((b - a, x.shape[0]) if j == 0 else (x.shape[0], b - a), dtype=x.dtype, device=x.device)
             for j, (a, b) in enumerate(bounds)]
    for s in range(0, x.shape[0], chunk):  # filled a chunk at a time: no full-size temporary
        projected = x[s:s + chunk] @ basis
        for j, (a, b) in enumerate(bounds):
            if j == 0:
                parts[0][:, s:s + chunk] = projected[:, a:b].T
            else:
                parts[j][s:s + chunk] = projected[:, a:b]
    return parts


def _candidates(old: torch.Tensor, centre: torch.Tensor, idx: int, owner: torch.Tensor, twice: torch.Tensor,
                limit: torch.Tensor, parts: list[torch.Tensor], scratch: torch.Tensor) -> torch.Tensor:
    """Rows the new centre (row ``idx``) might bring closer: those no filter proves to stay as far.

    ``twice`` is twice each row's distance to its centre and ``limit`` that distance squared (with a little
    slack), both kept up to date by the caller; ``scratch`` is a row-sized buffer."""
    to_centres = _dist(old, centre)  # distance of the new centre to the old ones
    # x may get closer only if d(c, owner(x)) < 2 * d(x, owner(x))
    mask = torch.index_select(to_centres, 0, owner) < twice
    if not parts:
        return torch.nonzero(mask).squeeze(1)
    first = parts[0]
    bound = torch.sub(first[0], first[0, idx]).square_()
    for j in range(1, first.shape[0]):  # bound += (p_j - c_j)^2, one fused pass per component
        torch.sub(first[j], first[j, idx], out=scratch)
        bound.addcmul_(scratch, scratch)
    mask &= bound < limit
    cand = torch.nonzero(mask).squeeze(1)
    bound, limit = torch.index_select(bound, 0, cand), torch.index_select(limit, 0, cand)
    for part in parts[1:]:
        if not cand.numel():
            break
        bound = bound + torch.sub(torch.index_select(part, 0, cand), part[idx]).square_().sum(1)
        keep = torch.nonzero(bound < limit).squeeze(1)
        cand, bound, limit = (torch.index_select(v, 0, keep) for v in (cand, bound, limit))
    return cand


def greedy_coreset(
    features: torch.Tensor,
    size: int,
    *,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    chunk: int = 65536,
    projection_dims: tuple[int, ...] = (8, 24, 64),
    initial: torch.Tensor | None = None,
) -> Coreset:
    """Selects ``size`` rows of ``features`` (N x D, float) by exact greedy k-center.

    The first centre is drawn with ``seed``, unless ``initial`` (row indices) gives the first centres: the
    greedy then continues from them (greedy k-center is incremental, so a coreset of part of the rows can be
    extended to all of them). ``projection_dims`` are the cumulative principal-component counts of the
    staged lower bounds (those above half the feature dimension are dropped; empty: no projection).
    ``progress`` gets about 100 reports; ``cancel`` is polled every few iterations.
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
        parts = _projected_parts(x, projection_dims, seed, chunk)
        if initial is not None and initial.numel():
            start = min(int(initial.numel()), size)
            chosen[:start] = initial[:start].to(device)
            centres[:start] = x[chosen[:start]]
            _assign(x, centres[:start], min_dist, owner)
            measured += n * start
            min_dist[chosen[:start]] = 0.0
            idx = int(torch.argmax(min_dist).item())
        # squared bounds compare with a little slack, so float rounding in the projection never prunes a patch
        slack = (1e-5 * max(float(_dist(x[s:s + chunk], 0.0).max()) for s in range(0, n, chunk))) ** 2
        twice = torch.empty(n, dtype=x.dtype, device=device)  # 2 d(x, owner(x))
        limit = torch.empty(n, dtype=x.dtype, device=device)  # d(x, owner(x))^2 with slack: the pruning limit
        scratch = torch.empty(n, dtype=x.dtype, device=device)

        def refresh(rows: torch.Tensor | slice) -> None:
            twice[rows] = min_dist[rows] * 2.0
            limit[rows] = min_dist[rows].square().mul_(1 + 1e-4).add_(slack)

        if start:
            refresh(slice(None))
        for t in range(start, size):
            centre = x[idx]
            centres[t] = centre
            chosen[t] = idx
            if t == 0:
                for s in range(0, n, chunk):
                    min_dist[s:s + chunk] = _dist(x[s:s + chunk], centre)
                min_dist[idx] = 0.0
                refresh(slice(None))
                measured += n
            else:
                cand = _candidates(centres[:t], centre, idx, owner, twice, limit, parts, scratch)
                if cand.numel():
                    d = _dist(torch.index_select(x, 0, cand), centre)
                    closer = torch.nonzero(d < torch.index_select(min_dist, 0, cand)).squeeze(1)
                    upd = torch.index_select(cand, 0, closer)
                    min_dist[upd] = torch.index_select(d, 0, closer)
                    owner[upd] = t
                    refresh(upd)
                    measured += int(cand.numel())
            min_dist[idx] = 0.0
            twice[idx] = 0.0
            limit[idx] = slack
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
