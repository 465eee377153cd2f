"""Stops and starts the test PostgreSQL of scripts/with-postgres.sh (fault tests), with the same options."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest


class PgServer:
    def __init__(self) -> None:
        bindir = os.environ.get("STATION_TEST_PG_BINDIR")
        datadir = os.environ.get("STATION_TEST_PG_DATADIR")
        if not bindir or not datadir:
            pytest.skip("needs scripts/with-postgres.sh (STATION_TEST_PG_BINDIR/STATION_TEST_PG_DATADIR)")
        self.pg_ctl = str(Path(bindir) / "pg_ctl")
        self.datadir = datadir
        words = shlex.split((Path(datadir) / "postmaster.opts").read_text())
        options = words[1:]
        if "-D" in options:  # pg_ctl passes -D itself
            i = options.index("-D")
            del options[i:i + 2]
        self.options = " ".join(shlex.quote(o) for o in options)
        self.log = str(Path(datadir).parent / "server.log")

    def _run(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", self.datadir, "-w", "-t", "60", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=90)

    def stop(self) -> None:
        self._run("-m", "fast", "stop")

    def start(self) -> None:
        self._run("-l", self.log, "-o", self.options, "start")

    def running(self) -> bool:
        command = [self.pg_ctl, "-D", self.datadir, "status"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
