"""Pure computation of the inspection engine: image validation, preprocessing, normalisation, regions,
artifacts, calibration maths, coreset, retrieval vote, synthetic parts."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from station.domain.engine import CancelledError, CancelToken, decide_verdict
from station.domain.enums import Verdict
from station.pipeline.images import artifacts
from station.pipeline.patchcore import thresholds as cal
from station.pipeline.patchcore.coreset import coverage_radius, greedy_coreset
from station.pipeline.images.decode import ImageInputError, decode_bytes, encode_png, from_array, read_image
from station.pipeline.images.preprocessing import Preprocessing, prepare, to_full_frame
from station.pipeline.patchcore.judge import judge
from station.pipeline.patchcore.regions import find_regions, location_label
from station.pipeline.retrieval.knn import RetrievalIndex, unknown_threshold
from station.pipeline.patchcore.scoring import TAIL_KNEE, Calibration, ScoreNormaliser
from station.pipeline.synthetic.parts import DEFECT_CODES, demo_images, render_part, write_dataset
from station.domain.errors import ValidationError


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header announces ``width`` x ``height`` grey pixels, with a valid but tiny body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# --- bad input --------------------------------------------------------------------------------------
def test_good_png_and_jpeg_decode(tmp_path: Path) -> None:
    img = render_part(1, 64).image
    path = tmp_path / "part.jpg"
    cv2.imwrite(str(path), img)
    decoded = read_image(path)
    assert decoded.pixels.shape == (64, 64) and decoded.format == "jpeg"
    colour = decode_bytes(encode_png(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)), "c.png")
    assert colour.pixels.shape == (64, 64, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"this is not an image at all, just text\n" * 10, "not an image"),
        (encode_png(render_part(1, 64).image)[:300], "corrupt or truncated"),
        (encode_png(np.zeros((1, 1), np.uint8)), "1x1 px"),
        (_png_header_only(20000, 20000), "too large"),
    ],
    ids=["empty", "non-image", "corrupt", "1x1", "20000x20000"],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(data)
    with pytest.raises(ImageInputError, match=message) as info:
        read_image(path)
    assert "\n" not in str(info.value)


def test_bad_arrays_give_one_clear_error() -> None:
    with pytest.raises(ImageInputError, match="5 channels"):
        from_array(np.zeros((64, 64, 5), np.uint8))
    with pytest.raises(ImageInputError, match="2 channels"):
        from_array(np.zeros((64, 64, 2), np.uint8))
    with pytest.raises(ImageInputError, match="shape"):
        from_array(np.zeros((4, 64, 64, 3), np.uint8))
    with pytest.raises(ImageInputError, match="1x1"):
        from_array(np.zeros((1, 1, 3), np.uint8))
    with pytest.raises(ImageInputError, match="expected an image array"):
        from_array([[1, 2], [3, 4]])  # type: ignore[arg-type]
    assert from_array(np.zeros((32, 40, 4), np.uint8)).pixels.shape == (32, 40, 3)
    assert from_array(np.full((32, 40), 1000, np.uint16)).pixels.dtype == np.uint8


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImageInputError, match="no such file"):
        read_image(tmp_path / "absent.png")
    with pytest.raises(ImageInputError, match="not a file"):
        read_image(tmp_path)


# --- preprocessing ----------------------------------------------------------------------------------
def test_preprocessing_steps_are_applied_and_recorded() -> None:
    img = cv2.cvtColor(render_part(3, 200).image, cv2.COLOR_GRAY2BGR)
    pre = Preprocessing.from_config({"roi": [20, 10, 160, 170], "grayscale": True, "clahe": True,
                                     "contrast": {"alpha": 1.2, "beta": -5}, "resize": 128,
                                     "ignore": [[0, 0, 30, 30]]})
    out = prepare(img, pre)
    assert out.pixels.shape == (128, 128, 3)
    assert out.roi == (20, 10, 160, 170)
    assert out.applied["roi"] == [20, 10, 160, 170] and out.applied["grayscale"] is True
    assert out.applied["clahe"] == {"clip_limit": 2.0, "tile_grid": 8}
    assert out.applied["resize"] == [128, 128] and out.applied["ignore"] == [[0, 0, 30, 30]]
    assert np.array_equal(out.pixels[:, :, 0], out.pixels[:, :, 2])  # grey replicated

    full = to_full_frame(np.ones((128, 128), np.float32), out.roi, 200, 200, pre.ignore)
    assert full.shape == (200, 200)
    assert full[:10].max() == 0 and full[:, :20].max() == 0  # outside the ROI
    assert full[0:30, 0:30].max() == 0  # ignored
    assert full[100, 100] == pytest.approx(1.0)


@pytest.mark.parametrize("config", [{"roi": [1, 2, 3]}, {"resize": 100}, {"clahe": {"clip_limit": -1}},
                                    {"ignore": "everywhere"}, {"contrast": 3}])
def test_invalid_preprocessing_is_refused(config: dict) -> None:
    with pytest.raises(ValidationError):
        Preprocessing.from_config(config)


def test_roi_outside_image_is_refused() -> None:
    with pytest.raises(ValidationError, match="outside"):
        prepare(np.zeros((64, 64), np.uint8), Preprocessing.from_config({"roi": [100, 100, 50, 50]}))


# --- normalisation, verdicts ---------------------------------------------------------------------------
def test_normaliser_anchors_and_monotone() -> None:
    norm = ScoreNormaliser.from_anchors(1.0, 2.0)
    assert norm(1.0) == pytest.approx(0.2)
    assert norm(2.0) == pytest.approx(0.7)
    values = norm(np.linspace(0, 5, 50))
    assert np.all(np.diff(values) > 0) and values.min() >= 0 and values.max() <= 1
    assert norm.inverse(0.85) > 2.0
    assert ScoreNormaliser.from_json(norm.to_json()) == norm


def test_good_maps_stay_cool_no_per_image_max() -> None:
    rng = np.random.default_rng(0)
    good_maps = [rng.normal(1.0, 0.05, (32, 32)).astype(np.float32) for _ in range(8)]
    calib = Calibration.from_good(np.array([m.max() for m in good_maps]), good_maps)
    new_good = rng.normal(1.0, 0.05, (32, 32)).astype(np.float32)
    assert float(calib.pixel(new_good).max()) < 0.9  # a good part does not light up
    hot = new_good.copy()
    hot[10:14, 10:14] = 3.0
    assert float(calib.pixel(hot).max()) > TAIL_KNEE  # far above every threshold (in the order-keeping tail)
    # few calibration images that agree closely do not make the scale hair-trigger
    tight = Calibration.from_good(np.array([1.00, 1.001, 1.002]), good_maps[:3])
    assert tight.image(1.02) < 0.5
    assert Calibration.from_json(calib.to_json()) == calib


def test_verdict_band() -> None:
    assert decide_verdict(0.9, 0.85, 0.7) is Verdict.FAIL
    assert decide_verdict(0.85, 0.85, 0.7) is Verdict.FAIL
    assert decide_verdict(0.75, 0.85, 0.7) is Verdict.UNCERTAIN
    assert decide_verdict(0.69, 0.85, 0.7) is Verdict.PASS
    assert decide_verdict(0.65, 0.6, 0.7) is Verdict.FAIL  # review above the threshold: no band


def test_judgement_gives_verdict_mask_and_regions() -> None:
    amap = np.zeros((200, 300), np.float32)
    amap[90:110, 140:160] = 0.95
    amap[20:30, 20:30] = 0.80  # below the pixel threshold
    judged = judge(0.75, amap, 0.85, 0.9, 0.7)
    assert judged.verdict is Verdict.UNCERTAIN
    assert judged.mask.shape == amap.shape and int(judged.mask.sum()) == 400
    assert [r.bbox for r in judged.regions] == [(140, 90, 20, 20)]
    assert judge(0.75, amap, 0.85, 0.75, 0.8).verdict is Verdict.PASS
    assert [r.bbox for r in judge(0.9, amap, 0.85, 0.75, 0.8).regions] == [(140, 90, 20, 20), (20, 20, 10, 10)]


# --- regions and artifacts ----------------------------------------------------------------------------
def test_regions_from_painted_defects() -> None:
    amap = np.zeros((200, 300), np.float32)
    amap[90:110, 140:160] = 0.95  # centre
    amap[5:25, 5:45] = 0.92  # top-left edge
    amap[150, 250] = 0.99  # a speck, dropped
    mask = amap >= 0.9
    regions = find_regions(amap, mask)
    assert len(regions) == 2
    big, small = regions
    assert big.bbox == (5, 5, 40, 20) and big.area_px == 800 and big.location == "edge"
    assert small.bbox == (140, 90, 20, 20) and small.area_px == 400 and small.location == "center"
    assert small.area_pct == pytest.approx(100 * 400 / 60000)
    assert small.centroid == pytest.approx((149.5, 99.5))
    assert small.max_score == pytest.approx(0.95) and small.mean_score == pytest.approx(0.95)
    json = small.to_json()
    assert json["bbox"] == {"x": 140, "y": 90, "width": 20, "height": 20} and json["location"] == "center"
    assert location_label(70, 70, 300, 300) == "top-left"
    assert location_label(230, 230, 300, 300) == "bottom-right"


def test_heatmap_uses_a_fixed_colour_scale() -> None:
    low = np.full((8, 8), 0.1, np.float32)
    mixed = low.copy()
    mixed[0, 0] = 1.0
    # the same score gets the same colour whatever else is in the image
    assert np.array_equal(artifacts.heatmap(low)[4, 4], artifacts.heatmap(mixed)[4, 4])
    assert not np.array_equal(artifacts.heatmap(low)[0, 0], artifacts.heatmap(mixed)[0, 0])
    image = render_part(2, 64).image
    over = artifacts.overlay(image, mixed.repeat(8, 0).repeat(8, 1), mixed.repeat(8, 0).repeat(8, 1) > 0.9)
    assert over.shape == (64, 64, 3)
    comp = artifacts.comparison(image, render_part(3, 80).image)
    assert comp.shape[0] == 64 and comp.shape[1] > 128
    assert cv2.imdecode(np.frombuffer(artifacts.encode_png(comp), np.uint8), cv2.IMREAD_COLOR).shape == comp.shape


# --- calibration maths --------------------------------------------------------------------------------
def test_auroc_matches_pairwise_definition() -> None:
    rng = np.random.default_rng(1)
    good, defect = np.round(rng.normal(0, 1, 60), 1), np.round(rng.normal(1, 1, 40), 1)
    pairs = (defect[:, None] > good[None, :]).mean() + 0.5 * (defect[:, None] == good[None, :]).mean()
    assert cal.auroc(good, defect) == pytest.approx(pairs)
    assert cal.auroc([0, 1], [2, 3]) == 1.0 and cal.auroc([2, 3], [0, 1]) == 0.0
    roc = cal.roc_curve(good, defect)
    assert roc.fpr[0] == 0 and roc.tpr[0] == 0 and roc.fpr[-1] == 1 and roc.tpr[-1] == 1
    assert np.trapezoid(roc.tpr, roc.fpr) == pytest.approx(pairs)
    # pixel maps are float32 and full of ties; labels pick the defect pixels; int and mixed inputs work too
    labels = rng.random(500) < 0.3
    pixels = np.round(rng.normal(0, 1, 500) + labels, 1).astype(np.float32)
    pix_good, pix_defect = pixels[~labels].astype(np.float64), pixels[labels].astype(np.float64)
    pix_pairs = ((pix_defect[:, None] > pix_good[None, :]).mean()
                 + 0.5 * (pix_defect[:, None] == pix_good[None, :]).mean())
    assert cal.auroc_labels(labels.astype(np.uint8), pixels) == pytest.approx(pix_pairs)
    assert cal.auroc(pixels[~labels], pix_defect) == pytest.approx(pix_pairs)
    assert cal.auroc(np.array([1, 1, 2]), np.array([1, 3])) == pytest.approx((0.5 + 0.5 + 0 + 1 + 1 + 1) / 6)


def test_f1_and_false_alarm_thresholds() -> None:
    good = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    defect = np.array([0.85, 0.97, 0.99])
    threshold, f1 = cal.best_f1(good, defect)
    assert f1 == pytest.approx(cal.f1_at(good, defect, threshold))
    assert f1 == pytest.approx(0.8)  # 0.97 and 0.99 caught, 0.95 would add a false alarm
    assert 0.95 < threshold < 0.97
    far = cal.threshold_for_far(good, 0.1)  # one good in ten may alarm
    assert 0.9 < far <= 0.95 and (good >= far).mean() <= 0.1
    assert cal.threshold_for_far(good, 0.0) > 0.95
    edges, g, d = cal.histogram(good, defect, bins=10)
    assert len(edges) == 11 and g.sum() == 10 and d.sum() == 3


# --- coreset --------------------------------------------------------------------------------------------
def _plain_greedy(x: torch.Tensor, k: int, first: int) -> list[int]:
    dist = torch.linalg.vector_norm(x - x[first], dim=1)
    chosen = [first]
    dist[first] = 0
    for _ in range(k - 1):
        i = int(dist.argmax())
        chosen.append(i)
        dist = torch.minimum(dist, torch.linalg.vector_norm(x - x[i], dim=1))
        dist[i] = 0
    return chosen


def test_pruned_coreset_equals_plain_greedy_and_reports_its_radius() -> None:
    gen = torch.Generator().manual_seed(0)
    centres = torch.randn(30, 16, generator=gen) * 4
    x = centres[torch.randint(30, (3000,), generator=gen)] + torch.randn(3000, 16, generator=gen)
    result = greedy_coreset(x, 120, seed=3)
    assert result.indices.tolist() == _plain_greedy(x, 120, int(result.indices[0]))
    assert result.radius == pytest.approx(coverage_radius(x, x[result.indices]), rel=1e-5)
    assert result.measured < 3000 * 120  # pruning skipped work
    assert len(set(result.indices.tolist())) == 120


@pytest.mark.parametrize("dims", [(8, 24, 64), (16,), ()])
def test_staged_projection_bounds_keep_the_coreset_exact(dims: tuple[int, ...]) -> None:
    gen = torch.Generator().manual_seed(4)
    centres = torch.randn(40, 160, generator=gen) * 3
    x = centres[torch.randint(40, (4000,), generator=gen)] + torch.randn(4000, 160, generator=gen) * 0.5
    x[:200] = x[200:400] + 1e-4  # near-duplicates: the bounds' float slack must not prune them wrongly
    result = greedy_coreset(x, 150, seed=1, projection_dims=dims)
    assert result.indices.tolist() == _plain_greedy(x, 150, int(result.indices[0]))
    assert result.radius == pytest.approx(coverage_radius(x, x[result.indices]), rel=1e-5)


def test_coreset_progress_and_cancel() -> None:
    x = torch.randn(2000, 8, generator=torch.Generator().manual_seed(1))
    seen = []
    greedy_coreset(x, 50, progress=seen.append)
    assert seen[-1].done == 50 and seen[-1].total == 50
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        greedy_coreset(x, 500, cancel=token)


# --- retrieval ------------------------------------------------------------------------------------------
def test_knn_vote_and_unknown() -> None:
    rng = np.random.default_rng(0)
    protos = np.eye(3, 8, dtype=np.float32)
    vectors, types = [], []
    for t in range(3):
        for _ in range(4):
            v = protos[t] + rng.normal(0, 0.05, 8)
            vectors.append(v / np.linalg.norm(v))
            types.append(t + 10)
    vectors_a = np.array(vectors, np.float32)
    labels = np.array(types)
    threshold = unknown_threshold(vectors_a, labels)
    assert 0.8 < threshold < 1.0
    index = RetrievalIndex(
        method="test", good_ids=np.array([1, 2]), good_keys=("a", "b"),
        good_vectors=np.array([[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0]], np.float32),
        defect_ids=np.arange(12), defect_type_ids=labels, defect_codes=tuple(f"d{t}" for t in types),
        defect_vectors=vectors_a, unknown_threshold=threshold,
    )
    vote = index.vote(protos[1] + 0.01)
    assert vote.defect_type_id == 11 and vote.defect_code == "d11" and not vote.unknown
    assert 0.5 < vote.confidence <= 1.0 and len(vote.neighbours) == 5
    unknown = index.vote(np.eye(8, dtype=np.float32)[6])
    assert unknown.unknown and unknown.defect_code is None and unknown.confidence == 0.0
    assert index.nearest_reference(np.eye(8, dtype=np.float32)[3])[:2] == (2, "b")
    restored = RetrievalIndex.from_files(*index.to_files())
    assert restored.vote(protos[2]).defect_type_id == 12


# --- synthetic parts ------------------------------------------------------------------------------------
def test_synthetic_parts_are_deterministic_and_masked(tmp_path: Path) -> None:
    a, b = render_part(7, 128, "hole"), render_part(7, 128, "hole")
    assert np.array_equal(a.image, b.image) and a.mask.any()
    assert not render_part(7, 128).mask.any()
    items = demo_images(2, 1, 96)
    assert [i.defect_code for i in items] == [None, None, *DEFECT_CODES]
    root = write_dataset(tmp_path / "ds", n_train=3, n_test_good=2, n_per_defect=1, size=64)
    assert len(list((root / "train" / "good").iterdir())) == 3
    assert (root / "ground_truth" / "scratch").is_dir()
    with pytest.raises(ValueError):
        render_part(1, 64, "crack")


def test_bank_files_keep_the_image_score_and_refuse_unknown_ones() -> None:
    from station.pipeline.patchcore.bank import MemoryBank

    maps = [np.full((8, 8), v, np.float32) for v in (0.1, 0.2, 0.3)]
    bank = MemoryBank(product_code="p", backbone="mobilenet_v2_2scale", degraded=False, input_size=64,
                      image_steps={"resize": [64, 64]}, features=np.ones((4, 256), np.float32),
                      calibration=Calibration.from_good(np.array([0.1, 0.2, 0.3]), maps), image_score="map_peak")
    arrays, meta = bank.to_files()
    assert MemoryBank.from_files(arrays, meta).image_score == "map_peak"
    older = {k: v for k, v in meta.items() if k != "image_score"}  # banks written before the choice existed
    assert MemoryBank.from_files(arrays, older).image_score == "reweighted"
    with pytest.raises(ValueError, match="image score"):
        MemoryBank.from_files(arrays, meta | {"image_score": "mean"})


def test_map_scores_peak_and_hottest_pixels() -> None:
    from station.pipeline.patchcore.bank import map_image_score, top_count

    amap = np.zeros((100, 100), np.float32)
    amap[:10, :10] = 0.5  # a faint region of 100 pixels: exactly the hottest 1 %
    amap[50, 50] = 0.9  # and one hot pixel
    assert top_count(amap.size) == 100 and top_count(10) == 1
    assert map_image_score("map_peak", amap) == pytest.approx(0.9)
    assert map_image_score("map_top", amap) == pytest.approx((0.9 + 99 * 0.5) / 100)
    wide = np.zeros_like(amap)
    wide[:20, :20] = 0.6  # a larger faint region outranks the single hot pixel on map_top, not on the peak
    assert map_image_score("map_top", wide) > map_image_score("map_top", amap)
    assert map_image_score("map_peak", wide) < map_image_score("map_peak", amap)
    with pytest.raises(ValueError, match="not read off the anomaly map"):
        map_image_score("reweighted", amap)
