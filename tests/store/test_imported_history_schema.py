"""Migration 0002 (imported history) keeps every existing row, both ways, on both backends, and
its constraints hold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from bedside.store import Store
from bedside.store.models import MetricSnapshot, Post, Publication
from bedside.store.session import alembic_config, current_revision, head_revision, make_engine

TABLES = ("workspace", "account", "post", "post_target", "post_version", "finding",
          "publication", "audit_log")
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


def _seed_at_0001(conn: Connection) -> None:
    """A composed, published post as revision 0001 stores it (plain SQL: the models are newer)."""
    now = NOW.replace(tzinfo=None) if conn.dialect.name == "sqlite" else NOW
    rows = {
        "workspace": dict(id=1, name="Lakeside", slug="lakeside", timezone="UTC",
                          profile_toml="", require_signoff=False, is_demo=False, created_at=now),
        "account": dict(id=1, workspace_id=1, network="outbox", handle="lakeside",
                        kind="practice", options="{}", status="active", created_at=now),
        "post": dict(id=1, workspace_id=1, status="scheduled", scheduled_at=now, created_at=now),
        "post_target": dict(post_id=1, account_id=1),
        "post_version": dict(id=1, post_id=1, number=1, text="Flu shots are in.", images="{}",
                             promotional=False, created_at=now),
        "finding": dict(id=1, version_id=1, account_kind="practice", rule="quality.x",
                        category="quality", severity="info", start=0, end=3, excerpt="Flu",
                        message="m"),
        "publication": dict(id=1, post_id=1, version_id=1, account_id=1, idempotency_key="k1",
                            state="published", due_at=now, next_attempt_at=now, attempts=1,
                            remote_id="outbox:1", published_at=now, created_at=now,
                            updated_at=now),
        "audit_log": dict(id=1, workspace_id=1, at=now, action="post.composed", detail="{}"),
    }
    for table, row in rows.items():
        columns = ", ".join(f'"{c}"' for c in row)
        values = ", ".join(f":{c}" for c in row)
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}


def test_upgrade_and_downgrade_keep_every_row(engine: Engine) -> None:
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as conn:
        _seed_at_0001(conn)
    before = _counts(engine)
    assert set(before.values()) == {1}

    command.upgrade(config, "head")
    assert current_revision(engine) == head_revision(engine)
    assert _counts(engine) == before  # nothing cascaded away while columns were added
    with engine.connect() as conn:
        assert conn.execute(text("SELECT origin FROM post")).scalar_one() == "composed"
        assert conn.execute(text("SELECT reply_to FROM publication")).scalar_one() is None

    command.downgrade(config, "0001")
    assert _counts(engine) == before
    command.upgrade(config, "head")
    assert _counts(engine) == before


def test_upgrade_refuses_a_ledger_holding_one_network_post_twice(engine: Engine) -> None:
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as conn:
        _seed_at_0001(conn)
        conn.execute(text(
            "INSERT INTO post (id, workspace_id, status, created_at) "
            "SELECT 2, workspace_id, status, created_at FROM post WHERE id = 1"))
        conn.execute(text(
            "INSERT INTO publication (id, post_id, version_id, account_id, idempotency_key, "
            "state, due_at, next_attempt_at, attempts, remote_id, created_at, updated_at) "
            "SELECT 2, 2, version_id, account_id, 'k2', state, due_at, next_attempt_at, "
            "attempts, remote_id, created_at, updated_at FROM publication WHERE id = 1"))
    with pytest.raises(RuntimeError, match=r"same network post twice \(account 1: outbox:1\)"):
        command.upgrade(config, "head")
    assert current_revision(engine) == "0001"


def _published(post_id: int, remote_id: str | None) -> Publication:
    # Explicit ids throughout: the seeded rows did not advance PostgreSQL's sequences.
    return Publication(id=post_id, post_id=post_id, version_id=1, account_id=1,
                       idempotency_key=f"key-{post_id}", state="published", due_at=NOW,
                       next_attempt_at=NOW, remote_id=remote_id)


def test_a_remote_id_is_unique_on_its_account_and_unset_ones_are_free(store: Store) -> None:
    with store.engine.begin() as conn:
        _seed_at_0001(conn)
    with store.session() as s:
        s.add(Post(id=2, workspace_id=1))
        s.add(Post(id=3, workspace_id=1))
        s.flush()
        s.add_all([_published(2, None), _published(3, None)])  # not yet published: no id
    refused = "ix_publication_account_remote_id|publication.account_id, publication.remote_id"
    with pytest.raises(IntegrityError, match=refused), store.session() as s:
        s.add(Post(id=4, workspace_id=1))
        s.flush()
        s.add(_published(4, "outbox:1"))
    with store.session() as s:  # another account may hold the same id
        s.execute(text("INSERT INTO account (id, workspace_id, network, handle, kind, options, "
                       "status, created_at) SELECT 2, workspace_id, network, 'dr.patel', kind, "
                       "options, status, created_at FROM account WHERE id = 1"))
        s.add(Post(id=4, workspace_id=1))
        s.flush()
        row = _published(4, "outbox:1")
        row.account_id = 2
        s.add(row)


@pytest.mark.parametrize("column, value", [("origin", "copied"), ("source", "guess"),
                                           ("likes", -1)])
def test_constraints_refuse_nonsense(store: Store, column: str, value: object) -> None:
    with store.engine.begin() as conn:
        _seed_at_0001(conn)
    constraint = {"origin": "ck_post_origin", "source": "ck_metric_snapshot_source",
                  "likes": "ck_metric_snapshot_counts"}[column]
    with pytest.raises(IntegrityError, match=constraint), \
            store.session() as s:
        if column == "origin":
            s.add(Post(id=9, workspace_id=1, origin=value))
        else:
            s.add(MetricSnapshot(id=9, publication_id=1, fetched_at=NOW,
                                 **{"source": "api", column: value}))
