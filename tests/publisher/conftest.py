"""A practice with outbox accounts and ledger rows built straight from the models, on each backend.

The publisher's tests need many rows quickly and exact control of their times, so they skip the
publish service (and its guard checks) and write what that service writes: a post, its version,
and one `scheduled` row per account with due_at = next_attempt_at and a unique key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bedside.networks import NetworkContext
from bedside.networks.outbox import OutboxNetwork
from bedside.settings import Settings
from bedside.store import Store
from bedside.store.models import Account, Post, PostVersion, Publication, Variant, Workspace
from bedside.store.secrets import sealer_for

TEXT = "Flu shots are in. Walk-in clinic Tuesday 9-12, no appointment needed."


@dataclass
class Practice:
    store: Store
    settings: Settings
    workspace_id: int
    account_id: int  # outbox "lakeside", with credentials

    def outbox(self) -> OutboxNetwork:
        return OutboxNetwork(NetworkContext(data_dir=self.settings.data_dir))

    def add_account(self, handle: str, *, options: Mapping[str, Any] | None = None,
                    credentials: Mapping[str, str] | None = None) -> int:
        return add_account(self, handle, options=options, credentials=credentials)

    def rows(self, account_id: int, due: Iterable[datetime], *, text: str = TEXT,
             link: str | None = None, variants: Mapping[str, str] | None = None,
             images: list[dict[str, str]] | None = None) -> list[int]:
        return add_rows(self, account_id, due, text=text, link=link, variants=variants,
                        images=images)

    def row(self, publication_id: int) -> Publication:
        with self.store.session() as s:
            row = s.get_one(Publication, publication_id)
            s.expunge(row)
            return row

    def states(self) -> dict[str, int]:
        with self.store.session() as s:
            return dict(s.execute(select(Publication.state, func.count())  # type: ignore[arg-type]
                                  .group_by(Publication.state)).all())


@pytest.fixture
def practice(store: Store, settings: Settings) -> Practice:
    with store.session() as s:
        ws = Workspace(name="Lakeside Family Medicine", slug="lakeside",
                       timezone="America/Chicago")
        s.add(ws)
        s.flush()
        workspace_id = ws.id
    p = Practice(store, settings, workspace_id, 0)
    p.account_id = add_account(p, "lakeside", credentials={"token": "t-1"})
    return p


def add_account(p: Practice, handle: str, *, network: str = "outbox",
                options: Mapping[str, Any] | None = None,
                credentials: Mapping[str, str] | None = None) -> int:
    sealed = sealer_for(p.settings).seal(credentials) if credentials else None
    with p.store.session() as s:
        account = Account(workspace_id=p.workspace_id, network=network, handle=handle,
                          kind="practice", credentials=sealed, options=dict(options or {}))
        s.add(account)
        s.flush()
        return account.id


def add_rows(p: Practice, account_id: int, due: Iterable[datetime], *, text: str = TEXT,
             link: str | None = None, variants: Mapping[str, str] | None = None,
             images: list[dict[str, str]] | None = None) -> list[int]:
    """One post per due time, each with one scheduled row for `account_id`; return the row ids."""
    ids: list[int] = []
    with p.store.session() as s:
        for at in due:
            post = Post(workspace_id=p.workspace_id, status="scheduled", scheduled_at=at)
            s.add(post)
            s.flush()
            version = PostVersion(post_id=post.id, number=1, text=text, link=link,
                                  images={"items": images or []})
            version.variants = [Variant(network=n, text=t) for n, t in (variants or {}).items()]
            s.add(version)
            s.flush()
            row = Publication(post_id=post.id, version_id=version.id, account_id=account_id,
                              idempotency_key=uuid.uuid4().hex, state="scheduled", due_at=at,
                              next_attempt_at=at)
            s.add(row)
            s.flush()
            ids.append(row.id)
    return ids
