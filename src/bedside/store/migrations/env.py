"""Alembic environment: migrations run on the engine bedside hands over (see store/session.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from bedside.store.models import Base

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
