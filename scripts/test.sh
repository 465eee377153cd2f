#!/usr/bin/env bash
# Sets up .venv (idempotent) and runs the whole test suite headless against a throwaway PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh -k schema
set -euo pipefail
cd "$(dirname "$0")/.."
STATION_SETUP_NO_GUIDE_MODEL=1 scripts/setup.sh
export QT_QPA_PLATFORM=offscreen MALLOC_MMAP_THRESHOLD_=1048576
exec scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
