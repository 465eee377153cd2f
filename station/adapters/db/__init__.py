"""Database adapter: ORM models, engines, migrations and repositories (ORM rows stay here)."""
