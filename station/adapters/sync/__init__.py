"""Sync with the central PostgreSQL: outbox, portable rows, batched idempotent upserts, pull."""
