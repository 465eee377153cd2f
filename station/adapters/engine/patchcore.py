"""PatchCore inference on anomalib's torch model, without Lightning, with a faster scoring path.

Feature extraction, pooling, multi-layer embedding and the paper's re-weighted image score are anomalib's
own ``PatchcoreModel`` code. Three steps run in an equivalent but faster way: on the CPU the backbone is
traced and frozen with TorchScript for inference (batch-norm folded into the convolutions, oneDNN
kernels; one trace per input shape, checked against the eager output and dropped if it disagrees); the
nearest-neighbour search (``station.pipeline.patchcore.nearest``) reuses the bank's squared norms computed once at
load and runs as a channels-last 1x1 convolution on the CPU; the nearest upsampling plus 33x33 Gaussian
smoothing of the anomaly map is one pair of small matrix products (:class:`UpsampleBlur`). Scores agree
with ``PatchcoreModel.forward`` to float rounding (``benchmarks/bench_engine_latency.py`` measures both).

On CUDA the backbone runs eagerly in fp16 (features go back to fp32 before the distance search, so verdicts
do not change); on the CPU everything is fp32.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F  # noqa: N812

from station.adapters.engine.backbone_loader import build_patchcore, patchcore_class
from station.adapters.engine.backbones import BackboneSpec, degraded_reason, spec_of
from station.adapters.engine.heap import release_free_memory
from station.adapters.weights.manifest import ModelsDirectory
from station.pipeline.images.preprocessing import rgb_batch
from station.pipeline.patchcore.bank import IMAGE_SCORES, PatchFeatures, RawScore, top_count
from station.pipeline.patchcore.nearest import BankSearch


def select_device(preference: str | None = None) -> torch.device:
    if preference:
        return torch.device(preference)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


TRACE_BATCH = 8  # partial batches are padded to this size so that they reuse its trace


class BankHandle(BankSearch):
    """A bank on the model's device with its squared norms precomputed, and a view of it through which
    anomalib's image-score code runs (so concurrent inspections of different banks never share state)."""

    def __init__(self, bank: torch.Tensor, num_neighbors: int, image_score: str = "reweighted") -> None:
        super().__init__(bank)
        if image_score not in IMAGE_SCORES:
            raise ValueError(f"unknown image score {image_score!r}")
        self.view = _BankView(self.bank, num_neighbors)
        self.image_score = image_score


class _BankView:
    """Just what ``PatchcoreModel.compute_anomaly_score`` reads from its model: anomalib's own methods,
    bound to this bank instead of the shared module's ``memory_bank`` buffer."""

    def __init__(self, bank: torch.Tensor, num_neighbors: int) -> None:
        self.memory_bank = bank
        self.num_neighbors = num_neighbors
        cls = patchcore_class()
        self.euclidean_dist = cls.euclidean_dist
        self.nearest_neighbors = cls.nearest_neighbors.__get__(self)
        self.compute_anomaly_score = cls.compute_anomaly_score.__get__(self)


