"""The benchmarks' English manual of product ``tile``, ingested into a SQLite station database through the
station's services: every defect gets its cause and action sections holding the manual's sentences, the
summary table gives one row per defect, the text stays English, and retrieval puts a defect's own cause
and action sections first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.manuals import MANUAL_FILE, PRODUCT, ingest_tile, tile_manual
from station.adapters.db.catalog_repo import SqlCatalogRepository
from station.adapters.db.database import Database, open_database
from station.adapters.db.manuals_repo import SqlManualRepository
from station.services.guidance import GuidanceService

DEFECTS = ("blowhole", "break", "crack", "fray", "uneven")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def _bullets_by_section() -> dict[tuple[str, str], list[str]]:
    """The manual's bullets under each ``## n. Defect`` / ``### Causes|Corrective actions`` heading, read
    straight from the Markdown (independently of the station's parser)."""
    found: dict[tuple[str, str], list[str]] = {}
    defect = kind = None
    for line in MANUAL_FILE.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"## \d\. (\w+)$", line):
            defect, kind = heading.group(1).lower(), None
        elif line.startswith("## "):
            defect = kind = None
        elif line == "### Causes":
            kind = "cause"
        elif line == "### Corrective actions":
            kind = "action"
        elif line.startswith("- ") and defect and kind:
            found.setdefault((defect, kind), []).append(line[2:])
    return found


@pytest.fixture
def station_db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 'station.sqlite3'}", upgrade=True)


def _sections(db: Database):  # type: ignore[no-untyped-def]
    product = SqlCatalogRepository(db).get_product(PRODUCT)
    return SqlManualRepository(db).active_sections(product.product_id)


def test_the_product_file_names_each_defect_in_korean_and_english(station_db: Database, tmp_path: Path) -> None:
    path, definition = tile_manual()
    assert path == MANUAL_FILE and path.is_file()
    product = definition["products"][PRODUCT]
    assert HANGUL.search(product["name_ko"]) and not HANGUL.search(product["name_en"])
    assert tuple(product["defects"]) == DEFECTS
    ingest_tile(station_db, tmp_path / "objects")
    stored = SqlCatalogRepository(station_db).get_product(PRODUCT)
    assert stored.name == product["name_ko"]
    assert {d.code: (d.name_en, d.name_ko) for d in stored.defect_types} == {
        code: (info["en"], info["ko"]) for code, info in product["defects"].items()}


def test_every_defect_gets_its_cause_and_action_sentences(station_db: Database, tmp_path: Path) -> None:
    report = ingest_tile(station_db, tmp_path / "objects")
    assert report.missing == [] and report.notes == [] and not report.already_present
    assert {code: sorted(kinds) for code, kinds in report.linked.items()} == {
        code: ["action", "cause", "other"] for code in DEFECTS}
    expected = _bullets_by_section()
    assert set(expected) == {(code, kind) for code in DEFECTS for kind in ("cause", "action")}
    sections = _sections(station_db)
    for (code, kind), bullets in expected.items():
        assert (2 if kind == "cause" else 3) <= len(bullets) <= 4, (code, kind, bullets)
        [section] = [s for s in sections if s.defect_code == code and s.section_type == kind]
        # each stored line is one of the manual's sentences, in the manual's order, and nothing else
        assert section.text.split("\n") == [f"• {b}" for b in bullets], (code, kind)
        assert all(b.endswith(".") and b[0].isupper() for b in bullets)


def test_the_summary_table_gives_one_row_per_defect(station_db: Database, tmp_path: Path) -> None:
    ingest_tile(station_db, tmp_path / "objects")
    rows = {s.defect_code: s for s in _sections(station_db) if s.section_type == "other" and s.defect_code}
    assert set(rows) == set(DEFECTS)
    for code, row in rows.items():
        assert row.title == f"Summary table — {code.capitalize()}"
        labels = [line.split(": ", 1)[0] for line in row.text.split("\n")]
        assert labels == ["Typical location", "Main causes", "Field actions"], (code, row.text)
    assert "Typical location: Across the arc, often from an end edge" in rows["crack"].text


def test_the_sections_are_english_and_each_names_only_its_own_defect(station_db: Database, tmp_path: Path) -> None:
    ingest_tile(station_db, tmp_path / "objects")
    sections = _sections(station_db)
    assert sections
    for section in sections:
        assert not HANGUL.search(section.text) and not HANGUL.search(section.title), section.title
        others = [c for c in DEFECTS if c != section.defect_code
                  and re.search(rf"(?<![a-z]){c}(?:e?s)?(?![a-z])", section.text.lower())]
        assert others == [], (section.defect_code, section.section_type, others)


def test_crack_excerpts_start_with_its_cause_and_action(station_db: Database, tmp_path: Path) -> None:
    ingest_tile(station_db, tmp_path / "objects")
    guidance = GuidanceService(SqlCatalogRepository(station_db), SqlManualRepository(station_db))
    excerpts = guidance.excerpts(PRODUCT, "crack")
    assert [(e.defect_code, e.section_type, e.reason) for e in excerpts[:3]] == [
        ("crack", "cause", "defect"), ("crack", "action", "defect"), ("crack", "other", "summary")]
    assert [e.ref for e in excerpts] == list(range(1, len(excerpts) + 1))
    assert "binder burnout" in excerpts[0].text and "2 °C/min" in excerpts[1].text
    assert all(e.defect_code != "crack" for e in excerpts[3:])  # the rest are related sections only


def test_ingesting_twice_keeps_one_manual(station_db: Database, tmp_path: Path) -> None:
    first = ingest_tile(station_db, tmp_path / "objects")
    again = ingest_tile(station_db, tmp_path / "objects")
    assert again.already_present and again.manual.manual_id == first.manual.manual_id
    assert len(SqlManualRepository(station_db).list_manuals()) == 1
    assert len(_sections(station_db)) == first.sections == 1 + 2 * len(DEFECTS) + len(DEFECTS)
