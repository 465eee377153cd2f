"""The worker bench: live camera, inspection, result panel, manual excerpts, streamed guide, feedback."""
