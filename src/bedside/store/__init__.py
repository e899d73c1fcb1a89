"""The store: SQLAlchemy models, sessions and migrations; SQLite by default, PostgreSQL by URL."""

from bedside.store.session import Store, open_store

__all__ = ["Store", "open_store"]
