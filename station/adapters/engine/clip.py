"""open_clip image encoder for retrieval, loaded only from a verified local weights file (no hub access)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import cv2
import numpy as np
import torch

from station.adapters.weights.manifest import ModelsDirectory
from station.domain.errors import ValidationError

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def installed_clip(models: ModelsDirectory) -> str | None:
    """Name of the first installed ``kind = "clip"`` manifest entry, if any."""
    for name, entry in sorted(models.entries.items()):
        if entry.kind == "clip" and models.is_present(name):
            return name
    return None


class ClipEmbedder:
    """Image embeddings (L2-normalised) from the visual tower of an open_clip model."""

    def __init__(self, models: ModelsDirectory, name: str, device: torch.device | None = None) -> None:
        import open_clip

        entry = models.entry(name)
        if not entry.architecture:
            raise ValidationError(f"models manifest: {name} needs an 'architecture' (an open_clip model name)")
        path = models.verified_path(name)  # sha256 before unpickling
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(f"{path}: not a readable open_clip state dict ({exc})") from None
        if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
            state = state["state_dict"]
        state = {k.removeprefix("module."): v for k, v in state.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = open_clip.create_model(entry.architecture, pretrained=None)
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            raise ValidationError(f"{path}: does not fit open_clip {entry.architecture} ({str(exc)[:200]})") from None
        self.device = device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.visual = model.visual.eval().to(self.device)
        size = getattr(self.visual, "image_size", 224)
        self.image_size = int(size[0] if isinstance(size, (tuple, list)) else size)
        self.method = f"open_clip:{entry.architecture}"
        self._mean = np.array(CLIP_MEAN, np.float32) * 255
        self._std = np.array(CLIP_STD, np.float32) * 255

    def _prepare(self, img: np.ndarray) -> np.ndarray:
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        h, w = img.shape[:2]
        scale = self.image_size / min(h, w)
        img = cv2.resize(img, (max(self.image_size, round(w * scale)), max(self.image_size, round(h * scale))),
                         interpolation=cv2.INTER_CUBIC)
        h, w = img.shape[:2]
        y, x = (h - self.image_size) // 2, (w - self.image_size) // 2
        crop = img[y:y + self.image_size, x:x + self.image_size, ::-1].astype(np.float32)
        return (crop - self._mean) / self._std

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        batch = torch.from_numpy(np.stack([self._prepare(i) for i in images])).permute(0, 3, 1, 2).contiguous()
        with torch.inference_mode():
            out = self.visual(batch.to(self.device)).float()
        out = out / out.norm(dim=-1, keepdim=True).clamp_min(1e-12)
        return out.cpu().numpy()
