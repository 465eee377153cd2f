"""Fault: the station's SQLite file is damaged. The station refuses to start with a clear error and the
recovery path, changes nothing, and `station sync recover-local` rebuilds a store from the readable
rows, keeps the damaged file, and queues the records again; the centre ends with no duplicate."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db.engine import make_engine
from station.app.station import build_station
from station.cli.sync_cmd import main as sync_main
from station.config import load_settings
from station.domain.sync import CorruptLocalStoreError
from tests.support.sync import central_counts, make_station, prepare_central, record


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _smash_pages(db_file: Path, table: str, how_many: int) -> list[int]:
    """Overwrites some leaf pages of ``table`` (not its root) with garbage, as a failing disk would."""
    con = sqlite3.connect(db_file)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = [r[0] for r in con.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
    con.close()
    victims = pages[1:1 + how_many]
    with db_file.open("r+b") as handle:
        for page in victims:
            handle.seek((page - 1) * page_size)
            handle.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))
    return victims


def test_damaged_store_is_refused_then_recovered_without_loss_or_duplicate(pg_empty_url: str, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture) -> None:
    prepare_central(pg_empty_url)
    home = tmp_path / "home"
    st = make_station(home, "ST15", pg_empty_url)
    assert st.service.run_once(pull=True).error is None
    pushed = record(st, 200)
    assert st.service.run_once().error is None
    waiting = record(st, 100, start=200)  # recorded, not yet at the centre
    st.db.dispose()
    db_file = home / "station.sqlite3"
    assert not Path(f"{db_file}-wal").exists() or Path(f"{db_file}-wal").stat().st_size == 0
    assert _smash_pages(db_file, "images", 2)
    before = _digest(db_file)

    settings = load_settings(home=home, station_id="ST15")
    with pytest.raises(CorruptLocalStoreError) as info:
        build_station(settings)
    message = str(info.value)
    assert "is damaged" in message and "station sync recover-local" in message and "Nothing was changed" in message
    assert _digest(db_file) == before  # no silent reset, not even a schema upgrade

    assert sync_main(["--home", str(home), "recover-local"]) == 0
    out = capsys.readouterr().out
    damaged = list(home.glob("station.sqlite3.damaged-*"))
    assert len(damaged) == 1 and _digest(damaged[0]) == before
    assert "images:" in out and "unreadable" in out and "queued for the centre" in out

    ctx = build_station(load_settings(home=home, station_id="ST15", central_db_url=pg_empty_url))
    try:
        with ctx.db.session() as s:
            local_codes = set(s.execute(text("SELECT inspection_code FROM inspections")).scalars())
            image_ids = set(s.execute(text("SELECT image_id FROM images")).scalars())
        assert local_codes == set(pushed + waiting)  # the smashed pages held images only
        lost = set(range(1, 301)) - image_ids  # image n belongs to inspection n
        assert lost  # ... and those rows are really gone
        report = ctx.sync.run_once()
    finally:
        ctx.close()
    assert report.error is None, report.error
    counts = central_counts(pg_empty_url)
    assert counts["inspections"] == counts["distinct_codes"] == 300  # every record once, none twice
    engine = make_engine(pg_empty_url)
    with engine.connect() as conn:
        central_codes = set(conn.execute(text("SELECT inspection_code FROM inspections")).scalars())
        unlinked = conn.execute(text("SELECT count(*) FROM inspections WHERE test_image_id IS NULL")).scalar()
    engine.dispose()
    assert central_codes == set(pushed + waiting)
    # Recovered inspections whose image row was lost here arrive without that reference (the 200 pushed
    # before the damage keep theirs: the centre's rows are never rewritten by a station).
    assert unlinked == len([i for i in lost if i > 200])


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "station.sqlite3").write_bytes(b"this is not sqlite" * 500)
    with pytest.raises(CorruptLocalStoreError, match="file is not a database"):
        build_station(load_settings(home=home))
    assert (home / "station.sqlite3").read_bytes() == b"this is not sqlite" * 500
