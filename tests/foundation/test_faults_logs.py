"""The station log: a rotating file under STATION_HOME/logs with every job failure's traceback and every
unexpected CLI error, mirrored to stderr by ``station --verbose``; the status bar tells where it is."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import SimpleNamespace

import pytest

import station.cli.sync_cmd as sync_cmd
from station.app.logs import BACKUP_COUNT, MAX_BYTES, configure_logging, log_file
from station.cli.main import main


@pytest.fixture(autouse=True)
def _no_station_handlers_left() -> Iterator[None]:
    yield
    configure_logging(None)  # removes the handlers this module's tests installed


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_the_cli_logs_to_a_rotating_file_under_station_home(_isolated_home: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "status"]) == 0
    path = log_file()
    assert path == _isolated_home / "logs" / "station.log"
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUP_COUNT)
    assert "station: error" not in capsys.readouterr().err
    assert main(["sync", "run"]) == 2  # not configured: one line on screen, the same line in the log
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "station.cli" in text and "no central database configured" in text


def test_an_unexpected_error_leaves_its_traceback_in_the_log(_isolated_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(_args: object) -> int:
        raise RuntimeError("disk controller on fire")

    monkeypatch.setattr(sync_cmd, "_status", explode)
    with pytest.raises(RuntimeError):
        main(["sync", "status"])
    _flush()
    text = (_isolated_home / "logs" / "station.log").read_text(encoding="utf-8")
    assert "unexpected error" in text and "Traceback (most recent call last)" in text
    assert "RuntimeError: disk controller on fire" in text


def test_verbose_mirrors_the_log_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--verbose", "sync", "run"]) == 2
    err = capsys.readouterr().err
    assert "INFO station.cli" in err and "WARNING station.cli" in err
    assert err.rstrip().endswith("station: error: no central database configured: set central_db_url "
                                 "(STATION_CENTRAL_DB_URL)")
    assert main(["sync", "run"]) == 2
    assert "INFO station.cli" not in capsys.readouterr().err, "without --verbose the screen shows one line"


def test_an_unwritable_log_folder_does_not_stop_the_station(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert configure_logging(blocker / "logs") is None and log_file() is None


def test_a_failed_gui_job_logs_its_traceback_and_the_status_bar_shows_the_file(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from station.ui.jobs import JobRunner
    from station.ui.shell.status_bar import StationStatusBar

    path = configure_logging(tmp_path / "logs")
    holder = QWidget()  # Qt owns the runner (and so its thread pool) through a widget the test closes
    qtbot.addWidget(holder)
    runner = JobRunner(holder)
    errors: list[BaseException] = []

    def fail(_ctx: object) -> None:
        raise ValueError("camera cable unplugged")

    runner.submit(fail, name="inspect", on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    _flush()
    text = path.read_text(encoding="utf-8")
    assert "job 'inspect' failed" in text and "Traceback" in text and "ValueError: camera cable unplugged" in text

    bar = StationStatusBar(SimpleNamespace(sync=None), runner, holder)  # type: ignore[arg-type]
    assert not bar.log_label.isHidden() and str(path) in bar.log_label.toolTip()
    runner.wait_idle()


def test_passwords_in_urls_never_reach_the_log(_isolated_home: Path) -> None:
    assert main(["db", "current", "--url", "postgresql://admin:hunter2@127.0.0.1:1/x"]) == 2
    _flush()
    text = (_isolated_home / "logs" / "station.log").read_text(encoding="utf-8")
    assert "postgresql://admin:***@127.0.0.1:1/x" in text and "hunter2" not in text
