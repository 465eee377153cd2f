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


def test_the_latest_override_labels_the_history_for_thresholds(station) -> None:  # type: ignore[no-untyped-def]
    """Overrides make the labelled outcomes that thresholds from history use; a part overridden twice counts
    once, as its latest override says (the proposals themselves: tests/engine/test_threshold_advice.py)."""
    ctx, outcomes = station
    worker = _user(ctx, "worker1")
    history = ctx.history_thresholds
    service = ctx.overrides
    assert history.labelled_counts("demo-cast") == (0, 0)
    service.override(outcomes["FAIL"].inspection_code, "false_alarm", worker)
    service.override(outcomes["PASS"].inspection_code, "missed_defect", worker, defect_code="hole")
    assert history.labelled_counts("demo-cast") == (1, 1)
    service.override(outcomes["FAIL"].inspection_code, "missed_defect", worker, defect_code="hole")
    assert history.labelled_counts("demo-cast") == (0, 2)


def test_overrides_count_in_the_dashboard_queue_history_and_shift_report(  # type: ignore[no-untyped-def]
        station, capsys: pytest.CaptureFixture[str], qapp, tmp_path) -> None:
    import json
    from datetime import datetime, timedelta

    from station.adapters.db.reports_repo import SqlReportReader
    from station.cli.main import main
    from station.domain.reports import HistoryFilter
    from station.services.records import ReportService
    from station.ui.supervisor.shift_report import report_html, write_pdf

    ctx, outcomes = station
    failed, passed = outcomes["FAIL"].inspection_code, outcomes["PASS"].inspection_code
    reports = ReportService(SqlReportReader(ctx.db))
    worker = _user(ctx, "worker1")
    product_id = ctx.catalog.get_product("demo-cast").product_id

    def dashboard() -> tuple[int, int]:
        assert main(["report", "dashboard", "--json"]) == 0
        product = next(p for p in json.loads(capsys.readouterr().out)["products"] if p["product_id"] == product_id)
        return product["defect_detected_count"], product["pending_action_count"]

    def queue() -> set[str]:
        return {r.inspection_code for r in reports.awaiting_action()}

    defects, pending = dashboard()
    assert failed in queue() and passed not in queue()
    # a false alarm, through the CLI: out of the counts and the queue; the station's verdict stays on record
    assert main(["override", failed, "--kind", "false_alarm", "--user", "worker1"]) == 0
    capsys.readouterr()
    assert dashboard() == (defects - 1, pending - 1)
    assert failed not in queue()
    assert failed not in {r.inspection_code for r in reports.history(HistoryFilter(defects_only=True))}
    row = next(r for r in reports.history(HistoryFilter(verdict="PASS")) if r.inspection_code == failed)
    assert (row.verdict, row.station_verdict, row.override_kind, row.overridden_from, row.overridden_by) == (
        "PASS", "FAIL", "false_alarm", "FAIL", "worker1")
    assert row.overridden_at is not None and row.action_status == "정상" and row.defect_name_ko is None
    # a missed defect: into the counts and the queue, of the type given
    service = ctx.overrides
    service.override(passed, "missed_defect", worker, defect_code="hole")
    assert dashboard() == (defects, pending)
    assert passed in queue()
    hole = ctx.catalog.get_product("demo-cast").defect_by_code("hole")
    assert reports.defect_type_counts(product_id).get(hole.name_ko) == 1
    # a second override of the same part corrects its current verdict: the false alarm was a defect after all
    with pytest.raises(ValidationError, match="PASS cannot be a false alarm"):
        service.override(failed, "false_alarm", worker)
    service.override(failed, "missed_defect", worker, defect_code="hole")
    assert dashboard() == (defects + 1, pending + 1)
    status = service.status(failed)
    assert (status.station_verdict, status.verdict, status.defect_code) == ("FAIL", "FAIL", "hole")
    assert [(e.kind, e.original_verdict, e.verdict, e.by_username) for e in status.overrides] == [
        ("false_alarm", "FAIL", "PASS", "worker1"), ("missed_defect", "PASS", "FAIL", "worker1")]
    # an action on the missed defect; the shift report lists actions and overrides, counts agree
    passed_id = next(r.inspection_id for r in reports.history(HistoryFilter()) if r.inspection_code == passed)
    ctx.actions.log_action(passed_id, "re-cast", "resolved", by_user=worker.user_id)
    now = datetime.now()
    report = reports.shift_report(product_id, "demo-cast", "Demo", now - timedelta(hours=2), now + timedelta(hours=1))
    assert report.defects == dashboard()[0] and report.open_actions == pending
    assert [(o.inspection_code, o.by, o.kind, o.from_verdict, o.to_verdict) for o in report.overrides] == [
        (failed, "worker1", "false_alarm", "FAIL", "PASS"), (passed, "worker1", "missed_defect", "PASS", "FAIL"),
        (failed, "worker1", "missed_defect", "PASS", "FAIL")]
    assert [(a.inspection_code, a.by, a.result_before, a.result) for a in report.actions] == [
        (passed, "worker1", None, "resolved")]
    assert report.overridden == 2 and all(o.at is not None for o in report.overrides)
    labels = {"title": "Shift report", "summary": "{0} inspections, {1} defects ({2}), {3} awaiting action",
              "uncertain": "UNCERTAIN", "types": "Defects by type", "generated": "Generated",
              "columns": "Code|Time|Inspector|Verdict|Defect|Anomaly|Status",
              "overridden": "{0} (overridden: {1} → {2} by {3} at {4})",
              "activity": "{0} corrective actions and {1} overrides in this period; {2} listed parts overridden",
              "actions": "Corrective actions ({0})", "action_columns": "When|Part|By|Action|Result",
              "overrides": "Verdict overrides ({0})", "override_columns": "When|Part|By|Override|Verdict",
              "none": "None in this period."}
    document = report_html(report, labels)
    assert "Corrective actions (1)" in document and "Verdict overrides (3)" in document
    assert "1 corrective actions and 3 overrides in this period; 2 listed parts overridden" in document
    assert "re-cast" in document and document.count("worker1") >= 4 and "(overridden: " in document
    stored = next(iter(report.by_defect_type))
    english = report_html(report, labels, {stored: "english-name-of-the-type"})
    assert "english-name-of-the-type" in english and stored not in english, "defect names in the UI language"
    pdf = write_pdf(tmp_path / "shift.pdf", document)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    csv_text = report.to_csv()
    assert "station_verdict,override,overridden_by" in csv_text and "missed_defect,worker1" in csv_text
