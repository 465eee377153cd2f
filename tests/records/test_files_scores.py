"""A rebuilt bank and its retrieval index are published as one set (readers see the old pair or the new pair,
never a mix, never half a file); scores above the calibration keep their order and stay in [0, 1]."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np
import pytest

from station.adapters.engine.bank_files import POINTER, BankFiles
from station.pipeline.patchcore.scoring import TAIL_KNEE, ScoreNormaliser


def _pair(generation: int, size: int = 20_000) -> dict:
    arrays = {"x": np.full(size, generation, dtype=np.int64)}
    return {"patchcore": (arrays, {"generation": generation}), "retrieval": (arrays, {"generation": generation})}


def test_bank_and_index_are_published_together(tmp_path: Path) -> None:
    files = BankFiles(tmp_path)
    assert files.load_set("p1", ("patchcore", "retrieval")) == {"patchcore": None, "retrieval": None}
    files.publish("p1", _pair(1))
    loaded = files.load_set("p1", ("patchcore", "retrieval"))
    assert {name: meta["generation"] for name, (_, meta) in loaded.items()} == {"patchcore": 1, "retrieval": 1}
    # Replacing one file carries the other over into the new version (same bytes).
    bank_before = files.meta("p1", "patchcore")
    files.save("p1", "retrieval", {"x": np.zeros(3)}, {"generation": 2})
    assert files.meta("p1", "patchcore") == bank_before and files.meta("p1", "retrieval")["generation"] == 2
    # Only the published version and the one before it are kept.
    files.publish("p1", _pair(3))
    versions = sorted(p.name for p in (tmp_path / "banks" / "p1").glob("v*"))
    assert len(versions) == 2 and (tmp_path / "banks" / "p1" / POINTER).read_text() == versions[-1]


def test_readers_never_see_a_mixed_or_half_written_pair(tmp_path: Path) -> None:
    files = BankFiles(tmp_path)
    files.publish("p1", _pair(0))
    done = threading.Event()
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not done.is_set():
                got = files.load_set("p1", ("patchcore", "retrieval"))
                bank, index = got["patchcore"], got["retrieval"]
                assert bank is not None and index is not None
                pair = (bank[1]["generation"], index[1]["generation"])
                assert int(bank[0]["x"][0]) == pair[0] and int(index[0]["x"][-1]) == pair[1]
                seen.append(pair)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for generation in range(1, 41):
            files.publish("p1", _pair(generation))
    finally:
        done.set()
        for t in readers:
            t.join()
    assert errors == []
    assert seen and all(bank == index for bank, index in seen)
    assert files.meta("p1", "patchcore")["generation"] == 40


def test_a_failed_publication_leaves_the_previous_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = BankFiles(tmp_path)
    files.publish("p1", _pair(1))
    before = sorted(p.name for p in (tmp_path / "banks" / "p1").iterdir())

    class Unencodable:
        def __array__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        files.publish("p1", {"patchcore": ({"x": np.zeros(2)}, {"generation": 2}),
                             "retrieval": ({"x": Unencodable()}, {"generation": 2})})  # type: ignore[dict-item]
    assert sorted(p.name for p in (tmp_path / "banks" / "p1").iterdir()) == before
    loaded = files.load_set("p1", ("patchcore", "retrieval"))
    assert [meta["generation"] for _, meta in loaded.values()] == [1, 1]


def test_an_unversioned_bank_folder_is_read_and_carried_into_the_first_version(tmp_path: Path) -> None:
    legacy = tmp_path / "banks" / "p1"
    files = BankFiles(tmp_path)
    files.publish("p1", _pair(1))
    version = legacy / (legacy / POINTER).read_text()
    for f in version.iterdir():  # the layout of earlier releases: the files directly in the product folder
        f.rename(legacy / f.name)
    version.rmdir()
    (legacy / POINTER).unlink()
    assert files.meta("p1", "retrieval")["generation"] == 1
    files.save("p1", "patchcore", {"x": np.ones(2)}, {"generation": 2})
    loaded = files.load_set("p1", ("patchcore", "retrieval"))
    assert [meta["generation"] for _, meta in loaded.values()] == [2, 1]


def test_scores_above_the_calibration_keep_their_order() -> None:
    norm = ScoreNormaliser.from_anchors(1.0, 2.0)
    widths = np.array([0, 2, 5, 10, 30, 100, 1_000, 1e4, 1e6])
    raws = norm.center + norm.width * (math.log(TAIL_KNEE / (1 - TAIL_KNEE)) + widths)
    scores = np.array([norm(float(r)) for r in raws])
    assert np.all(np.diff(scores) > 0) and scores.min() >= TAIL_KNEE - 1e-12 and scores.max() < 1.0
    # as shown (3 decimals), clearly different defects no longer all read 1.000
    assert len({f"{s:.3f}" for s in scores[2:]}) == len(scores[2:])
    arrays = norm(raws.astype(np.float64))
    assert np.all(np.diff(arrays[:7]) > 0)  # float32 maps keep the order too
    for score in scores[1:]:
        assert norm(norm.inverse(score)) == pytest.approx(score, abs=1e-9)


def test_below_the_knee_scores_and_thresholds_mean_what_they_meant() -> None:
    norm = ScoreNormaliser.from_anchors(1.0, 2.0)
    raws = np.linspace(-5.0, norm.inverse(TAIL_KNEE), 200)
    old = 1.0 / (1.0 + np.exp(-(raws - norm.center) / norm.width))
    assert np.allclose([norm(float(r)) for r in raws], old, atol=1e-12)
    for threshold in (0.5, 0.7, 0.85, 0.9, 0.95):
        assert norm.inverse(threshold) == pytest.approx(norm.center + norm.width * math.log(threshold / (1 - threshold)))
    assert norm(2.0) == pytest.approx(0.7)
