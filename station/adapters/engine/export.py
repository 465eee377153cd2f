"""Exporting a loaded torch backbone's patch embedding for the torch-free CPU runtime
(``station.adapters.engine.exported``), once per build.

The exported graph is the whole embedding step of :class:`~station.adapters.engine.patchcore.PatchcoreRuntime`:
the backbone's tapped layers, anomalib's feature pooling and ``generate_embedding``, and for a two-scale
backbone the half-size pass with its bilinear upsampling and concatenation. It is exported with
``torch.onnx.export`` at the bank's fixed input size with a dynamic batch, from an fp32 copy on the CPU.
The anomaly map's upsample-and-blur matrices come from the runtime's own :class:`UpsampleBlur`.
"""

from __future__ import annotations

import copy
import io
import warnings

import numpy as np
import torch
from torch.nn import functional as F  # noqa: N812

from station.adapters.engine.exported import ExportedModel
from station.adapters.engine.patchcore import PatchcoreRuntime

OPSET = 17


class ExportError(Exception):
    """The backbone could not be exported (the reason is the message)."""


class _Embedding(torch.nn.Module):
    """Normalised (B, 3, S, S) -> (B, D, h, w): what ``PatchcoreRuntime._embedding`` computes, eagerly."""

    def __init__(self, model: torch.nn.Module, scales: tuple[float, ...], size: int) -> None:
        super().__init__()
        self.extractor = model.feature_extractor
        self.pooler = model.feature_pooler
        self.generate_embedding = model.generate_embedding
        self.scales = scales
        self.size = size

    def _at(self, x: torch.Tensor) -> torch.Tensor:
        features = {k: self.pooler(v.float()) for k, v in self.extractor(x).items()}
        return self.generate_embedding(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fine = self._at(x)
        parts = [fine]
        for scale in self.scales[1:]:
            # ``interpolate(scale_factor=s, mode="area")`` with its output size fixed (floor(S * s)) for export
            n = int(np.floor(self.size * scale))
            coarse = self._at(F.adaptive_avg_pool2d(x, (n, n)))
            parts.append(F.interpolate(coarse, size=fine.shape[-2:], mode="bilinear", align_corners=False))
        return fine if len(parts) == 1 else torch.cat(parts, 1)


def export_runtime(runtime: PatchcoreRuntime) -> ExportedModel:
    """The runtime's patch embedding as ONNX plus the anomaly-map matrices; :class:`ExportError` on failure."""
    if runtime.degraded:
        raise ExportError("the degraded filter-bank backbone is not exported")
    model = runtime.model
    if runtime.device.type != "cpu" or runtime.half:
        model = copy.deepcopy(model).float().cpu()
    module = _Embedding(model.eval(), runtime.spec.scales, runtime.input_size).eval()
    size = runtime.input_size
    example = torch.zeros((2, 3, size, size), dtype=torch.float32)
    buffer = io.BytesIO()
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, (example,), buffer, input_names=["image"], output_names=["embedding"],
                              dynamic_axes={"image": {0: "batch"}, "embedding": {0: "batch"}},
                              opset_version=OPSET, dynamo=False)
    except Exception as exc:  # noqa: BLE001 - any exporter failure: inspections stay on torch
        raise ExportError(f"the backbone could not be exported to ONNX ({type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:200] if str(exc) else ''})") from exc
    a_h, a_w_t = runtime.blur.matrices(runtime.grid_size, torch.device("cpu"))
    mean, std = runtime.spec.norm
    return ExportedModel(
        backbone=runtime.name, input_size=size, embedding_dim=runtime.embedding_dim, grid=runtime.grid_size,
        mean=tuple(float(v) for v in mean), std=tuple(float(v) for v in std),  # type: ignore[arg-type]
        num_neighbors=int(model.num_neighbors), onnx=buffer.getvalue(),
        blur_rows=a_h.cpu().numpy().astype(np.float32), blur_cols=a_w_t.cpu().numpy().astype(np.float32))
