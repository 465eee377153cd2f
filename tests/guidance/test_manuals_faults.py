"""Manuals that are not really manuals finish or are refused with one line, never hang: a 5 MB line,
a line full of stray markdown markers, 20,000 headings. Each parse runs in a thread under a generous
deadline (a hang fails the test instead of blocking the run; it is no speed target)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from station.adapters.guidance.manuals.parser import DocumentManualParser
from station.adapters.guidance.manuals.readers import ManualFormatError
from station.cli.main import main
from station.domain.catalog import DefectTypeSpec
from station.domain.manuals import ParsedManual

DEADLINE_S = 120.0
DEFECTS = (DefectTypeSpec("hole", "기공", "Hole"), DefectTypeSpec("burr", "날개 버", "Burr"))


def _parse_with_deadline(path: Path, defects: tuple = DEFECTS) -> ParsedManual | ManualFormatError:
    outcome: list[ParsedManual | BaseException] = []

    def work() -> None:
        try:
            outcome.append(DocumentManualParser().parse_file(path, defects))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(DEADLINE_S)
    assert not thread.is_alive(), f"parsing {path.name} did not finish within {DEADLINE_S:.0f} s"
    result = outcome[0]
    if isinstance(result, ManualFormatError):
        return result
    if isinstance(result, BaseException):
        raise result
    return result


def test_a_five_megabyte_line_is_kept_as_body_text(tmp_path: Path) -> None:
    words = "the hole was found near the gate and the burr along the parting line ".split()
    line = " ".join(words[i % len(words)] for i in range(800_000))[:5_000_000]
    path = tmp_path / "long.md"
    path.write_text(f"# Manual\n\n## Hole (기공)\n### Cause\n{line}\n### Action\n- Re-grind the gate\n",
                    encoding="utf-8")
    manual = _parse_with_deadline(path)
    assert isinstance(manual, ParsedManual)
    cause = [s for s in manual.sections if s.defect_code == "hole" and s.section_type == "cause"]
    assert sum(len(s.text) for s in cause) == len(line), "nothing of the line is lost"
    assert [s.text for s in manual.sections if s.section_type == "action"] == ["• Re-grind the gate"]


def test_a_huge_heading_line_and_stray_markup_finish(tmp_path: Path) -> None:
    path = tmp_path / "markup.md"
    path.write_text("# Manual\n## Hole " + "x" * 3_000_000 + "\n### Cause\n" + "_a *b [c `d " * 400_000 + "\n",
                    encoding="utf-8")
    manual = _parse_with_deadline(path)
    assert isinstance(manual, ParsedManual) and manual.sections
    assert all(len(s.title) <= 200 for s in manual.sections)


def test_twenty_thousand_headings_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "headings.md"
    path.write_text("# Manual\n" + "\n".join(f"## Part {i}\nsome text {i}." for i in range(20_000)), encoding="utf-8")
    refused = _parse_with_deadline(path)
    assert isinstance(refused, ManualFormatError)
    assert str(refused) == "headings.md: 20,001 headings is more than a manual holds (limit 5,000): " \
                           "split it into several files"
    assert main(["manuals", "parse", str(path), "--product", "prod1"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("station: error: headings.md: 20,001 headings") and len(err) == 2  # + the no-mapping note
    assert "Traceback" not in "".join(err)


def test_many_sections_within_the_limit_finish(tmp_path: Path) -> None:
    path = tmp_path / "many.md"
    path.write_text("# Manual\n" + "\n".join(f"## Part {i}\n### Cause\ncause {i}.\n### Action\n- action {i}"
                                             for i in range(1600)), encoding="utf-8")
    manual = _parse_with_deadline(path, ())  # no defect types: codes are guessed from the headings
    assert isinstance(manual, ParsedManual) and len(manual.sections) == 3200
