"""Pure domain types of the inspection station (no I/O, no Qt, no database)."""
