"""CLI progress: a live bar with count, rate and ETA on a terminal (rich), plain lines with rate and ETA
otherwise, nothing with --json; fed by the services' progress callbacks (here: a manual ingest)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from station.cli.main import main
from station.cli.progress import ProgressReporter
from station.domain.engine import Progress
from station.resources import resources_dir


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_carry_count_rate_and_eta_about_every_tenth() -> None:
    out, clock = io.StringIO(), FakeClock()
    with ProgressReporter(stream=out, live=False, clock=clock) as progress:
        for done in range(0, 101):
            progress(Progress("features", done, 100, "extracting patch features"))
            clock.now += 0.5  # two items a second
        progress("a note between the lines")
    lines = out.getvalue().splitlines()
    assert 10 <= len(lines) <= 13
    assert lines[0] == "  features: 0/100  extracting patch features"
    middle = next(line for line in lines if "features: 50/100" in line)
    assert "2.0/s" in middle and "ETA 25s" in middle
    assert lines[-2].startswith("  features: 100/100  2.0/s  extracting") and "ETA" not in lines[-2]
    assert lines[-1] == "a note between the lines"


def test_a_terminal_gets_a_live_bar_with_rate_and_eta() -> None:
    out = io.StringIO()
    with ProgressReporter(stream=out, live=True) as progress:
        for done in range(0, 51):
            progress(Progress("coreset", done, 50, "selecting"))
        progress("downloading part 2")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # without the terminal's control codes
    assert "coreset" in text and "50/50" in text and "━" in text, "a bar with its count"
    assert "/s" in text and "ETA" in text and "downloading part 2" in text


def test_disabled_progress_prints_nothing() -> None:
    out = io.StringIO()
    with ProgressReporter(False, stream=out, live=True) as progress:
        progress(Progress("push", 1, 2, ""))
        progress("note")
    assert out.getvalue() == ""


def test_manual_ingest_reports_progress_on_stderr_and_none_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "import-mapping", str(resources_dir() / "demo" / "demo_product.json")]) == 0
    manual = resources_dir() / "demo" / "demo_manual.md"
    capsys.readouterr()
    assert main(["manuals", "ingest", "--product", "demo-cast", str(manual)]) == 0
    captured = capsys.readouterr()
    assert "  parse: 0/1  demo_manual.md" in captured.err and "  index: 1/1" in captured.err
    assert "parse:" not in captured.out and "demo_manual.md: manual" in captured.out
    second = Path(manual)
    assert main(["manuals", "ingest", "--product", "demo-cast", "--json", str(second)]) == 0
    assert capsys.readouterr().err == ""
