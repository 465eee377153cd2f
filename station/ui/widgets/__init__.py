"""Reusable widgets: image view with overlays, charts painted with QPainter, job progress, messages."""
