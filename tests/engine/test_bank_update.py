"""Learning approved false alarms without a rebuild, on a real local store, real object store and the real
MobileNetV2 model paths (demo product): a new variation of good parts (darker, finely striped) that the built
bank flags is learned and no longer flagged while the labelled defects are still caught; an update that would
hide labelled defects is refused with the live model untouched (same version, same scores); a rollback gives
the previous scores bit for bit; every update and rollback is a ``model_update`` deployment and an audit row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from station.adapters.db.models import AuditLog, Deployment
from station.domain.enums import DeploymentType
from station.domain.errors import AuthenticationError, ValidationError
from station.pipeline.synthetic.parts import render_part
from station.services.engine.runtime import BANK_FILE
from tests.support.engine import demo_context, fixed_build

SIZE = 128
pytestmark = pytest.mark.network


def vary(image: np.ndarray) -> np.ndarray:
    """The new variation of good parts: a darker tone with fine vertical stripes (a changed surface finish)."""
    out = image.astype(np.float32) * 0.75 + 25
    stripes = np.sin(np.arange(out.shape[1]) / 1.5) * 12
    out += stripes[None, :] if out.ndim == 2 else stripes[None, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("update-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("STATION_HOME", str(home))
    mp.setenv("STATION_CONFIG", str(home / "config.toml"))
    ctx = demo_context(size=SIZE, n_good=14, n_per_defect=2)
    fixed_build(ctx)
    ctx.users.add_user("tech1", "t@x.local", "Secret-pass-1", ["manager"])
    ctx.users.add_user("worker1", "w@x.local", "Secret-pass-1", ["worker"])
    yield ctx
    ctx.close()
    mp.undo()


def _user(ctx, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def _false_alarms(ctx, images: list[np.ndarray], every: bool = True) -> list[int]:  # type: ignore[no-untyped-def]
    """Each image inspected and recorded, then overridden by the worker as a false alarm; the override ids.
    ``every``: each image must be flagged (else the parts the live model passes are left out)."""
    worker = _user(ctx, "worker1")
    ids = []
    for image in images:
        outcome = ctx.engine.inspection.inspect("demo-cast", image, inspector_id=worker.user_id)
        if outcome.verdict.value == "PASS":
            assert not every, "the live model must flag the part for a false alarm"
            continue
        ids.append(ctx.overrides.override(outcome.inspection_code, "false_alarm", worker).override_id)
    return ids


def _scores(ctx, images: list[np.ndarray]) -> list[tuple[float, float, np.ndarray]]:  # type: ignore[no-untyped-def]
    out = []
    for image in images:
        o = ctx.engine.inspection.inspect("demo-cast", image, record=False)
        out.append((o.image_score, o.raw_image_score, np.asarray(o.anomaly_map).copy()))
    return out


def _identical(a, b) -> bool:  # type: ignore[no-untyped-def]
    return all(x[0] == y[0] and x[1] == y[1] and np.array_equal(x[2], y[2]) for x, y in zip(a, b, strict=True))


def _library_defects(ctx) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    from station.pipeline.images.decode import decode_bytes

    product = ctx.catalog.get_product("demo-cast")
    return [decode_bytes(ctx.storage.get_bytes(r.file_path), name=r.file_name).pixels
            for r in ctx.catalog.list_images(product.product_id, "defect")]


def _deployments(ctx) -> list[Deployment]:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        rows = list(session.scalars(select(Deployment).where(
            Deployment.deployment_type == DeploymentType.MODEL_UPDATE.value).order_by(Deployment.deployment_id)))
        session.expunge_all()
        return rows


def test_an_approved_update_stops_flagging_the_new_variation_and_defects_stay_caught(station) -> None:  # type: ignore[no-untyped-def]
    ctx = station
    service = ctx.engine.updates
    learned = [vary(render_part(50_000 + s, SIZE).image) for s in range(8)]
    fresh = [vary(render_part(60_000 + s, SIZE).image) for s in range(6)]  # the same variation, never learned
    review = ctx.engine.inspection.bank_info("demo-cast")["review_threshold"]
    before_fresh = _scores(ctx, fresh)
    assert all(s >= review for s, _, _ in before_fresh)  # the built bank flags the new variation
    defects_before = _scores(ctx, _library_defects(ctx))
    ids = _false_alarms(ctx, learned)
    assert set(ids) <= {a.override_id for a in service.pending("demo-cast")}
    version_before = ctx.engine.files.current_version("demo-cast")
    reports = []

    result, = service.update(ids, _user(ctx, "tech1"), progress=reports.append)

    assert result.accepted, result.reason
    assert result.version and result.version != version_before and result.version_before == version_before
    assert ctx.engine.files.current_version("demo-cast") == result.version
    assert 0 < result.n_added <= result.n_uncovered <= result.n_patches
    assert result.bank_size <= 4096
    assert {"features", "coreset", "save"} <= {r.stage for r in reports}
    after_fresh = _scores(ctx, fresh)
    assert sum(s >= review for s, _, _ in after_fresh) == 0  # the variation is no longer flagged
    defects_after = _scores(ctx, _library_defects(ctx))
    caught_before = sum(s >= review for s, _, _ in defects_before)
    assert sum(s >= review for s, _, _ in defects_after) >= caught_before  # labelled defects still caught
    v = result.validation
    assert v.missed_after.flagged <= v.missed_before.flagged and v.missed_before.total == len(defects_before)
    assert v.new_parts_before.flagged == len(learned)
    assert not set(ids) & {a.override_id for a in service.pending("demo-cast")}  # learned: no longer pending
    meta = ctx.engine.files.meta("demo-cast", BANK_FILE)
    assert set(ids) <= set(meta["info"]["update"]["learned_overrides"])
    row = _deployments(ctx)[-1]
    assert row.status == "completed" and row.config_params["action"] == "update"
    assert row.result_summary["version"] == result.version and row.deployed_by == _user(ctx, "tech1").user_id
    with ctx.db.session() as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.table_name == "deployments")
                                .order_by(AuditLog.log_id.desc())).first()
        assert audit.new_data["model_update"] == "update" and audit.new_data["version"] == result.version

    # one click back: exactly the previous scores, of the variation and of the defects
    target = service.rollback_target("demo-cast")
    assert target == version_before
    back = service.rollback("demo-cast", _user(ctx, "tech1"))
    assert back.version == version_before and back.version_before == result.version
    assert _identical(_scores(ctx, fresh), before_fresh)
    assert _identical(_scores(ctx, _library_defects(ctx)), defects_before)
    rows = _deployments(ctx)
    assert rows[-1].config_params["action"] == "rollback" and rows[-1].status == "completed"
    assert rows[-1].config_params["to_version"] == version_before
    assert set(ids) <= {a.override_id for a in service.pending("demo-cast")}  # pending again after the rollback


def test_a_refused_update_leaves_the_live_model_untouched(station) -> None:  # type: ignore[no-untyped-def]
    ctx = station
    service = ctx.engine.updates
    # defective parts wrongly marked as false alarms: learning them would hide the labelled defects
    wrong = [render_part(70_000 + s, SIZE, d).image for s, d in enumerate(["hole", "burr", "scratch"] * 3)]
    ids = _false_alarms(ctx, wrong, every=False)
    assert len(ids) >= 3
    probe = [vary(render_part(80_000 + s, SIZE).image) for s in range(2)] + _library_defects(ctx)
    version = ctx.engine.files.current_version("demo-cast")
    scores = _scores(ctx, probe)

    result, = service.update(ids, _user(ctx, "tech1"))

    assert not result.accepted and result.version is None
    assert "labelled defects" in result.reason and "live model is unchanged" in result.reason
    assert result.validation.missed_after.flagged > result.validation.missed_before.flagged
    assert ctx.engine.files.current_version("demo-cast") == version
    assert _identical(_scores(ctx, probe), scores)
    row = _deployments(ctx)[-1]
    assert row.status == "failed" and row.error_message.startswith("refused: ")
    assert set(ids) <= {a.override_id for a in service.pending("demo-cast")}  # still waiting, not learned


def test_only_a_technician_updates_and_bad_ids_are_one_line(station) -> None:  # type: ignore[no-untyped-def]
    ctx = station
    service = ctx.engine.updates
    with pytest.raises(AuthenticationError):
        service.update(None, _user(ctx, "worker1"))
    with pytest.raises(AuthenticationError):
        service.rollback("demo-cast", _user(ctx, "worker1"))
    with pytest.raises(ValidationError, match="999999 is not a false alarm waiting"):
        service.update([999_999], _user(ctx, "tech1"))


def test_add_good_learns_incrementally(station) -> None:  # type: ignore[no-untyped-def]
    ctx = station
    parts = [vary(render_part(90_000 + s, SIZE).image) for s in range(6)]
    fresh = [vary(render_part(91_000 + s, SIZE).image) for s in range(3)]
    review = ctx.engine.inspection.bank_info("demo-cast")["review_threshold"]
    version = ctx.engine.files.current_version("demo-cast")
    product = ctx.catalog.get_product("demo-cast")
    n_good = len(ctx.catalog.list_images(product.product_id, "normal"))

    report = ctx.engine.onboarding.add_good("demo-cast", parts, by_user=_user(ctx, "tech1").user_id,
                                            incremental=True)

    assert report.build is None and report.update is not None and report.update.accepted, report.update
    assert report.update.version_before == version != report.update.version
    assert len(ctx.catalog.list_images(product.product_id, "normal")) == n_good + len(parts)  # kept in the library
    assert all(s < review for s, _, _ in _scores(ctx, fresh))
    assert _deployments(ctx)[-1].config_params["source"] == "good_parts"


def test_cli_update_and_rollback(station, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from station.cli.main import main

    ctx = station
    home = ["--home", str(ctx.settings.home)]
    assert main([*home, "models", "update", "--from-overrides", "x1"]) == 2
    assert capsys.readouterr().err.strip() == "station: error: override ids are numbers, got 'x1'"
    assert main([*home, "models", "update", "--list", "--product", "demo-cast"]) == 0
    assert "not learned yet" in capsys.readouterr().out
    ctx.engine.updates.learn_good("demo-cast", [vary(render_part(92_000, SIZE).image)])  # a version to go back from
    before = ctx.engine.files.current_version("demo-cast")
    cache = ctx.engine.inspection.cache
    loaded = cache.get("demo-cast").bank_sha256  # this process's cache holds the version rolled back from
    assert main([*home, "models", "rollback", "demo-cast", "--user", "tech1"]) == 0
    out = capsys.readouterr().out
    assert f"to {ctx.engine.files.current_version('demo-cast')}" in out and before in out
    # the rollback ran in another station object: this one's cache sees the new file stamps and reloads
    now = cache.get("demo-cast").bank_sha256
    assert now != loaded and now == ctx.engine.files.meta("demo-cast", BANK_FILE)["npz_sha256"]
    assert main([*home, "models", "rollback", "demo-cast", "--view", "nope", "--user", "tech1"]) == 2
    assert capsys.readouterr().err.startswith("station: error: ")


def test_model_files_keep_the_previous_version_and_switch_back(tmp_path: Path) -> None:
    from station.adapters.engine.bank_files import BankFiles

    files = BankFiles(tmp_path)
    one = ({"features": np.ones((2, 3), np.float32)}, {"n": 1})
    two = ({"features": np.zeros((2, 3), np.float32)}, {"n": 2})
    assert files.current_version("p") is None and files.versions("p") == []
    files.publish("p", {BANK_FILE: one})
    first = files.current_version("p")
    files.publish("p", {BANK_FILE: two})
    second = files.current_version("p")
    assert files.versions("p") == [first, second]
    files.switch("p", first)
    arrays, meta = files.load("p", BANK_FILE)
    assert files.current_version("p") == first and meta["n"] == 1 and arrays["features"].sum() == 6
    with pytest.raises(ValidationError, match="is not kept"):
        files.switch("p", "v0000-gone")
    with pytest.raises(ValidationError, match="is not kept"):
        files.switch("p", "../elsewhere")
    files.publish("p", {BANK_FILE: two})  # a new version from the first: the second is no longer kept
    assert files.versions("p") == [first, files.current_version("p")]


def test_cli_onboard_more_incremental(station, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import cv2

    from station.cli.main import main

    ctx = station
    folder = tmp_path / "camera"
    folder.mkdir()
    for s in range(5):
        cv2.imwrite(str(folder / f"{s:03d}.png"), vary(render_part(93_000 + s, SIZE).image))
    before = ctx.engine.files.current_version("demo-cast")
    code = main(["--home", str(ctx.settings.home), "onboard", "--product", "demo-cast", "--camera", str(folder),
                 "--good", "5", "--interval", "0", "--more", "--incremental"])
    out = capsys.readouterr().out
    after = ctx.engine.files.current_version("demo-cast")
    # either outcome is stated in one line, with the exit status and the live version to match
    if code == 0:
        assert "5 good parts learned" in out and after != before
    else:
        assert code == 1 and "update REFUSED: the updated model would miss" in out and after == before
    row = _deployments(ctx)[-1]
    assert row.config_params["source"] == "good_parts" and row.status == ("completed" if code == 0 else "failed")
