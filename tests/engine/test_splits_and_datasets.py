"""Index splits of a product's good images and the image folders the engine reads (listing, MVTec masks,
calibration folders)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from station.domain.errors import ValidationError
from station.pipeline.images.datasets import calibration_images, folder_images, ground_truth_mask
from station.pipeline.patchcore.splits import calibration_split


def test_calibration_split_spreads_the_held_out_images() -> None:
    assert calibration_split(10, 0.2, 2) == ([0, 1, 2, 4, 5, 7, 8, 9], [3, 6])
    assert calibration_split(3, 0.2, 2) == ([0, 2], [1])  # the bank keeps at least one image
    bank, cal = calibration_split(100, 0.2, 2)
    assert len(cal) == 20 and not set(bank) & set(cal) and sorted(bank + cal) == list(range(100))
    with pytest.raises(ValidationError, match="at least 3 good images"):
        calibration_split(2, 0.2, 2)


def _png(path: Path, value: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((20, 20), value, np.uint8))
    return path


def test_folder_images_lists_image_files_sorted(tmp_path: Path) -> None:
    b, a = _png(tmp_path / "b.PNG"), _png(tmp_path / "a.jpg")
    deep = _png(tmp_path / "sub" / "c.png")
    (tmp_path / "notes.txt").write_text("not an image")
    assert folder_images(tmp_path) == [a, b]
    assert folder_images(tmp_path, recursive=True) == [a, b, deep]
    with pytest.raises(ValidationError, match="no such folder"):
        folder_images(tmp_path / "missing")


def test_ground_truth_mask_of_an_mvtec_folder(tmp_path: Path) -> None:
    mask = np.zeros((40, 40), np.uint8)
    mask[10:20, 10:20] = 255
    (tmp_path / "ground_truth" / "crack").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "ground_truth" / "crack" / "007_mask.png"), mask)
    found = ground_truth_mask(tmp_path, "crack", Path("test/crack/007.png"), (20, 20))
    assert found.shape == (20, 20) and found.dtype == bool and int(found.sum()) == 25
    assert not ground_truth_mask(tmp_path, "good", Path("test/good/001.png"), (8, 8)).any()
    with pytest.raises(ValidationError, match="ground-truth mask"):
        ground_truth_mask(tmp_path, "crack", Path("test/crack/008.png"), (20, 20))


def test_calibration_folders(tmp_path: Path) -> None:
    good = [_png(tmp_path / "ok" / "g1.png"), _png(tmp_path / "ok" / "more" / "g2.png")]
    defect = [_png(tmp_path / "hole" / "d1.png")]
    assert calibration_images(tmp_path) == (good, defect)
    assert calibration_images(tmp_path / "ok" / "more") == ([good[1]], [])  # no sub-folders: all good
    no_good = _png(tmp_path / "no-good" / "scratch" / "s.png").parents[1]
    with pytest.raises(ValidationError, match="no good/ folder"):
        calibration_images(no_good)
