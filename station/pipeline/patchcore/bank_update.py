"""Extending a built memory bank with the patches of new good parts, without rebuilding it.

:func:`extend_bank` measures each new patch's nearest distance to the bank. A patch within ``radius`` is
*covered* (the bank already knows a patch that close) and adds nothing. The uncovered patches are thinned
by the same greedy k-center the build uses, continued from the bank: the uncovered patch farthest from the
bank and from the centres added so far is added next, until every new patch lies within ``radius`` of the
bank or ``max_added`` centres were added. When that takes the bank past ``max_size`` (the build's size
limit), the most redundant old entries go -- those whose nearest other entry is closest, never both of a
close pair in one pass -- so that the bank stays within its bound and every inspection searches at most as
many entries as before.

The old entries keep their order (the coreset's selection order) and the added ones follow, in the order
they were chosen. Like ``coreset`` this runs on torch, and is not imported by the package's ``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from station.domain.engine import CancelToken
from station.pipeline.patchcore.nearest import BankSearch


@dataclass(frozen=True)
class BankExtension:
    features: np.ndarray  # (K', D) float32: the kept old entries in their order, then the added ones
    kept: np.ndarray  # int64 indices of the old entries kept, in order
    added: np.ndarray  # int64 indices into the new rows of the added centres, in the order chosen
    nearest: np.ndarray  # (N,) float32 nearest distance of every new row to the old bank
    n_uncovered: int  # new rows farther than the radius from the old bank
    residual: float  # largest distance of a new row to the extended bank (<= radius unless capped)


def nearest_in_bank(rows: np.ndarray, bank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distance, index) of each row's nearest bank entry (the inspection's own search)."""
    with torch.inference_mode():
        search = BankSearch(torch.from_numpy(np.ascontiguousarray(bank, dtype=np.float32)))
        dist, index = search.nearest(torch.from_numpy(np.ascontiguousarray(rows, dtype=np.float32)))
        return dist.numpy(), index.numpy()


def _redundant(bank: torch.Tensor, n_old: int, count: int, chunk: int = 2048) -> list[int]:
    """``count`` old entries (indices < ``n_old``) whose nearest other entry of ``bank`` is closest; an entry
    whose nearest neighbour was already chosen is passed over while others remain."""
    sq = bank.pow(2).sum(1)
    near = torch.empty(n_old, dtype=torch.float32)
    owner = torch.empty(n_old, dtype=torch.long)
    for s in range(0, n_old, chunk):
        part = bank[s:min(s + chunk, n_old)]
        d2 = torch.addmm(sq.unsqueeze(0), part, bank.T, beta=1, alpha=-2).add_(part.pow(2).sum(1, keepdim=True))
        d2[torch.arange(part.shape[0]), torch.arange(s, s + part.shape[0])] = float("inf")
        value, index = d2.min(1)
        near[s:s + part.shape[0]], owner[s:s + part.shape[0]] = value, index
    order = torch.argsort(near).tolist()
    chosen: list[int] = []
    taken: set[int] = set()
    for i in order:
        if len(chosen) == count:
            break
        if int(owner[i]) in taken:
            continue
        chosen.append(i)
        taken.add(i)
    for i in order:  # not enough isolated pairs: take the next closest all the same
        if len(chosen) == count:
            break
        if i not in taken:
            chosen.append(i)
            taken.add(i)
    return chosen


def extend_bank(bank: np.ndarray, rows: np.ndarray, *, radius: float, max_size: int, max_added: int,
                cancel: CancelToken | None = None) -> BankExtension:
    """The bank extended by the uncovered ``rows`` (see the module docstring)."""
    if bank.ndim != 2 or rows.ndim != 2 or bank.shape[1] != rows.shape[1]:
        raise ValueError("bank and rows must be matrices of the same feature dimension")
    torch.set_flush_denormal(True)
    n_old = int(bank.shape[0])
    with torch.inference_mode():
        old = torch.from_numpy(np.ascontiguousarray(bank, dtype=np.float32))
        x = torch.from_numpy(np.ascontiguousarray(rows, dtype=np.float32))
        nearest = BankSearch(old).nearest(x)[0] if x.shape[0] else torch.zeros(0)
        uncovered = torch.nonzero(nearest > radius).squeeze(1)
        pool = torch.index_select(x, 0, uncovered)
        min_dist = torch.index_select(nearest, 0, uncovered).clone()
        picks: list[int] = []
        pool_sq = pool.pow(2).sum(1)
        d2 = torch.empty_like(pool_sq)
        while len(picks) < max_added and min_dist.numel():
            i = int(torch.argmax(min_dist).item())
            if float(min_dist[i]) <= radius:
                break
            picks.append(i)
            # |x - c|^2 = |x|^2 - 2 x.c + |c|^2: one matrix-vector product per added centre
            torch.mv(pool, pool[i], out=d2)
            d2.mul_(-2.0).add_(pool_sq).add_(pool_sq[i]).clamp_min_(0).sqrt_()
            torch.minimum(min_dist, d2, out=min_dist)
            min_dist[i] = 0.0
            if cancel is not None and len(picks) % 64 == 0:
                cancel.raise_if_cancelled()
        residual = float(min_dist.max().item()) if min_dist.numel() else 0.0
        if uncovered.numel() < x.shape[0]:  # the covered rows lie within the radius of the old bank
            covered_max = float(nearest[nearest <= radius].max().item()) if bool((nearest <= radius).any()) else 0.0
            residual = max(residual, covered_max)
        added_rows = uncovered[torch.tensor(picks, dtype=torch.long)] if picks else torch.zeros(0, dtype=torch.long)
        added = torch.index_select(pool, 0, torch.tensor(picks, dtype=torch.long)) if picks else pool[:0]
        merged = torch.cat([old, added])
        drop = max(0, merged.shape[0] - int(max_size))
        kept = torch.arange(n_old)
        if drop:
            gone = set(_redundant(merged, n_old, min(drop, n_old)))
            kept = torch.tensor([i for i in range(n_old) if i not in gone], dtype=torch.long)
        features = torch.cat([torch.index_select(old, 0, kept), added]).numpy().copy()
    return BankExtension(features=features, kept=kept.numpy().astype(np.int64),
                         added=added_rows.numpy().astype(np.int64), nearest=nearest.numpy().astype(np.float32),
                         n_uncovered=int(uncovered.numel()), residual=residual)
