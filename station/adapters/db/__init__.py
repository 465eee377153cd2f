"""Database adapter: ORM models, engines, migrations and repositories (ORM rows stay here)."""

# The table modules share one metadata whose indexes are attached once every table is defined: loading
# ``models`` first (it loads the other table modules at its end) makes any import order safe.
from station.adapters.db import models as _models  # noqa: E402,F401
