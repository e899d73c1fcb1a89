"""The chaos shared by tests/publisher/test_chaos.py and bench/publisher_chaos.py: a slow network
that holds the outbox's write lock half the time, and worker processes SIGKILLed at random
(mostly one holding a claim at that moment) and replaced.

Plain functions over a Store and worker processes, no pytest: the benchmark imports this file
with tests/publisher on sys.path.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bedside.store import Store
from bedside.store.models import Publication

Worker = tuple[subprocess.Popen[bytes], Path]  # a worker process and its log file


def slow_network(path: Path, stop: threading.Event) -> None:
    """Hold the outbox's write lock half the time, so publish calls hang mid-flight."""
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            time.sleep(0.03)
            db.execute("COMMIT")
            time.sleep(0.03)
    finally:
        db.close()


def claim_holders(store: Store) -> set[int]:
    """The pids of the processes holding a claim now (a token is host:pid:random)."""
    with store.session() as s:
        tokens = s.scalars(select(Publication.claimed_by).where(
            Publication.state == "publishing")).all()
    return {int(t.split(":")[1]) for t in tokens if t}


def ready(worker: Worker) -> bool:
    """Started up: a worker logs its threads and queue once it can take work."""
    return "threads, queue" in worker[1].read_text()


@dataclass
class Kills:
    count: int = 0
    mid_publish: int = 0  # of a process holding a claim at that moment


def kill_at_random(workers: list[Worker], spawn: Callable[[], Worker], store: Store, *,
                   rng: random.Random, until: float, done: Callable[[], bool]) -> Kills:
    """Every 0.3-0.7 s SIGKILL a started worker and spawn another in its place (`workers` is
    kept up to date), until the monotonic time `until` or `done()`."""
    kills = Kills()
    next_kill = time.monotonic() + rng.uniform(0.3, 0.7)
    while time.monotonic() < until and not done():
        time.sleep(0.02)
        warm = [w for w in workers if ready(w)]
        if time.monotonic() < next_kill or not warm:
            continue
        # Kill a process that holds a claim right now (its token names its pid), or, when
        # none has for a while, any process wherever it is.
        holders = claim_holders(store)
        holding = [w for w in warm if w[0].pid in holders]
        if not holding and time.monotonic() < next_kill + 0.5:
            continue
        victim = rng.choice(holding or warm)
        os.kill(victim[0].pid, signal.SIGKILL)
        victim[0].wait()
        workers.remove(victim)
        kills.count += 1
        kills.mid_publish += bool(holding)
        workers.append(spawn())
        next_kill = time.monotonic() + rng.uniform(0.3, 0.7)
    return kills
