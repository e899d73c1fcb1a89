"""The migration chain has one head, builds the schema the models describe, and is append-only
where it must be."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from bedside.store import Store
from bedside.store.models import AuditEntry, Base, Workspace
from bedside.store.session import alembic_config, current_revision, head_revision, migrate


def test_one_head(store: Store) -> None:
    heads = ScriptDirectory.from_config(alembic_config(store.engine)).get_heads()
    assert len(heads) == 1


def test_fresh_database_is_at_head(store: Store) -> None:
    assert current_revision(store.engine) == head_revision(store.engine)
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrating_twice_is_a_no_op(store: Store) -> None:
    migrate(store.engine)
    assert current_revision(store.engine) == head_revision(store.engine)


def test_audit_log_refuses_update_and_delete(store: Store) -> None:
    with store.session() as s:
        ws = Workspace(name="Maple Family Medicine", slug="maple", timezone="America/Chicago")
        s.add(ws)
        s.flush()
        s.add(AuditEntry(workspace_id=ws.id, action="post.created", detail={}))
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    with store.session() as s:
        assert s.query(AuditEntry).count() == 1
