"""Few-shot onboarding from a replay camera: a new product from 5 good parts (and defective ones), built
and inspected; more good parts tighten the false-alarm bound; too few parts are refused."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from station.pipeline.synthetic.parts import render_part

SIZE = 64


def _folder(path: Path, seeds: range, defect: str | None = None) -> Path:
    path.mkdir(parents=True)
    for seed in seeds:
        cv2.imwrite(str(path / f"{seed:06d}.png"), render_part(seed, SIZE, defect).image)
    return path


def test_onboard_from_camera(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from station.app.station import build_station
    from station.cli.main import main
    from station.config import load_settings

    good = _folder(tmp_path / "good", range(90_000, 90_005))
    assert main(["onboard", "--product", "new-part", "--camera", str(good), "--good", "4", "--interval", "0"]) == 2
    assert "at least 5" in capsys.readouterr().err
    assert main(["onboard", "--product", "new-part", "--name", "New part", "--camera", str(good), "--good", "5",
                 "--interval", "0"]) == 0
    out = capsys.readouterr().out
    assert "new-part: ready to inspect" in out and "from 5 good" in out and "expected false-alarm rate" in out
    ctx = build_station(load_settings())
    try:
        outcome = ctx.engine.inspection.inspect("new-part", render_part(90_100, SIZE).image, record=False)
        assert outcome.verdict.value in ("PASS", "FAIL", "UNCERTAIN")
        first = ctx.engine.inspection.bank_info("new-part")
        more = ctx.engine.onboarding.add_good("new-part", [render_part(s, SIZE).image for s in range(92_000, 92_015)])
        assert more.n_good == 20 and first is not None
        n_held_out = more.build.n_calibration_images  # 20 % of the good parts
        assert n_held_out == 4 and more.far_upper_bound == pytest.approx(3 / n_held_out)  # tighter than 5 parts' 1.0
        with_defects = ctx.engine.onboarding.onboard(
            "other-part", "Other part", [render_part(s, SIZE).image for s in range(93_000, 93_006)],
            {"hole": [render_part(s, SIZE, "hole").image for s in range(94_000, 94_002)]})
        product = ctx.catalog.get_product("other-part")
        assert with_defects.n_defect == 2 and product.defect_by_code("hole") is not None
        assert len(ctx.catalog.list_images(product.product_id, "defect")) == 2
        with pytest.raises(Exception, match="already has good images"):
            ctx.engine.onboarding.onboard("other-part", "x", [render_part(1, SIZE).image] * 5)
    finally:
        ctx.close()
