"""Verdict overrides on the station's SQLite store: who/when, audit row, outbox (synced), the part as a
labelled library sample, role and consistency rules, and the CLI."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from station.adapters.db.models import AuditLog, Image, VerdictOverride
from station.domain.errors import AuthenticationError, NotFoundError, ValidationError
from station.pipeline.synthetic.parts import render_part
from tests.support.engine import demo_context, fixed_build

SIZE = 64


@pytest.fixture
def station():  # type: ignore[no-untyped-def]
    ctx = demo_context(size=SIZE, n_good=6, n_per_defect=1, weights=False)
    fixed_build(ctx)
    product = ctx.catalog.get_product("demo-cast")
    config = ctx.catalog.get_model_config(product.product_id)
    ctx.users.add_user("worker1", "w@x.local", "Secret-pass-1", ["worker"])
    ctx.users.add_user("viewer1", "v@x.local", "Secret-pass-1", ["viewer"])
    inspection = ctx.engine.inspection
    from station.services.engine.runtime import BANK_FILE

    ctx.engine.files.update_meta("demo-cast", BANK_FILE, {"review_threshold": 1.0})  # no UNCERTAIN here
    outcomes = {}
    # Thresholds chosen per part so that each verdict is certain whatever the scores are.
    for verdict, image_threshold in (("FAIL", 0.0), ("PASS", 1.0)):
        ctx.catalog.save_model_config(replace(config, image_threshold=image_threshold))
        inspection.cache.invalidate("demo-cast")
        part = render_part(70_000, SIZE, "hole" if verdict == "FAIL" else None).image
        outcomes[verdict] = inspection.inspect("demo-cast", part)
        assert outcomes[verdict].verdict.value == verdict
    yield ctx, outcomes
    ctx.close()


def _user(ctx, name):  # type: ignore[no-untyped-def]
    return next(u for u in ctx.users.list_users() if u.username == name)


def test_false_alarm_becomes_a_good_library_sample(station) -> None:  # type: ignore[no-untyped-def]
    ctx, outcomes = station
    service = ctx.overrides
    product = ctx.catalog.get_product("demo-cast")
    good_before = len(ctx.catalog.list_images(product.product_id, "normal"))
    failed = outcomes["FAIL"]
    entry = service.override(failed.inspection_code, "false_alarm", _user(ctx, "worker1"), notes="burr, not a crack")
    assert (entry.kind, entry.original_verdict, entry.corrected_label) == ("false_alarm", "FAIL", "normal")
    assert entry.by_user == _user(ctx, "worker1").user_id and entry.at is not None
    good = ctx.catalog.list_images(product.product_id, "normal")
    assert len(good) == good_before + 1  # the next bank build uses it
    with ctx.db.session() as session:
        image = session.get(Image, entry.library_image_id)
        assert image.file_path == failed.artifacts.test_image and image.image_type == "normal"
        audit = session.scalars(select(AuditLog).where(AuditLog.table_name == "verdict_overrides")).one()
        assert audit.user_id == entry.by_user and audit.new_data["override"] == "false_alarm"
        assert {row[0] for row in session.execute(select(VerdictOverride.override_id))} == {entry.override_id}
    assert ctx.sync.status().pending_rows.get("verdict_overrides") == 1  # queued for the centre
    assert [e.override_id for e in service.history(failed.inspection_code)] == [entry.override_id]


def test_missed_defect_and_other_type(station) -> None:  # type: ignore[no-untyped-def]
    ctx, outcomes = station
    service = ctx.overrides
    worker = _user(ctx, "worker1")
    missed = service.override(outcomes["PASS"].inspection_code, "missed_defect", worker, defect_code="hole")
    hole = ctx.catalog.get_product("demo-cast").defect_by_code("hole")
    assert (missed.corrected_label, missed.defect_type_id) == ("defect", hole.defect_type_id)
    with ctx.db.session() as session:
        image = session.get(Image, missed.library_image_id)
        assert (image.image_type, image.defect_type_id) == ("defect", hole.defect_type_id)
    other_code = next(d.code for d in ctx.catalog.get_product("demo-cast").defect_types
                      if d.code != (outcomes["FAIL"].defect.defect_code if outcomes["FAIL"].defect else None))
    other = service.override(outcomes["FAIL"].inspection_code, "other_defect_type", worker, defect_code=other_code)
    assert other.corrected_label == "defect"


def test_override_rules(station) -> None:  # type: ignore[no-untyped-def]
    ctx, outcomes = station
    service = ctx.overrides
    worker = _user(ctx, "worker1")
    with pytest.raises(AuthenticationError):
        service.override(outcomes["FAIL"].inspection_code, "false_alarm", _user(ctx, "viewer1"))
    with pytest.raises(ValidationError, match="PASS cannot be a false alarm"):
        service.override(outcomes["PASS"].inspection_code, "false_alarm", worker)
    with pytest.raises(ValidationError, match="was not missed"):
        service.override(outcomes["FAIL"].inspection_code, "missed_defect", worker)
    with pytest.raises(ValidationError, match="needs the defect type"):
        service.override(outcomes["FAIL"].inspection_code, "other_defect_type", worker)
    with pytest.raises(ValidationError, match="no defect type"):
        service.override(outcomes["PASS"].inspection_code, "missed_defect", worker, defect_code="nope")
    with pytest.raises(ValidationError, match="must be one of"):
        service.override(outcomes["PASS"].inspection_code, "wrong", worker)
    with pytest.raises(NotFoundError):
        service.override("INS-NOPE", "false_alarm", worker)
    with ctx.db.session() as session:
        assert session.scalars(select(VerdictOverride)).all() == []


def test_override_cli(station, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from station.cli.main import main

    ctx, outcomes = station
    code = outcomes["FAIL"].inspection_code
    assert main(["override", code, "--kind", "false_alarm", "--user", "worker1"]) == 0
    assert "false_alarm (was FAIL) -> normal" in capsys.readouterr().out
    assert main(["override", code, "--list", "--json"]) == 0
    assert '"corrected_label": "normal"' in capsys.readouterr().out
    assert main(["override", code, "--kind", "false_alarm", "--user", "viewer1"]) == 2
    assert main(["override", code, "--kind", "false_alarm"]) == 2
