"""Manual ingestion into the local store: manuals/manual_sections rows, embeddings, indexing flags,
the rag_indexing deployment, the stored file, versions; and the `station manuals` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from station.adapters.db.models import Deployment, Manual, ManualSection
from station.cli.main import main
from station.services.guidance import unpack_embedding
from tests.support.manuals import PRODUCT, build_station, make_docx, make_pdf, shared_embedder


def test_ingest_docx_and_pdf_with_embeddings(tmp_path: Path) -> None:
    station = build_station(tmp_path, embedder=shared_embedder())
    docx_path, pdf_path = make_docx(tmp_path / "manual.docx"), make_pdf(tmp_path / "manual.pdf")
    reports = station.manuals.ingest(PRODUCT.code, [docx_path, pdf_path], user_id=None)
    assert [r.manual.file_name for r in reports] == ["manual.docx", "manual.pdf"]
    docx_report, pdf_report = reports
    assert set(docx_report.linked["hole"]) >= {"cause", "action"} and docx_report.embedder == "usem3v3"
    assert docx_report.missing == []  # every defect of the product has its cause and action
    assert set(pdf_report.missing) == {"burr", "metal"}

    with station.db.session() as session:
        manual = session.get(Manual, pdf_report.manual.manual_id)
        assert manual.vector_indexed and manual.indexed_at is not None and manual.file_type == "pdf"
        assert manual.version == "2" and manual.file_size == pdf_path.stat().st_size
        assert station.store.get_bytes(manual.file_path) == pdf_path.read_bytes()  # stored by content key
        rows = session.scalars(select(ManualSection).where(ManualSection.manual_id == manual.manual_id)
                               .order_by(ManualSection.chunk_index)).all()
        assert [r.chunk_index for r in rows] == list(range(len(rows)))
        by_type = {(r.defect_type_id is not None, r.section_type, r.page_number) for r in rows}
        assert (True, "action", 2) in by_type  # scratch's action on page 2
        vectors = [unpack_embedding(r.embedding_vector, "usem3v3") for r in rows]
        assert all(v is not None and v.shape == (512,) and abs(float(np.linalg.norm(v)) - 1) < 1e-3 for v in vectors)
        deployments = session.scalars(select(Deployment).order_by(Deployment.deployment_id)).all()
        assert [(d.deployment_type, d.status) for d in deployments] == [("rag_indexing", "completed")] * 2
        assert deployments[1].result_summary["manual_id"] == manual.manual_id
        assert deployments[1].config_params["embedder"] == "usem3v3"


def test_reingest_and_new_version(tmp_path: Path) -> None:
    station = build_station(tmp_path)  # no embedder: stored for lexical retrieval
    path = make_docx(tmp_path / "manual.docx")
    first = station.manuals.ingest(PRODUCT.code, [path])[0]
    assert not first.manual.vector_indexed and first.embedder is None
    again = station.manuals.ingest(PRODUCT.code, [path])[0]
    assert again.already_present and again.manual.manual_id == first.manual.manual_id
    # an edited manual with the same file name replaces the old one
    make_docx(path, [("plain", "hole (기공)"), ("plain", "원인"), ("plain", "새 원인"), ("plain", "조치"),
                     ("plain", "새 조치")])
    second = station.manuals.ingest(PRODUCT.code, [path])[0]
    assert second.manual.version == "2"
    active = station.manuals.list_manuals(PRODUCT.code)
    assert [m.manual_id for m in active] == [second.manual.manual_id]
    assert active[0].section_count == 2


def test_cli_parse_json_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"products": {"prodk": {"name_ko": "시험품", "defects": {
        "hole": {"en": "hole", "ko": "기공"}, "scratch": {"en": "scratch", "ko": "긁힘"}}}}}), encoding="utf-8")
    pdf = make_pdf(tmp_path / "m.pdf")
    assert main(["manuals", "parse", str(pdf), "--product", "prodk", "--mapping", str(mapping), "--json"]) == 0
    sections = json.loads(capsys.readouterr().out)
    assert {"defect_code", "section_type", "page", "title", "text"} <= set(sections[0])
    assert {(s["defect_code"], s["section_type"], s["page"]) for s in sections} >= {
        ("hole", "cause", 1), ("hole", "action", 1), ("scratch", "cause", 1), ("scratch", "action", 2)}
    assert not (Path(tmp_path) / "station.sqlite3").exists()
    assert main(["manuals", "parse", str(pdf), "--product", "other", "--mapping", str(mapping)]) == 2


@pytest.mark.shared_data
def test_cli_ingest_real_manual_into_the_local_store(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "import-mapping", str(shared_data / "defect_mapping.json")]) == 0
    pdf = shared_data / "manuals" / "prod1_manual.pdf"
    capsys.readouterr()
    assert main(["manuals", "ingest", "--product", "prod1", str(pdf), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert report["missing"] == [] and report["sections"] == 9 and report["vector_indexed"]
    assert main(["manuals", "list", "--product", "prod1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 1 and listed[0]["file_name"] == "prod1_manual.pdf" and listed[0]["section_count"] == 9
    assert main(["manuals", "guide", "--product", "prod1", "--defect", "hole", "--lang", "ko", "--no-llm"]) == 0
    out = capsys.readouterr().out
    assert "[1] defect   cause" in out and "## 원인" in out and "기본 가이드" in out
