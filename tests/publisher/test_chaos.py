"""Chaos: worker processes are SIGKILLed at random while they publish, and new ones started.

A thread of the test holds the outbox's write lock half the time, as a slow network would
keep a request open, so kills land between a claim and the network's answer. When the
killing stops and the reconciler has settled everything, every post must be in the outbox exactly
once and published in the ledger with that remote id: none lost, none sent twice. (`uncertain`
is allowed by the design, but the outbox can always tell, so here nothing may be uncertain.)
"""

from __future__ import annotations

import dataclasses
import random
import signal
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .chaos import Worker, kill_at_random, slow_network
from .conftest import Practice
from .processes import start_worker, wait_for

POSTS = 150
PROCESSES = 3
CHAOS_FOR = 15.0  # seconds of killing at most; the posts are due over the first 6


def test_killed_workers_lose_nothing_and_send_nothing_twice(practice: Practice,
                                                            tmp_path: Path) -> None:
    p = practice
    settings = p.settings
    if p.store.dialect == "postgresql":  # the queue in PostgreSQL too, as a team would run it
        settings = dataclasses.replace(settings, queue_url=settings.database_url)
    from bedside import worker

    start = datetime.now(UTC)
    ids = p.rows(p.account_id, [start + timedelta(milliseconds=40 * i) for i in range(POSTS)])
    worker.enqueue(ids, start, settings=settings)
    p.outbox().records()  # create the outbox file, so the slow network can lock it
    stop_slow = threading.Event()
    slow = threading.Thread(target=slow_network,
                            args=(settings.data_dir / "outbox.sqlite3", stop_slow))
    slow.start()

    rng = random.Random(20261127)
    logs = tmp_path / "workers"
    logs.mkdir()
    count = 0

    def spawn() -> Worker:
        nonlocal count
        count += 1
        log = logs / f"worker-{count}.log"
        return start_worker(settings, log, level="INFO"), log

    def settled() -> bool:
        states = p.states()
        return states.get("scheduled", 0) + states.get("publishing", 0) == 0

    workers = [spawn() for _ in range(PROCESSES)]
    try:
        kills = kill_at_random(workers, spawn, p.store, rng=rng,
                               until=time.monotonic() + CHAOS_FOR, done=settled)
        stop_slow.set()
        slow.join()
        # No more killing: the survivors and their reconciler settle what the dead left.
        assert wait_for(settled, timeout=30, every=0.2), p.states()
    finally:
        stop_slow.set()
        for proc, _ in workers:
            proc.send_signal(signal.SIGINT)
        for proc, _ in workers:
            proc.wait(timeout=15)

    rows = [p.row(i) for i in ids]
    records = p.outbox().records()
    per_key = Counter(r.idempotency_key for r in records)
    remote = {r.idempotency_key: r.remote_id for r in records}
    assert Counter(r.state for r in rows) == {"published": POSTS}
    assert all(per_key[r.idempotency_key] == 1 for r in rows)  # none lost, none twice
    assert len(records) == POSTS
    assert all(remote[r.idempotency_key] == r.remote_id for r in rows)
    assert kills.count >= 5 and kills.mid_publish >= 1
    retried = sum(1 for r in rows if r.attempts > 1)
    print(f"\n{p.store.dialect}: {kills.count} kills ({kills.mid_publish} of a process holding a"
          f" claim), {count} worker processes, {retried} posts claimed more than once, "
          f"all {POSTS} published once")
    for log in logs.iterdir():
        text = log.read_text()
        assert "Flu shots" not in text  # logs hold ids, never a post's text
