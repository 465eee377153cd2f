"""The bundled demo manual, and the same manual with its headings written the other ways manuals write
them (keycap-emoji numbering, Korean name first, emoji and bold section headings), maps every defect of
the demo product to its cause and action sections — parsed, and ingested through the manual service; the
real manuals of ../shared/data likewise for their product (skipped without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import open_database
from station.adapters.db.deployments_repo import SqlDeploymentLog
from station.adapters.db.manuals_repo import SqlManualRepository
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.storage.local import LocalFolderStore
from station.domain.catalog import load_defect_mapping
from station.resources import resources_dir
from station.services.guidance import ManualService

DEMO = resources_dir() / "demo"
DEFECTS = (("hole", "기공"), ("burr", "날개 버"), ("scratch", "긁힘"))


def _demo_text() -> str:
    return (DEMO / "demo_manual.md").read_text(encoding="utf-8")


def _defect_headings(fmt: str) -> str:
    text = _demo_text()
    for number, (en, ko) in enumerate(DEFECTS, start=1):
        old = f"## {number}. {en} ({ko})"
        assert old in text
        text = text.replace(old, fmt.format(n=number, en=en, ko=ko))
    return text


def _section_headings(cause: str, action: str) -> str:
    return _demo_text().replace("### 발생 원인", cause).replace("### 조치 가이드", action)


VARIANTS = {
    "as bundled": _demo_text,
    "keycap emoji": lambda: _defect_headings("## {n}\ufe0f\u20e3 {en} ({ko})"),
    "keycap emoji, no heading mark": lambda: _defect_headings("{n}\ufe0f\u20e3 {en} ({ko})"),
    "keycap without variation selector": lambda: _defect_headings("### {n}\u20e3 {en} ({ko})"),
    "Korean name first": lambda: _defect_headings("## {n}. {ko} ({en})"),
    "Korean name only": lambda: _defect_headings("## {n}\ufe0f\u20e3 {ko}"),
    "capitalised, full-width brackets":
        lambda: _defect_headings("## {n}) {en}（{ko}）").replace("hole（", "Hole（"),
    "defect word": lambda: _defect_headings("## 🔴 {en} defect ({ko} 불량)"),
    "emoji section headings": lambda: _section_headings("### 🔍 발생 원인", "### 🛠️ 조치 가이드"),
    "bold bilingual sections":
        lambda: _section_headings("**발생 원인 (Cause)**", "**조치 가이드 (Corrective action)**"),
    "bulleted sections": lambda: _section_headings("- 발생 원인:", "- 조치 가이드:"),
    "CRLF and BOM": lambda: "\ufeff" + _demo_text().replace("\n", "\r\n"),
}


def _product():  # type: ignore[no-untyped-def]
    return load_defect_mapping(DEMO / "demo_product.json")[0]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_demo_defect_has_its_cause_and_action(variant: str) -> None:
    product = _product()
    manual = DocumentManualParser().parse(VARIANTS[variant]().encode("utf-8"), "demo_manual.md", product.defects)
    for defect in product.defects:
        kinds = {s.section_type for s in manual.sections if s.defect_code == defect.code}
        assert {"cause", "action"} <= kinds, (variant, defect.code, [(s.defect_code, s.section_type, s.title)
                                                                      for s in manual.sections])
    assert manual.unlinked_headings == ()
    cause = next(s for s in manual.sections if s.defect_code == "hole" and s.section_type == "cause")
    assert "가스" in cause.text and "탈기 장치" not in cause.text  # the cause text, not the action's


def _service(root: Path, mapping: Path) -> tuple[ManualService, SqlCatalogRepository]:
    db = open_database(f"sqlite:///{root / 'station.sqlite3'}", upgrade=True)
    catalog = SqlCatalogRepository(db)
    catalog.upsert_products(load_defect_mapping(mapping))
    return ManualService(catalog, SqlManualRepository(db), DocumentManualParser(), LocalFolderStore(root / "objects"),
                         SqlDeploymentLog(db)), catalog


def test_ingesting_the_demo_manual_reports_no_missing_section(tmp_path: Path) -> None:
    service, _ = _service(tmp_path, DEMO / "demo_product.json")
    [report] = service.ingest("demo-cast", [DEMO / "demo_manual.md"])
    assert report.missing == [] and report.notes == []
    assert {code: {"cause", "action"} <= set(kinds) for code, kinds in report.linked.items()} == {
        "hole": True, "burr": True, "scratch": True}
    [again] = service.ingest("demo-cast", [DEMO / "demo_manual.md"])  # the same file once more
    assert again.already_present and again.missing == []


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["prod1_manual.docx", "prod1_manual.pdf"])
def test_shared_manuals_map_every_defect(shared_data: Path, tmp_path: Path, name: str) -> None:
    path = shared_data / "manuals" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    service, _ = _service(tmp_path, shared_data / "defect_mapping.json")
    [report] = service.ingest("prod1", [path])
    assert report.missing == [] and report.notes == []
    assert set(report.linked) >= {"hole", "burr", "scratch"}