class UpsampleBlur(torch.nn.Module):
    """anomalib's anomaly-map step -- nearest upsampling of the patch grid to the input size, then its
    GaussianBlur2d (reflect padding, normalised kernel) -- as two small matrix products.

    Every step is linear and acts on rows and columns separately (the 2-D kernel is the outer product of
    two normalised 1-D kernels), so the whole step is ``A_h @ P @ A_w.T`` for a patch grid ``P``, where
    ``A_h`` is the 1-D upsample-pad-convolve chain applied to the identity. The matrices are built once per
    grid shape by running that chain itself.
    """

    def __init__(self, blur2d: torch.nn.Module, size: tuple[int, int]) -> None:
        super().__init__()
        k2 = blur2d.kernel[0, 0].double()
        self.k1 = k2.sum(0)
        pad = blur2d.padding_shape  # (left, right, top, bottom)
        self.pad_cols, self.pad_rows = (pad[0], pad[1]), (pad[2], pad[3])
        self.border_type = blur2d.border_type
        self.size = size
        self._matrices: dict[tuple[int, int], tuple[torch.Tensor, torch.Tensor]] = {}
        self._lock = threading.Lock()

    def _chain(self, n: int, out: int, pad: tuple[int, int]) -> torch.Tensor:
        """(out, n): upsample (nearest) -> reflect pad -> 1-D Gaussian, applied to each unit vector."""
        eye = torch.eye(n, dtype=torch.float64).reshape(n, 1, 1, n)
        up = F.interpolate(eye, size=(1, out))
        padded = F.pad(up, (pad[0], pad[1], 0, 0), mode=self.border_type)
        return F.conv2d(padded, self.k1.view(1, 1, 1, -1))[:, 0, 0, :].T.contiguous()

    def matrices(self, grid: tuple[int, int], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        found = self._matrices.get(grid)
        if found is None:
            with self._lock:
                a_h = self._chain(grid[0], self.size[0], self.pad_rows).float().to(device)
                a_w = self._chain(grid[1], self.size[1], self.pad_cols).float().T.contiguous().to(device)
                found = self._matrices[grid] = (a_h, a_w)
        return found

    def forward(self, patch: torch.Tensor) -> torch.Tensor:
        """(B, h, w) patch scores -> (B, H, W) smoothed anomaly maps."""
        a_h, a_w_t = self.matrices((int(patch.shape[-2]), int(patch.shape[-1])), patch.device)
        return torch.matmul(torch.matmul(a_h, patch), a_w_t)


class PatchcoreRuntime:
    """One loaded backbone: patch embeddings for bank builds, scoring against a bank for inspections."""

    runtime_name = "torch"

    def __init__(self, name: str, models: ModelsDirectory, input_size: int = 256, device: str | None = None,
                 compile_backbone: bool = True, half: bool | None = None) -> None:
        """``half``: the backbone in fp16 (default: on CUDA only; the bank search stays fp32 either way)."""
        torch.set_flush_denormal(True)  # denormal intermediates (e.g. in EfficientNet-Lite) cost 20x on x86
        self.spec: BackboneSpec = spec_of(name)
        self.name = name
        self.input_size = int(input_size)
        self.device = select_device(device)
        self.half = self.device.type == "cuda" and (half is None or bool(half))
        self.model = build_patchcore(name, models).to(self.device)
        if self.half:
            self.model.feature_extractor.half()
        self.blur = UpsampleBlur(self.model.anomaly_map_generator.blur, (self.input_size, self.input_size))
        self._compiled: dict[tuple[int, ...], Callable[[torch.Tensor], Any]] = {}
        self._compile_lock = threading.Lock()
        mean, std = (torch.tensor(v, dtype=torch.float32).view(1, 3, 1, 1) * 255.0 for v in self.spec.norm)
        self._scale = (1.0 / std).to(self.device)  # (x - mean) / std as one multiply-add
        self._shift = (-mean / std).to(self.device)
        self.degraded = self.spec.degraded
        self.degraded_reason = degraded_reason(name)
        with torch.inference_mode():  # the probe runs eagerly: each batch shape is traced when first used
            self.compile = False
            probe = self._embedding(self.to_tensor([np.zeros((self.input_size, self.input_size, 3), np.uint8)]))
            self.compile = compile_backbone and self.device.type == "cpu"
        self.embedding_dim = int(probe.shape[1])
        self.grid_size = (int(probe.shape[2]), int(probe.shape[3]))
        del probe
        release_free_memory()  # the weights' loading and the first trace leave freed heap behind

    @property
    def device_name(self) -> str:
        return self.device.type

    def to_tensor(self, images: Sequence[np.ndarray]) -> torch.Tensor:
        """uint8 BGR images of the input size -> normalised RGB float batch on the device."""
        tensor = torch.from_numpy(rgb_batch(images, self.input_size)).to(self.device).permute(0, 3, 1, 2).float()
        return (tensor * self._scale + self._shift).contiguous()

    def _trace(self, x: torch.Tensor) -> Callable[[torch.Tensor], Any]:
        """A TorchScript inference version of the backbone for inputs shaped like ``x`` (eager on failure).

        The trace is frozen with oneDNN Graph fusion on (convolution, batch norm and activation run as one
        kernel, in channels-last layout); it is warmed up, since the profiling executor fuses on the first
        runs, and then checked against the eager output once (the tracer's own check, which reruns the
        module again, is off).
        """
        inner = self.model.feature_extractor.feature_extractor
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.jit.enable_onednn_fusion(True)  # process-wide; affects only frozen TorchScript graphs
                xc = x.contiguous(memory_format=torch.channels_last)
                traced = torch.jit.freeze(torch.jit.trace(inner.eval(), xc, strict=False, check_trace=False))
                for _ in range(3):
                    got = _as_list(traced(xc))
                expected = _as_list(inner(x))
            scale = max(float(e.abs().max()) for e in expected) or 1.0
            if all(float((e - g).abs().max()) <= 1e-4 * scale for e, g in zip(expected, got, strict=True)):
                return lambda t: traced(t.contiguous(memory_format=torch.channels_last))
        except Exception:  # noqa: BLE001 - any tracing problem: the eager module does the same work
            pass
        return inner

    def _features(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        extractor = self.model.feature_extractor
        if not self.compile:
            return extractor(x)
        batch = int(x.shape[0])
        if 1 < batch < TRACE_BATCH:  # one trace serves every partial batch (tracing costs seconds per shape)
            pad = x[-1:].expand(TRACE_BATCH - batch, *x.shape[1:])
            return {k: v[:batch] for k, v in self._features(torch.cat([x, pad])).items()}
        key = tuple(x.shape)
        fn = self._compiled.get(key)
        if fn is None:
            with self._compile_lock:
                fn = self._compiled.get(key) or self._trace(x)
                self._compiled[key] = fn
        out = fn(x)
        return out if isinstance(out, dict) else dict(zip(extractor.layers, out, strict=True))

    def _embedding(self, x: torch.Tensor) -> torch.Tensor:
        """(B, D, h, w) patch embeddings; for a two-scale backbone the half-size input's embeddings,
        bilinearly upsampled onto the same grid, follow the full-size ones (D doubles)."""
        fine = self._embedding_at(x)
        parts = [fine]
        for scale in self.spec.scales[1:]:
            small = F.interpolate(x, scale_factor=scale, mode="area")
            coarse = self._embedding_at(small)
            parts.append(F.interpolate(coarse, size=fine.shape[-2:], mode="bilinear", align_corners=False))
        return fine if len(parts) == 1 else torch.cat(parts, 1)

    def _embedding_at(self, x: torch.Tensor) -> torch.Tensor:
        model = self.model
        if self.half:
            x = x.half()
        features = self._features(x)
        features = {k: model.feature_pooler(v.float()) for k, v in features.items()}
        return model.generate_embedding(features)  # (B, D, h, w)

    def embed(self, images: Sequence[np.ndarray]) -> PatchFeatures:
        with torch.inference_mode():
            emb = self._embedding(self.to_tensor(images))
        grid = emb.permute(0, 2, 3, 1).contiguous()
        return PatchFeatures(grid=grid.cpu().numpy(), pooled=grid.mean((1, 2)).cpu().numpy())

    def prepare_bank(self, bank: np.ndarray, image_score: str = "reweighted") -> BankHandle:
        tensor = torch.from_numpy(np.ascontiguousarray(bank, dtype=np.float32)).to(self.device)
        return BankHandle(tensor, self.model.num_neighbors, image_score)

    def score(self, images: Sequence[np.ndarray], handle: BankHandle) -> list[RawScore]:
        with torch.inference_mode():
            emb = self._embedding(self.to_tensor(images)).contiguous(memory_format=torch.channels_last)
            return self._score_embedding(emb, handle)

    def score_features(self, grid: np.ndarray, handle: BankHandle) -> list[RawScore]:
        """Scores patch embeddings already computed by :meth:`embed` (``grid``: (B, h, w, D)) without running
        the backbone again."""
        with torch.inference_mode():
            emb = torch.from_numpy(np.ascontiguousarray(grid, dtype=np.float32)).to(self.device)
            return self._score_embedding(emb.permute(0, 3, 1, 2), handle)  # a channels-last view

    def _score_embedding(self, emb: torch.Tensor, handle: BankHandle) -> list[RawScore]:
        """(B, D, h, w) channels-last embeddings -> raw scores and maps (inside inference mode)."""
        batch, dim, h, w = emb.shape
        patch = handle.distances(emb)  # (B, h, w) nearest distance of every patch
        grid = emb.permute(0, 2, 3, 1)  # (B, h, w, D), a view in channels-last layout
        rows = grid.reshape(-1, dim)
        flat = patch.reshape(batch, -1)
        smoothed = self.blur(patch)
        if handle.image_score == "map_peak":
            image_scores = smoothed.reshape(batch, -1).amax(1)
        elif handle.image_score == "map_top":
            hottest = smoothed.reshape(batch, -1)
            image_scores = hottest.topk(top_count(hottest.shape[1]), dim=1).values.double().mean(1)
        else:  # anomalib's image score reads only the nearest entry of each image's most anomalous patch
            top = flat.argmax(1)
            images = torch.arange(batch, device=flat.device)
            loc = torch.zeros_like(flat, dtype=torch.long)
            loc[images, top] = handle.nearest(rows[images * h * w + top])[1]
            image_scores = handle.view.compute_anomaly_score(flat, loc, rows)
        maps = smoothed.cpu().numpy()
        pooled = grid.mean((1, 2)).cpu().numpy()
        patches, grids = patch.cpu().numpy(), grid.cpu().numpy()
        return [
            RawScore(image_score=float(image_scores[i].item()), patch_scores=patches[i], anomaly_map=maps[i],
                     grid=grids[i], pooled=pooled[i])
            for i in range(batch)
        ]


def _as_list(out: Any) -> list[torch.Tensor]:
    return list(out.values()) if isinstance(out, dict) else list(out)
