"""Synthetic images made by the station itself: rendered demo parts (``parts``) and defects painted on good
images for the self-configuration's validation (``defects``)."""

from station.pipeline.synthetic.defects import KINDS, SyntheticDefect, make_defects
from station.pipeline.synthetic.parts import DEFECT_CODES, SyntheticImage, demo_images, render_part, write_dataset

__all__ = [
    "DEFECT_CODES", "KINDS", "SyntheticDefect", "SyntheticImage", "demo_images", "make_defects", "render_part",
    "write_dataset",
]
