"""A sync pass that moved rows tells the screens (through the change notifier); a pass that moved
nothing stays quiet. Real PostgreSQL centre and SQLite station."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.services.shared.changes import RecordsChanged
from tests.support.sync import make_station, prepare_central, record


@pytest.fixture
def central(pg_empty_url: str) -> str:
    return prepare_central(pg_empty_url)


def test_a_sync_pass_that_moved_rows_fires_the_change_notifier(central: str, tmp_path: Path) -> None:
    st = make_station(tmp_path, "ST41", central)
    heard: list[RecordsChanged] = []
    st.service.changes.subscribe(heard.append)
    assert st.service.run_once(pull=True).error is None
    assert heard == [RecordsChanged("sync")], "pulled catalogue rows"
    assert st.service.run_once(pull=False).pushed_entries == 0
    assert heard == [RecordsChanged("sync")], "nothing moved, nothing fired"
    record(st, 2)
    assert st.service.run_once(pull=False).pushed_entries > 0
    assert heard == [RecordsChanged("sync")] * 2
