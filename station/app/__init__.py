"""Application assembly: the only place that wires adapters to services."""
