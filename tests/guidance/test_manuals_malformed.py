"""Manuals that cannot be parsed (truncated DOCX, encrypted or image-only PDF, empty or unsupported
files) give one clear StationError, and ingesting them stores nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.adapters.db.models import Deployment, Manual, ManualSection
from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.cli.main import main
from station.domain.errors import StationError
from tests.support.manuals import PRODUCT, build_station, make_docx, make_pdf


def truncated_docx(tmp_path: Path) -> Path:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(good[: len(good) // 2])
    return path


def encrypted_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "encrypted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def image_only_pdf(tmp_path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 350, 150), outline="black", width=5)  # a scan: no text layer
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF")
    return path


CASES = {
    "truncated DOCX": (truncated_docx, "not a readable DOCX"),
    "encrypted PDF": (encrypted_pdf, "password-protected"),
    "image-only PDF": (image_only_pdf, "no text layer"),
    "empty file": (lambda tmp: _write(tmp / "empty.pdf", b""), "empty"),
    "blank text file": (lambda tmp: _write(tmp / "blank.txt", b"  \n\n "), "empty"),
    "garbage PDF": (lambda tmp: _write(tmp / "junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4), "PDF"),
    "unsupported type": (lambda tmp: _write(tmp / "manual.xlsx", b"PK\x03\x04 not really"), "unsupported"),
    "binary as text": (lambda tmp: _write(tmp / "bin.txt", bytes([0xFF, 0xFE, 0x81, 0x00]) * 30), "UTF-8"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_parser_gives_a_clear_error(tmp_path: Path, case: str) -> None:
    make, message = CASES[case]
    path = make(tmp_path)
    with pytest.raises(StationError) as exc:
        DocumentManualParser().parse_file(path, PRODUCT.defects)
    assert message in str(exc.value) and path.name in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("case", ["truncated DOCX", "encrypted PDF", "image-only PDF", "empty file"])
def test_ingest_stores_nothing(tmp_path: Path, case: str) -> None:
    station = build_station(tmp_path)
    good = make_docx(tmp_path / "good.docx")
    bad = CASES[case][0](tmp_path)
    with pytest.raises(StationError):
        station.manuals.ingest(PRODUCT.code, [good, bad])  # one bad file: the good one is not stored either
    with station.db.session() as session:
        for model in (Manual, ManualSection, Deployment):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert not (tmp_path / "objects" / "manual").exists()


def test_cli_reports_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = encrypted_pdf(tmp_path)
    assert main(["manuals", "parse", str(path), "--product", "prodk"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("station: error: encrypted.pdf: the PDF is password-protected")


def test_missing_file(tmp_path: Path) -> None:
    station = build_station(tmp_path)
    with pytest.raises(StationError, match="not found"):
        station.manuals.ingest(PRODUCT.code, [tmp_path / "nope.docx"])
    with pytest.raises(StationError, match="no active product"):
        station.manuals.ingest("nope", [make_docx(tmp_path / "m.docx")])


def test_reader_accepts_pdf_with_only_an_owner_password(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(make_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    manual = DocumentManualParser().parse(buffer.getvalue(), "restricted.pdf", PRODUCT.defects)
    assert any(s.defect_code == "hole" and s.section_type == "cause" for s in manual.sections)
