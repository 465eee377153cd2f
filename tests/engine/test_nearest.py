"""The fast scoring steps against their plain definitions: the bank search (1x1-convolution form, chunked
over batch and bank entries, any tensor layout) against ``torch.cdist``, and the matrix-form anomaly-map
smoothing against anomalib's own upsample-and-blur."""

from __future__ import annotations

import pytest
import torch
from anomalib.models.image.patchcore.anomaly_map import AnomalyMapGenerator

from station.adapters.engine.patchcore import UpsampleBlur
from station.pipeline.patchcore import nearest
from station.pipeline.patchcore.nearest import BankSearch


def _data(batch: int, dim: int, h: int, w: int, entries: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(batch * 1000 + h * 10 + w)
    bank = torch.randn(entries, dim, generator=g)
    grid = torch.randn(batch, dim, h, w, generator=g) * 0.5
    return bank, grid


def _reference(bank: torch.Tensor, grid: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    batch, dim, h, w = grid.shape
    rows = grid.permute(0, 2, 3, 1).reshape(-1, dim).double()
    dist, index = torch.cdist(rows, bank.double()).min(1)
    return dist.reshape(batch, h, w).float(), index


@pytest.mark.parametrize("matrix_product", [False, True], ids=["convolution", "addmm"])
@pytest.mark.parametrize("shape", [(1, 16, 8, 8), (3, 24, 7, 5), (2, 8, 1, 1)])
def test_grid_distances_equal_cdist(shape: tuple[int, int, int, int], matrix_product: bool) -> None:
    bank, grid = _data(*shape, entries=300)
    expected, _ = _reference(bank, grid)
    search = BankSearch(bank)
    search._conv = not matrix_product  # the matrix-product form is the one CUDA runs; here on the CPU
    got = search.distances(grid)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=2e-5)


def test_grid_layouts_and_size_one_strides_give_the_same_answer() -> None:
    bank, grid = _data(1, 16, 6, 6, entries=200)
    search = BankSearch(bank)
    plain = search.distances(grid)
    rows = grid.permute(0, 2, 3, 1).reshape(-1, 16)
    odd_strides = rows.T.reshape(1, 16, 6, 6)  # channels-last data whose batch stride is not the usual one
    assert torch.equal(search.distances(odd_strides), plain)
    assert torch.equal(search.distances(grid.contiguous(memory_format=torch.channels_last)), plain)


def test_chunking_over_batch_and_bank_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    bank, grid = _data(4, 12, 5, 5, entries=257)
    expected, _ = _reference(bank, grid)
    monkeypatch.setattr(nearest, "MAX_ELEMENTS", 25 * 60)  # one image per block, bank in blocks of 60
    got = BankSearch(bank).distances(grid)
    assert torch.allclose(got, expected, atol=2e-5)
    monkeypatch.setattr(nearest, "MAX_ELEMENTS", 2 * 25 * 257)  # two whole images per block
    assert torch.allclose(BankSearch(bank).distances(grid), expected, atol=2e-5)


def test_nearest_rows_give_distances_and_indices(monkeypatch: pytest.MonkeyPatch) -> None:
    bank, grid = _data(2, 10, 4, 4, entries=150)
    expected, index = _reference(bank, grid)
    rows = grid.permute(0, 2, 3, 1).reshape(-1, 10)
    monkeypatch.setattr(nearest, "MAX_ELEMENTS", 150 * 7)  # rows in chunks of 7
    dist, got = BankSearch(bank).nearest(rows)
    assert torch.equal(got, index)
    assert torch.allclose(dist, expected.reshape(-1), atol=2e-5)


def test_a_query_equal_to_a_bank_entry_has_distance_zero() -> None:
    bank, _ = _data(1, 8, 1, 1, entries=50)
    grid = bank[17].reshape(1, 8, 1, 1)
    assert float(BankSearch(bank).distances(grid)) == pytest.approx(0.0, abs=1e-3)
    assert int(BankSearch(bank).nearest(bank[17:18])[1]) == 17


@pytest.mark.parametrize(("grid", "size"), [((32, 32), (256, 256)), ((28, 28), (224, 224)), ((24, 17), (100, 90))])
def test_matrix_smoothing_equals_anomalib_upsample_and_blur(grid: tuple[int, int], size: tuple[int, int]) -> None:
    generator = AnomalyMapGenerator(sigma=4)
    patch = torch.rand(2, 1, *grid, generator=torch.Generator().manual_seed(grid[0])) * 3.0
    expected = generator(patch, image_size=size)[:, 0]
    got = UpsampleBlur(generator.blur, size)(patch[:, 0])
    assert got.shape == expected.shape
    assert float((got - expected).abs().max()) < 1e-5 * float(expected.abs().max())
