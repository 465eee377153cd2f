"""The station's log: one rotating file under ``STATION_HOME/logs`` (every job failure with its traceback,
every unexpected CLI error), mirrored to stderr by ``station --verbose``. Configured once, by the entry
point (the CLI, which also starts the GUI); the GUI finds the file through :func:`log_file`."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE_NAME = "station.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_MARK = "_station_handler"


def configure_logging(logs_dir: Path | None, *, verbose: bool = False) -> Path | None:
    """Installs the station's handlers on the root logger (replacing ones installed before); returns the
    log file, or None when ``logs_dir`` is None or cannot be written (then only ``verbose`` logs, to stderr)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.INFO)
    logging.getLogger("station").setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter(_FORMAT)
    handlers: list[logging.Handler] = []
    path: Path | None = None
    problem = None
    if logs_dir is not None:
        try:
            logs_dir.mkdir(parents=True, exist_ok=True)
            path = logs_dir / LOG_FILE_NAME
            handlers.append(RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                                encoding="utf-8"))
        except OSError as exc:
            path, problem = None, f"no log file in {logs_dir}: {exc.strerror or exc}"
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.setFormatter(formatter)
        handler.setLevel(logging.DEBUG if verbose else logging.INFO)
        root.addHandler(handler)
    if problem:
        logging.getLogger("station").warning(problem)
    return path


def log_file() -> Path | None:
    """The file :func:`configure_logging` writes to, if any."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False) and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
