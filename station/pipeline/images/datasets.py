"""Image folders on disk: which files are images, how a folder is listed, and the layouts the engine reads.

* :func:`folder_images`: the image files of a folder (directly inside it, or at any depth), sorted;
* :func:`ground_truth_mask`: the defect mask of an MVTec-layout test image
  (``ground_truth/<class>/<stem>_mask.png``; none for ``good``);
* :func:`calibration_images`: a folder of validation images split into good and defective ones.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from station.domain.errors import ValidationError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
GOOD_FOLDERS = ("good", "normal", "ok", "pass")
GOOD_CLASS = "good"


def is_image_file(path: Path) -> bool:
    """A file whose name ends in one of :data:`IMAGE_SUFFIXES` (any case)."""
    return path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()


def folder_images(folder: Path, *, recursive: bool = False) -> list[Path]:
    """Image files directly inside ``folder`` (or at any depth with ``recursive``), sorted by path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"{folder}: no such folder")
    children = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in children if is_image_file(p))


def ground_truth_mask(root: Path, cls: str, image: Path, shape: tuple[int, int]) -> np.ndarray:
    """The boolean defect mask of test image ``image`` of class ``cls`` in the MVTec-layout folder ``root``,
    at ``shape`` (rows, columns); all false for the ``good`` class."""
    if cls == GOOD_CLASS:
        return np.zeros(shape, dtype=bool)
    path = Path(root) / "ground_truth" / cls / f"{Path(image).stem}_mask.png"
    mask = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise ValidationError(f"{path}: missing or unreadable ground-truth mask")
    if mask.shape != shape:
        mask = cv2.resize(mask, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    return mask > 127


def calibration_images(folder: Path) -> tuple[list[Path], list[Path]]:
    """(good, defect) validation images of a folder: ``good/`` (or ``normal/``, ``ok/``, ``pass/``) and every
    other sub-folder as defects, each searched at any depth; a folder without sub-folders is all good images."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"calibration folder not found: {folder}")
    subdirs = [d for d in sorted(folder.iterdir()) if d.is_dir()]
    if not subdirs:
        return folder_images(folder, recursive=True), []
    good = [p for d in subdirs if d.name.lower() in GOOD_FOLDERS for p in folder_images(d, recursive=True)]
    defect = [p for d in subdirs if d.name.lower() not in GOOD_FOLDERS for p in folder_images(d, recursive=True)]
    if not good:
        raise ValidationError(f"{folder} has no good/ folder with validation images")
    return good, defect
