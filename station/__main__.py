"""``python -m station`` and the frozen (PyInstaller) app: without arguments it opens the station window,
with arguments it is the ``station`` command line (``--self-check``, ``demo``, ``sync run``…)."""

from __future__ import annotations

import multiprocessing
import sys

from station.cli.main import main


def run() -> int:
    multiprocessing.freeze_support()
    argv = sys.argv[1:]
    return main(argv if argv else ["gui"])


if __name__ == "__main__":
    sys.exit(run())
