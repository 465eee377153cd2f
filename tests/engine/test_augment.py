"""Bank augmentation: flipped and rotated copies of the bank images enter the coreset, never the calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from station.adapters.engine.provider import MlModels
from station.domain.errors import ValidationError
from station.pipeline.synthetic.parts import demo_images
from station.pipeline.patchcore.bank_build import AUGMENTATIONS, BuildOptions, build_memory_bank
from station.pipeline.patchcore.splits import calibration_split

SIZE = 64


def _goods(n: int = 6) -> list[np.ndarray]:
    """Real demo part images, made asymmetric (a bright bar near one corner) so that copies differ."""
    out = []
    for item in demo_images(n, 0, SIZE):
        img = np.dstack([item.image] * 3).copy()
        img[4:10, 4:30] = 255
        out.append(img)
    return out


def test_augmentations_are_the_copies_they_name() -> None:
    img = _goods(1)[0]
    assert np.array_equal(AUGMENTATIONS["hflip"](img), img[:, ::-1])
    assert np.array_equal(AUGMENTATIONS["vflip"](img), img[::-1])
    rotated = AUGMENTATIONS["rot90"](img)
    assert rotated.shape == img.shape and np.array_equal(rotated[:, :, 0], np.rot90(img[:, :, 0]))
    assert rotated.flags["C_CONTIGUOUS"]


def test_rotated_copies_enter_the_bank(tmp_path: Path) -> None:
    model = MlModels(tmp_path).runtime("filterbank", SIZE)
    goods = _goods()
    everything = BuildOptions(coreset_ratio=1.0, max_bank_size=100_000, min_calibration=2)
    plain = build_memory_bank("p", model, goods, {"resize": SIZE}, everything)
    rotated = build_memory_bank("r", model, goods, {"resize": SIZE}, BuildOptions(
        coreset_ratio=1.0, max_bank_size=100_000, min_calibration=2, augment=("rot90",)))
    cells = plain.bank.info["patch_grid"][0] * plain.bank.info["patch_grid"][1]
    n_cal = plain.bank.info["n_calibration_images"]
    assert plain.n_patches == len(goods) * cells
    assert rotated.n_patches == (2 * (len(goods) - n_cal) + n_cal) * cells  # the calibration images: no copies
    assert rotated.bank.info["augment"] == ["rot90"]
    # a rotated bank image is an exact member of the augmented bank and not of the plain one
    bank_image = calibration_split(len(goods), everything.calibration_fraction, everything.min_calibration)[0][0]
    probe = np.ascontiguousarray(np.rot90(goods[bank_image]))
    far = model.score([probe], model.prepare_bank(plain.bank.features))[0].patch_scores.max()
    near = model.score([probe], model.prepare_bank(rotated.bank.features))[0].patch_scores.max()
    assert near < 0.05 * far  # zero up to the rounding of |x|^2 - 2xy + |y|^2


def test_bad_augmentations_are_refused(tmp_path: Path) -> None:
    model = MlModels(tmp_path).runtime("filterbank", SIZE)
    with pytest.raises(ValidationError, match="unknown bank augmentation 'rot45'"):
        build_memory_bank("x", model, _goods(), {}, BuildOptions(augment=("rot45",)))
    wide = [np.zeros((SIZE, 2 * SIZE, 3), np.uint8)] * 4
    with pytest.raises(ValidationError, match="rot90 needs square"):
        build_memory_bank("x", model, wide, {}, BuildOptions(augment=("rot90",)))
