"""Object storage adapters: a local/NAS folder, or an S3-compatible endpoint."""
