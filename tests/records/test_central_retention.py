"""Retention of old partitions into the object store: a folder store and an S3 server (moto on loopback); the
archive is read back and verified before anything is dropped, and a store that is down or gives back other
bytes leaves every row in place."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from station.adapters.db import central_upkeep, migrate
from station.adapters.db.engine import make_engine
from station.adapters.storage.local import LocalFolderStore
from station.app.cli import archive_target
from station.config import Settings

from tests.support.central import assert_counts_exact
from tests.support.s3 import LoopbackS3
from tests.records.test_central_partitions import C1, C2, DATA, M1, M2, M3, SEED, _inspections, months_back, partition

# retention keeping 2 months on the 5th of this month: the oldest data month (M1) goes, M2 onwards stays
TODAY = months_back(0).replace(day=5)
OLD = partition(M1)


@pytest.fixture
def central(pg_empty_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(pg_empty_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        for sql in SEED:
            conn.execute(text(sql))
        for month in (M1, M2, M3):
            conn.execute(text(f"CREATE TABLE IF NOT EXISTS {partition(month)} PARTITION OF inspections FOR VALUES "
                              f"FROM ('{month}') TO (CAST('{month}' AS timestamp) + interval '1 month')"))
        _inspections(conn, DATA)
    yield engine
    engine.dispose()


def _state(engine) -> tuple[int, int, bool]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        assert_counts_exact(conn)
        return (conn.execute(text("SELECT count(*) FROM inspections")).scalar(),
                conn.execute(text("SELECT count(*) FROM action_logs")).scalar(),
                conn.execute(text(f"SELECT to_regclass('{OLD}') IS NOT NULL")).scalar())


def _check_archive(store, report) -> dict[str, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    """Every file of the manifest read back from the store: rows as written, checksum as recorded."""
    manifest = json.loads(store.get_bytes(report.manifests[OLD]))
    assert manifest["partition"] == OLD and manifest["from"].startswith(str(M1))
    tables = {}
    for table, entry in manifest["tables"].items():
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(store.get_bytes(entry["key"])).decode())))
        assert len(rows) == entry["rows"] == report.archived[OLD][table]
        tables[table] = rows
    return tables


def test_retention_to_a_folder_store_verifies_then_drops(central, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _state(central)
    store = LocalFolderStore(tmp_path / "objects")
    report = central_upkeep.retention(central, 2, store, today=TODAY)
    tables = _check_archive(store, report)
    assert {r["inspection_code"] for r in tables["inspections"]} == {C1, C2}
    assert len(tables["action_logs"]) == 1 and len(tables["feedbacks"]) == 1
    assert _state(central) == (before[0] - 2, before[1] - 1, False)
    assert {partition(M2), partition(M3)} <= set(report.kept) and OLD not in report.kept


def test_retention_to_s3_and_a_store_that_is_down(central) -> None:  # type: ignore[no-untyped-def]
    s3 = LoopbackS3()
    store = s3.store()
    before = _state(central)
    with pytest.raises(central_upkeep.ArchiveVerificationError, match="could not be stored"):
        central_upkeep.retention(central, 2, store, today=TODAY)  # no server yet
    assert _state(central) == before  # nothing dropped
    s3.start()
    try:
        store.ensure_bucket()
        report = central_upkeep.retention(central, 2, store, today=TODAY)
        tables = _check_archive(store, report)
        assert len(tables["inspection_results"]) == 2
    finally:
        s3.stop()
    assert _state(central) == (before[0] - 2, before[1] - 1, False)


class _DamagingStore(LocalFolderStore):
    """A folder store on a medium that loses the last byte of what it is given (a failing disk or mount)."""

    def upload(self, key: str, path: Path) -> int:
        size = super().upload(key, path)
        target = self.root / key
        target.write_bytes(target.read_bytes()[:-1])
        return size


def test_retention_refuses_to_drop_what_it_cannot_read_back(central, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _state(central)
    with pytest.raises(central_upkeep.ArchiveVerificationError, match="differs from what was written"):
        central_upkeep.retention(central, 2, _DamagingStore(tmp_path), today=TODAY)
    assert _state(central) == before
    # the same rows give the same keys: a sound store afterwards finds the damaged file under its key and
    # refuses again rather than trusting it
    with pytest.raises(central_upkeep.ArchiveVerificationError):
        central_upkeep.retention(central, 2, LocalFolderStore(tmp_path), today=TODAY)
    assert _state(central) == before
    report = central_upkeep.retention(central, 2, LocalFolderStore(tmp_path / "sound"), today=TODAY)
    assert report.archived[OLD]["inspections"] == 2 and _state(central)[2] is False


def test_the_archive_goes_to_the_configured_store(tmp_path: Path) -> None:
    local = Settings(home=tmp_path, storage_dir=tmp_path / "objects")
    target, where = archive_target(local, None)
    assert isinstance(target, LocalFolderStore) and target.root == tmp_path / "objects" and "objects" in where
    target, where = archive_target(local, tmp_path / "elsewhere")
    assert isinstance(target, LocalFolderStore) and target.root == tmp_path / "elsewhere"


def test_the_command_archives_to_the_folder_it_is_given(central, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from station.cli.main import main

    url = central.url.render_as_string(hide_password=False)
    # 1,200 months: nothing is that old, whatever today is; the command is wired and says what it kept
    assert main(["db", "retention", "--url", url, "--older-than", "1200", "--archive-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "kept:" in out and OLD in out and "dropped" not in out
    assert _state(central)[2] is True
