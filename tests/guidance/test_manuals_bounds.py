"""Bounded manual indexing: a 5 MB manual on one line and a 5 MB manual of many headings are ingested with
at most the bounded number of sections embedded and stored (work counted, not timed), what was cut is
said in one line, and a file over the hard size is refused in one line before it is read."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Deployment, ManualSection
from station.domain.errors import ValidationError
from station.services.guidance import bounds
from station.services.guidance.bounds import MAX_INDEXED_CHARS, MAX_INDEXED_SECTIONS
from tests.support.manuals import PRODUCT, build_station, shared_embedder

FIVE_MB = 5 * 1024 * 1024
HANG_GUARD_S = 120  # only so that a regression fails instead of hanging; the bound checked is work done


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed (the work indexing does)."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return self.inner.embed(texts)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


def _ingest_returning(station, path: Path):  # type: ignore[no-untyped-def]
    """Ingests in a thread and asserts it returned within the hang guard."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["reports"] = station.manuals.ingest(PRODUCT.code, [path])
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_S)
    assert not worker.is_alive(), f"ingesting {path.name} did not return within {HANG_GUARD_S} s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["reports"]


def _stored_sections(station, manual_id: int) -> int:  # type: ignore[no-untyped-def]
    with station.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(ManualSection)
                                  .where(ManualSection.manual_id == manual_id)))


@pytest.mark.slow
def test_single_line_manual_is_cut_to_the_bounds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    embedder = CountingEmbedder(shared_embedder())
    station = build_station(tmp_path, embedder=embedder)  # type: ignore[arg-type]
    path = tmp_path / "one_line.md"
    path.write_text(("hole 기공 원인 가스 포획 " * (FIVE_MB // 20))[:FIVE_MB], encoding="utf-8")
    assert path.stat().st_size >= 5_000_000 and path.read_text(encoding="utf-8").count("\n") == 0
    with caplog.at_level("WARNING"):
        [report] = _ingest_returning(station, path)
    assert 0 < report.sections <= MAX_INDEXED_SECTIONS
    assert embedder.texts == report.sections <= MAX_INDEXED_SECTIONS  # the work done is bounded
    assert _stored_sections(station, report.manual.manual_id) == report.sections
    [note] = report.notes
    assert note.startswith("manual one_line.md: ") and f"indexed {report.sections}" in note
    assert "MB of text beyond the limit was not indexed" in note and "\n" not in note
    assert [r.getMessage() for r in caplog.records if r.name.startswith("station")] == [note]
    with station.db.session() as session:
        assert session.scalars(select(Deployment)).one().result_summary["notes"] == [note]


@pytest.mark.slow
def test_many_heading_manual_is_cut_to_the_bounds(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    parts = []
    for i in range(4_000):  # under the reader's heading limit, far over the indexing bound
        body = f"part {i} note: " + "검사 기록과 정비 이력을 확인한다. " * 60
        parts.append(f"## Part {i}\n\n{body}\n")
    text = "".join(parts)
    # the defect's own sections come last of all
    text += "\n## hole (기공)\n### 발생 원인\n- 가스 포획\n### 조치 가이드\n- 탈기 강화\n"
    path = tmp_path / "many_headings.md"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size >= 5_000_000
    [report] = _ingest_returning(station, path)
    assert report.sections <= MAX_INDEXED_SECTIONS
    assert _stored_sections(station, report.manual.manual_id) == report.sections
    with station.db.session() as session:
        texts = session.scalars(select(ManualSection.section_content).where(
            ManualSection.manual_id == report.manual.manual_id)).all()
    assert sum(len(t) for t in texts) <= MAX_INDEXED_CHARS
    assert set(report.linked["hole"]) >= {"cause", "action"}  # the defect's sections are kept first
    [note] = report.notes
    assert note.startswith("manual many_headings.md: 8,00") and f"indexed {report.sections} " in note


@pytest.mark.slow
def test_too_many_headings_or_too_large_a_file_is_refused_in_one_line(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    station = build_station(tmp_path)
    tiny_headings = tmp_path / "headings.md"
    tiny_headings.write_text("".join(f"## h{i}\nx\n" for i in range(FIVE_MB // 10)), encoding="utf-8")
    with pytest.raises(ValidationError, match="is more than a manual holds") as refused:
        _ingest_returning(station, tiny_headings)
    assert "\n" not in str(refused.value)
    monkeypatch.setattr(bounds, "MAX_MANUAL_BYTES", 1_000_000)
    monkeypatch.setattr("station.services.guidance.ingestion.MAX_MANUAL_BYTES", 1_000_000)
    big = tmp_path / "big.md"
    big.write_bytes(b"# t\n" + b"a" * 2_000_000)
    with pytest.raises(ValidationError, match=r"big\.md is 2\.0 MB; at most 1 MB is accepted"):
        _ingest_returning(station, big)
    assert station.manuals.list_manuals(PRODUCT.code) == []


def test_a_normal_manual_is_not_cut(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo_manual.md"
    [report] = _ingest_returning(station, demo)
    assert report.notes == [] and report.sections > 0
