"""PatchCore inspection on the CPU without torch: the backbone's patch embedding exported once per build
(``station.adapters.engine.export``) runs in ONNX Runtime, and everything after it is numpy.

The exported graph maps a normalised (B, 3, S, S) float batch to the (B, D, h, w) patch embeddings,
anomalib's 3x3 average pooling and multi-layer embedding included (for a two-scale backbone the whole
two-scale embedding). The rest reproduces the torch path (``station.adapters.engine.patchcore``) step by
step: the exact nearest distance of every patch (``|x|^2 - 2 x.y + |y|^2``, minimum over the bank, square
root of the minima), anomalib's re-weighted image score (``PatchcoreModel.compute_anomaly_score``), the map
scores (``map_peak``, ``map_top``) and the anomaly map's upsampling and Gaussian blur as the two matrices of
``UpsampleBlur``, computed at export time and stored with the model. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from station.pipeline.images.preprocessing import rgb_batch
from station.pipeline.patchcore.bank import IMAGE_SCORES, PatchFeatures, RawScore, top_count

RUNTIME_NAME = "onnxruntime"
EXPORT_FORMAT = 1
MAX_ELEMENTS = 1 << 24  # query rows x bank entries per distance block (64 MiB of fp32)


@dataclass(frozen=True)
class ExportedModel:
    """A backbone's patch embedding as ONNX bytes, with what the numpy steps around it need."""

    backbone: str
    input_size: int
    embedding_dim: int
    grid: tuple[int, int]
    mean: tuple[float, float, float]  # per RGB channel, 0..1 scale
    std: tuple[float, float, float]
    num_neighbors: int
    onnx: bytes
    blur_rows: np.ndarray  # (S, h): nearest upsampling, reflect padding and the 1-D Gaussian on the rows
    blur_cols: np.ndarray  # (w, S): the same on the columns, transposed

    def to_files(self, meta: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays = {"onnx": np.frombuffer(self.onnx, dtype=np.uint8).copy(),
                  "blur_rows": np.ascontiguousarray(self.blur_rows, dtype=np.float32),
                  "blur_cols": np.ascontiguousarray(self.blur_cols, dtype=np.float32)}
        out = {"format": EXPORT_FORMAT, "runtime": RUNTIME_NAME, "backbone": self.backbone,
               "input_size": self.input_size, "embedding_dim": self.embedding_dim, "grid": list(self.grid),
               "mean": list(self.mean), "std": list(self.std), "num_neighbors": self.num_neighbors, **meta}
        return arrays, out

    @classmethod
    def from_files(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> ExportedModel:
        if int(meta.get("format", 0)) != EXPORT_FORMAT or meta.get("runtime") != RUNTIME_NAME:
            raise ValueError(f"unsupported exported model (format {meta.get('format')}, runtime {meta.get('runtime')})")
        grid = meta["grid"]
        return cls(backbone=str(meta["backbone"]), input_size=int(meta["input_size"]),
                   embedding_dim=int(meta["embedding_dim"]), grid=(int(grid[0]), int(grid[1])),
                   mean=tuple(float(v) for v in meta["mean"]),  # type: ignore[arg-type]
                   std=tuple(float(v) for v in meta["std"]),  # type: ignore[arg-type]
                   num_neighbors=int(meta["num_neighbors"]), onnx=arrays["onnx"].tobytes(),
                   blur_rows=arrays["blur_rows"].astype(np.float32), blur_cols=arrays["blur_cols"].astype(np.float32))


class NumpyBank:
    """A bank with its squared norms and the product's weights (``-2 * bank``) precomputed."""

    def __init__(self, bank: np.ndarray, num_neighbors: int, image_score: str) -> None:
        if image_score not in IMAGE_SCORES:
            raise ValueError(f"unknown image score {image_score!r}")
        self.bank = np.ascontiguousarray(bank, dtype=np.float32)
        self.sq = np.square(self.bank).sum(1, dtype=np.float32)
        self.weight_t = np.ascontiguousarray((self.bank * np.float32(-2.0)).T)  # (D, N)
        self.num_neighbors = int(num_neighbors)
        self.image_score = image_score

    @property
    def size(self) -> int:
        return int(self.bank.shape[0])

    def _blocks(self, rows: np.ndarray) -> Any:
        step = max(1, MAX_ELEMENTS // max(self.size, 1))
        for s in range(0, rows.shape[0], step):
            part = rows[s:s + step]
            d2 = part @ self.weight_t
            d2 += self.sq
            yield s, part, d2

    def distances(self, rows: np.ndarray) -> np.ndarray:
        """Rows (N, D) -> distance (N,) of each to its nearest bank entry."""
        out = np.empty(rows.shape[0], dtype=np.float32)
        for s, part, d2 in self._blocks(rows):
            out[s:s + part.shape[0]] = d2.min(1) + np.square(part).sum(1, dtype=np.float32)
        return np.sqrt(np.maximum(out, 0.0, out=out), out=out)

    def nearest_index(self, rows: np.ndarray) -> np.ndarray:
        """Rows (N, D) -> index (N,) of each one's nearest bank entry."""
        return np.concatenate([d2.argmin(1) for _, _, d2 in self._blocks(rows)])


def _euclidean(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """anomalib's ``PatchcoreModel.euclidean_dist``: (n, D), (m, D) -> (n, m), in its order of operations."""
    res = x @ y.T
    res *= np.float32(-2.0)
    res += np.square(x).sum(-1, keepdims=True, dtype=np.float32)
    res += np.square(y).sum(-1, keepdims=True, dtype=np.float32).T
    return np.sqrt(np.maximum(res, 0.0))


def reweighted_scores(flat: np.ndarray, rows: np.ndarray, handle: NumpyBank) -> np.ndarray:
    """anomalib's ``PatchcoreModel.compute_anomaly_score``: the most anomalous patch's distance, weighted by
    how isolated its nearest bank entry is among that entry's own ``num_neighbors`` nearest entries.

    ``flat``: (B, P) patch distances; ``rows``: (B * P, D) the patch embeddings in the same order."""
    batch, n_patches = flat.shape
    if handle.num_neighbors == 1:
        return flat.max(1).astype(np.float32)
    top = flat.argmax(1)
    features = rows.reshape(batch, n_patches, -1)[np.arange(batch), top]  # m^test,*
    score = flat[np.arange(batch), top]  # s^*
    nn_sample = handle.bank[handle.nearest_index(features)]  # m^*
    k = min(handle.num_neighbors, handle.size)
    to_bank = _euclidean(nn_sample, handle.bank)  # (B, N)
    support = np.argsort(to_bank, axis=1, kind="stable")[:, :k]  # N_b(m^*), nearest first
    out = np.empty(batch, dtype=np.float32)
    for b in range(batch):
        distances = _euclidean(features[b:b + 1], handle.bank[support[b]])[0]  # (k,)
        shifted = np.exp(distances - distances.max())
        weight = np.float32(1.0) - shifted[0] / shifted.sum(dtype=np.float32)
        out[b] = weight * score[b]
    return out


class ExportedRuntime:
    """Implements ``station.pipeline.patchcore.model.PatchModel`` on ONNX Runtime and numpy (CPU only)."""

    runtime_name = RUNTIME_NAME

    def __init__(self, exported: ExportedModel, degraded: bool = False, degraded_reason: str | None = None) -> None:
        import onnxruntime as ort  # noqa: PLC0415 - loads with the first exported model, not at start-up

        options = ort.SessionOptions()
        # the workers sleep between inspections instead of spinning on the cores the station shares
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(exported.onnx, options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self.exported = exported
        self.name = exported.backbone
        self.input_size = exported.input_size
        self.embedding_dim = exported.embedding_dim
        self.grid_size = exported.grid
        self.degraded = degraded
        self.degraded_reason = degraded_reason
        mean = np.asarray(exported.mean, dtype=np.float32) * np.float32(255.0)
        std = np.asarray(exported.std, dtype=np.float32) * np.float32(255.0)
        self._scale = (np.float32(1.0) / std).reshape(1, 3, 1, 1)  # (x - mean) / std as one multiply-add
        self._shift = (-mean / std).reshape(1, 3, 1, 1)

    @property
    def device_name(self) -> str:
        return "cpu"

    def to_input(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """uint8 BGR images of the input size -> normalised RGB float batch (B, 3, S, S)."""
        tensor = rgb_batch(images, self.input_size).transpose(0, 3, 1, 2).astype(np.float32)
        return np.ascontiguousarray(tensor * self._scale + self._shift)

    def embedding(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """(B, D, h, w) patch embeddings."""
        return self._session.run(None, {self._input: self.to_input(images)})[0]

    def embed(self, images: Sequence[np.ndarray]) -> PatchFeatures:
        grid = np.ascontiguousarray(self.embedding(images).transpose(0, 2, 3, 1))
        return PatchFeatures(grid=grid, pooled=grid.mean((1, 2), dtype=np.float32))

    def prepare_bank(self, bank: np.ndarray, image_score: str = "reweighted") -> NumpyBank:
        return NumpyBank(bank, self.exported.num_neighbors, image_score)

    def anomaly_maps(self, patch: np.ndarray) -> np.ndarray:
        """(B, h, w) patch scores -> (B, S, S) upsampled and smoothed maps."""
        return np.matmul(np.matmul(self.exported.blur_rows, patch), self.exported.blur_cols)

    def score(self, images: Sequence[np.ndarray], handle: NumpyBank) -> list[RawScore]:
        return self.score_features(self.embedding(images).transpose(0, 2, 3, 1), handle)

    def score_features(self, grid: np.ndarray, handle: NumpyBank) -> list[RawScore]:
        """Scores patch embeddings (``grid``: (B, h, w, D)) without running the backbone."""
        grid = np.ascontiguousarray(grid, dtype=np.float32)
        batch, h, w, dim = grid.shape
        rows = grid.reshape(-1, dim)
        patch = handle.distances(rows).reshape(batch, h, w)
        flat = patch.reshape(batch, -1)
        maps = self.anomaly_maps(patch)
        if handle.image_score == "map_peak":
            image_scores = maps.reshape(batch, -1).max(1)
        elif handle.image_score == "map_top":
            hottest = maps.reshape(batch, -1)
            k = top_count(hottest.shape[1])
            image_scores = np.partition(hottest, hottest.shape[1] - k, axis=1)[:, -k:].mean(1, dtype=np.float64)
        else:
            image_scores = reweighted_scores(flat, rows, handle)
        pooled = grid.mean((1, 2), dtype=np.float32)
        return [RawScore(image_score=float(image_scores[i]), patch_scores=patch[i], anomaly_map=maps[i],
                         grid=grid[i], pooled=pooled[i]) for i in range(batch)]
