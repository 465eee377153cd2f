"""Nearest-neighbour search of patch features in a memory bank.

anomalib's formula (``|x|^2 - 2 x.y + |y|^2``, then the minimum over bank entries), with the bank's squared
norms computed once when the bank is loaded and folded into the product, and the square root taken only of
the minima.

:meth:`BankSearch.distances` gives the nearest distance of every cell of a feature grid -- all that the
anomaly map needs. On the CPU the product runs as a 1x1 convolution over the grid in channels-last layout
(weights ``-2 * bank``, bias ``|bank|^2``): oneDNN's convolution kernels reach about twice the throughput
of the BLAS matrix product on AVX-512 machines, the grid needs no reshaping, and the minimum over bank
entries becomes a contiguous reduction of values only (a minimum that also tracks indices costs several
times more). :meth:`BankSearch.nearest` gives distances and indices for a few rows (the image score needs
the nearest entry of the most anomalous patch only). Work is split so a distance block stays within
``MAX_ELEMENTS``.

(A principal-subspace lower bound that skips most full distances was tried: on 128- to 472-dimensional
MobileNet/EfficientNet patch features the extra passes over the bound matrix cost as much as they saved.)
"""

from __future__ import annotations

import torch
from torch.nn import functional as F  # noqa: N812

MAX_ELEMENTS = 1 << 24  # queries x bank entries per block (64 MiB of fp32)


class BankSearch:
    """Exact nearest bank entries: :meth:`distances` for a feature grid, :meth:`nearest` for rows."""

    def __init__(self, bank: torch.Tensor) -> None:
        self.bank = bank.contiguous().float()
        self.sq = self.bank.pow(2).sum(1)
        self._conv = self.bank.device.type == "cpu"
        self._weight = (self.bank * -2.0).reshape(*self.bank.shape, 1, 1)
        self._weight = self._weight.contiguous(memory_format=torch.channels_last)

    @property
    def size(self) -> int:
        return int(self.bank.shape[0])

    def nearest(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Rows (N, D) -> distance (N,) to and index (N,) of each row's nearest bank entry."""
        rows = rows.float()
        step = max(1, MAX_ELEMENTS // max(self.size, 1))
        dists, locs = [], []
        for s in range(0, rows.shape[0], step):
            part = rows[s:s + step]
            d2 = torch.addmm(self.sq.unsqueeze(0), part, self.bank.T, beta=1, alpha=-2)
            value, index = d2.min(1)
            dists.append(value.add_(part.pow(2).sum(1)).clamp_min_(0).sqrt_())
            locs.append(index)
        return torch.cat(dists), torch.cat(locs)

    def distances(self, grid: torch.Tensor) -> torch.Tensor:
        """Feature grid (B, D, h, w) -> distance (B, h, w) of each cell to its nearest bank entry."""
        grid = grid.float()
        batch, dim, h, w = grid.shape
        if not self._conv:
            rows = grid.permute(0, 2, 3, 1).reshape(-1, dim)
            step = max(1, MAX_ELEMENTS // max(self.size, 1))
            parts = [torch.addmm(self.sq.unsqueeze(0), rows[s:s + step], self.bank.T, beta=1, alpha=-2).amin(1)
                     for s in range(0, rows.shape[0], step)]
            d2 = torch.cat(parts).reshape(batch, h, w)
        else:
            if grid.stride() != (dim * h * w, 1, w * dim, dim):  # also for size-1 dims: oneDNN's fast path
                grid = torch.empty((batch, dim, h, w), dtype=grid.dtype, device=grid.device,
                                   memory_format=torch.channels_last).copy_(grid)
            cells = h * w
            per_batch = max(1, MAX_ELEMENTS // max(cells * self.size, 1))
            entry_step = self.size if cells * self.size <= MAX_ELEMENTS else max(1, MAX_ELEMENTS // cells)
            d2 = torch.cat([self._min_over_entries(grid[b:b + per_batch], entry_step)
                            for b in range(0, batch, per_batch)])
        return d2.add_(grid.pow(2).sum(1)).clamp_min_(0).sqrt_()

    def _min_over_entries(self, part: torch.Tensor, step: int) -> torch.Tensor:
        best: torch.Tensor | None = None
        for s in range(0, self.size, step):
            value = F.conv2d(part, self._weight[s:s + step], self.sq[s:s + step]).amin(1)
            best = value if best is None else torch.minimum(best, value)
        assert best is not None
        return best
