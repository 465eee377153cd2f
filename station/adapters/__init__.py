"""Adapters to the outside world: database, object storage, camera, ML models."""
