"""A 429 storm: the network answers "rate limited, retry after N seconds" for a while.

The worker runs in-process (its huey consumer in a thread, stopped by an event) against an outbox
that records when each publish call started and ended, registered like any network plugin. Nothing
may be lost, no attempt may come before the Retry-After of the answer before it, and every post
goes out once the storm is over.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from bedside import worker
from bedside.networks import AccountRef, OutgoingPost, Published, TransientError, register
from bedside.networks.outbox import OutboxNetwork
from bedside.services.ledger import RetryPolicy
from bedside.store.models import Account

from .conftest import Practice
from .processes import wait_for

POSTS = 30
STORM = 2.5  # seconds of 429s
RETRY_AFTER = 0.8


@dataclass(frozen=True)
class Call:
    key: str
    started: float
    ended: float
    retry_after: float | None  # None: published


class RecordingOutbox(OutboxNetwork):
    """The outbox, noting the wall-clock time of every publish call and its answer."""

    name = "storm_outbox"
    calls: ClassVar[list[Call]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        started = time.time()
        try:
            published = super().publish(account, post, idempotency_key=idempotency_key)
        except TransientError as exc:
            self._note(Call(idempotency_key, started, time.time(), exc.retry_after))
            raise
        self._note(Call(idempotency_key, started, time.time(), None))
        return published

    def _note(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


def test_a_429_storm_loses_nothing_and_waits_as_told(practice: Practice) -> None:
    p = practice
    register("storm_outbox", f"{__name__}:RecordingOutbox", replace=True)
    RecordingOutbox.calls.clear()
    storm_ends = time.time() + STORM
    account = p.add_account("stormy", options={"rate_limit_until": storm_ends,
                                               "retry_after": RETRY_AFTER})
    with p.store.session() as s:  # the plugin network, as an owner would have chosen it
        s.get_one(Account, account).network = "storm_outbox"
    now = datetime.now(UTC)
    ids = p.rows(account, [now] * POSTS)
    worker.enqueue(ids, now, settings=p.settings)
    stop = threading.Event()
    options = worker.WorkerOptions(
        policy=RetryPolicy(base=timedelta(milliseconds=100), cap=timedelta(seconds=1)),
        reconcile_every=0.2, lease=timedelta(seconds=10))
    run = threading.Thread(target=worker.run_worker, args=(p.settings, 4),
                           kwargs={"options": options, "stop": stop})
    run.start()
    try:
        assert wait_for(lambda: p.states() == {"published": POSTS}, timeout=30), p.states()
    finally:
        stop.set()
        run.join(timeout=30)
    assert not run.is_alive()

    by_key: dict[str, list[Call]] = defaultdict(list)
    for call in sorted(RecordingOutbox.calls, key=lambda c: c.started):
        by_key[call.key].append(call)
    rows = {p.row(i).idempotency_key: p.row(i) for i in ids}
    assert set(by_key) == set(rows)
    for key, calls in by_key.items():
        *refused, accepted = calls
        assert accepted.retry_after is None and accepted.started >= storm_ends
        assert all(c.retry_after == RETRY_AFTER for c in refused)
        for before, after in zip(calls, calls[1:], strict=False):
            assert after.started >= before.ended + RETRY_AFTER, (key, before, after)
        assert rows[key].attempts == len(calls)
        assert rows[key].published_at is not None
    assert max(len(c) for c in by_key.values()) >= 3  # the storm turned posts away repeatedly
    outbox = p.outbox().records("stormy")
    assert sorted(r.idempotency_key for r in outbox) == sorted(rows)  # each once
