"""An edit and a worker's claim racing for the same ledger row: the claim waits for the edit's
commit and then sees the row withdrawn, so an edited post never goes out in its old form or
twice (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from bedside.services import ledger, publish
from bedside.services.post_views import load_post
from bedside.services.publish import _cancel_rows
from bedside.store.models import Publication
from bedside.store.secrets import sealer_for

from .conftest import NOW, Practice


def test_a_claim_waits_for_an_edit_in_progress(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, "Flu shots are in.", to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, NOW + timedelta(minutes=5), now=NOW)
    due = NOW + timedelta(minutes=6)
    claimed: list[object] = []
    started = threading.Event()

    def worker() -> None:
        started.set()
        with p.store.session() as s:
            [row] = s.scalars(select(Publication.id))
            claimed.append(ledger.claim(s, row, worker="w1", now=due,
                                        sealer=sealer_for(p.settings)))

    with p.store.session() as s:  # an edit's transaction, holding the rows
        _cancel_rows(s, load_post(s, p.owner, post.id))
        thread = threading.Thread(target=worker)
        thread.start()
        started.wait()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the claim did not wait for the edit's transaction"
    thread.join(timeout=30)
    assert claimed == [None]
    with p.store.session() as s:
        assert s.scalars(select(Publication.state)).one() == "cancelled"
