"""The bench workflow: one part from trigger to recorded verdict, excerpts and guide, as a stream of typed events."""
