"""Ports every feature uses: the catalogue reader, the object store, the camera feed, the audit trail."""
