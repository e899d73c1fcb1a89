"""Publisher chaos: worker processes SIGKILLed at random while 1,000 posts go out.

usage: python bench/publisher_chaos.py [--posts N] [--backend sqlite|postgresql|both] [--seed N]

Three worker processes (`python -m bedside.worker`, 2 threads, a 2 s lease) publish N posts due
over ten seconds to the outbox, while this script holds the outbox's write lock half the time (a
slow network, so requests hang mid-flight) and every 0.3-0.7 s SIGKILLs a worker, mostly one that
holds a claim at that moment, and starts a new one. When the posts are all resolved, or after a
minute, the killing stops and the survivors' reconciler settles the rest. Then it counts:
  published    ledger rows published whose remote id is the outbox's one record for their key
  uncertain    rows the reconciler could not resolve (a person checks them)
  lost         rows neither published nor uncertain, or published with no outbox record
  duplicated   idempotency keys the outbox holds more than once
Target (issue 3): lost 0, duplicated 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "publisher"))  # chaos.py, shared with the test

from chaos import Worker, kill_at_random, slow_network  # noqa: E402
from sqlalchemy import select  # noqa: E402

from _publisher import Bench, add_rows, bench_database, start_worker, states, stop_workers  # noqa: E402
from bedside import worker  # noqa: E402
from bedside.networks import NetworkContext  # noqa: E402
from bedside.networks.outbox import OutboxNetwork  # noqa: E402
from bedside.store.models import Publication  # noqa: E402

PROCESSES = 3
CHAOS_FOR = 60.0
SETTLE_FOR = 60.0


def unresolved(bench: Bench) -> int:
    counts = states(bench)
    return counts.get("scheduled", 0) + counts.get("publishing", 0)


def run(backend: str, *, posts: int, seed: int) -> None:
    with bench_database(backend) as bench:
        outbox = OutboxNetwork(NetworkContext(data_dir=bench.settings.data_dir))
        outbox.records()  # create its file, so the slow network can lock it
        start = datetime.now(UTC) + timedelta(seconds=2)
        ids = add_rows(bench, [start + timedelta(seconds=10 * i / posts) for i in range(posts)])
        worker.enqueue(ids, start, settings=bench.settings)
        stop = threading.Event()
        slow = threading.Thread(target=slow_network,
                                args=(bench.settings.data_dir / "outbox.sqlite3", stop))
        slow.start()
        rng = random.Random(seed)
        spawned = 0

        def spawn() -> Worker:
            nonlocal spawned
            spawned += 1
            name = f"worker-{spawned}"
            proc = start_worker(bench, name, threads=2, lease=2.0, reconcile_every=0.5,
                                requeue_after=2.0, level="INFO")
            return proc, bench.workdir / f"{name}.log"

        began = time.monotonic()
        workers = [spawn() for _ in range(PROCESSES)]
        try:
            kills = kill_at_random(workers, spawn, bench.store, rng=rng,
                                   until=began + CHAOS_FOR, done=lambda: not unresolved(bench))
            chaos = time.monotonic() - began
            stop.set()
            slow.join()
            deadline = time.monotonic() + SETTLE_FOR
            while unresolved(bench) and time.monotonic() < deadline:
                time.sleep(0.2)
            settled = time.monotonic() - began
        finally:
            stop.set()
            stop_workers([w[0] for w in workers])

        with bench.store.session() as s:
            rows = s.execute(select(Publication.idempotency_key, Publication.state,
                                    Publication.remote_id, Publication.attempts)
                             .where(Publication.id.in_(ids))).all()
        records = outbox.records()
        per_key = Counter(r.idempotency_key for r in records)
        remote = {r.idempotency_key: r.remote_id for r in records}
        published = sum(1 for key, state, rid, _ in rows
                        if state == "published" and per_key[key] == 1 and remote[key] == rid)
        uncertain = sum(1 for _, state, _, _ in rows if state == "uncertain")
        lost = len(rows) - published - uncertain
        duplicated = sum(1 for n in per_key.values() if n > 1)
        again = sum(1 for *_, attempts in rows if attempts > 1)
        print(f"\n== {backend}: {posts} posts, {PROCESSES} worker processes at a time, "
              f"{spawned} started in all")
        print(f"kills: {kills.count} SIGKILLs ({kills.mid_publish} of a process holding a claim)"
              f" over {chaos:.1f} s; settled {settled:.1f} s after the start; "
              f"{again} posts claimed more than once")
        print(f"published {published}, uncertain {uncertain}, lost {lost}, "
              f"duplicated {duplicated}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        run(backend, posts=args.posts, seed=args.seed)


if __name__ == "__main__":
    main()
