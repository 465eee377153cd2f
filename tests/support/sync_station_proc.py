"""One station as its own process (fault tests): pull, then record and sync in turns, then drain.

Usage: python -m tests.support.sync_station_proc HOME STATION_ID CENTRAL_URL N
Prints the inspection codes it recorded, one per line, after the last successful sync.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.sync import make_station, record


def main(home: str, station_id: str, url: str, n: int) -> int:
    st = make_station(Path(home), station_id, url, batch_size=60)
    for _ in range(20):  # the centre is busy with 19 other stations: retry the first pull
        if st.service.run_once(pull=True).error is None:
            break
    codes: list[str] = []
    while len(codes) < n:
        codes += record(st, min(10, n - len(codes)), start=len(codes))
        st.service.run_once(pull=False)  # errors (e.g. a lock timeout) are simply retried later
    for _ in range(50):
        report = st.service.run_once(pull=False)
        if report.error is None and not st.service.status().pending_rows:
            print("\n".join(codes))
            return 0
    print(f"not drained: {report.error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
