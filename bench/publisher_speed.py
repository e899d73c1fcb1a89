"""Publisher speed: how late posts leave, and how many leave per second, against the outbox.

usage: python bench/publisher_speed.py [--posts N] [--backend sqlite|postgresql|both]
                                       [--queue database|redis] [--processes N] [--threads N]

For each backend the worker processes (`python -m bedside.worker`; SQLite: 1 process of 4 threads,
queue in the data directory; PostgreSQL: 4 processes of 2 threads, queue in PostgreSQL, or in
Redis with --queue redis)
start first and get a few seconds to warm up. Then two phases, each with N posts (default 1,000):
  minute  posts due at random moments within one minute: lateness (published_at, the outbox's
          own time of publication, minus due_at) p50 / p99 / max;
  burst   posts all due at the same instant: throughput (posts / seconds from the due time to the
          last publication) and the lateness that backlog causes.
Targets (issue 3): p99 lateness <= 1 s in the minute phase on both backends; >= 200 publications/s
on PostgreSQL with 4 worker processes.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import select  # noqa: E402

from _publisher import (  # noqa: E402
    Bench,
    add_rows,
    bench_database,
    start_worker,
    states,
    stop_workers,
    summary,
    wait_until,
)
from bedside import worker  # noqa: E402
from bedside.store.models import Publication  # noqa: E402

WARM_UP = 5.0  # seconds for worker processes to import, open the store and start consuming


def lateness(bench: Bench, ids: list[int]) -> list[float]:
    with bench.store.session() as s:
        rows = s.execute(select(Publication.published_at, Publication.due_at)
                         .where(Publication.id.in_(ids))).all()
    return [(published - due).total_seconds() for published, due in rows]


def phase(bench: Bench, due: list[datetime]) -> tuple[list[int], float]:
    """Add rows due at `due`, queue them as the publish service would, wait for all."""
    total = len(due) + states(bench).get("published", 0)
    ids = add_rows(bench, due)
    for at in sorted(set(due)):
        worker.enqueue([i for i, d in zip(ids, due, strict=True) if d == at], at,
                       settings=bench.settings)
    timeout = (max(due) - datetime.now(UTC)).total_seconds() + 120
    started = time.monotonic()
    done = wait_until(lambda: states(bench).get("published", 0) >= total, timeout=timeout,
                      every=0.05)
    if not done:
        with bench.store.session() as s:
            errors = s.scalars(select(Publication.last_error).where(
                Publication.last_error.is_not(None)).distinct().limit(5)).all()
        raise SystemExit(f"not all published in time: {states(bench)}; errors: {errors}")
    return ids, time.monotonic() - started


def run(backend: str, *, posts: int, queue: str, processes: int, threads: int) -> None:
    with bench_database(backend, queue=queue) as bench:
        kind = type(worker.make_huey(bench.settings).storage).__name__
        print(f"\n== {backend}: {processes} worker process(es) x {threads} threads, "
              f"queue {kind}, {posts} posts per phase")
        procs = [start_worker(bench, f"worker-{n}", threads=threads) for n in range(processes)]
        try:
            time.sleep(WARM_UP)
            rng = random.Random(3)
            start = datetime.now(UTC) + timedelta(seconds=2)
            minute = [start + timedelta(seconds=rng.uniform(0, 60)) for _ in range(posts)]
            ids, _ = phase(bench, minute)
            late = lateness(bench, ids)
            print(f"minute: lateness {summary(late)}; early: {sum(1 for x in late if x < 0)}")
            at = datetime.now(UTC) + timedelta(seconds=3)
            ids, _ = phase(bench, [at] * posts)
            late = lateness(bench, ids)
            span = max(late)
            print(f"burst:  {posts / span:.0f} publications/s ({posts} in {span:.2f} s after "
                  f"their due time); lateness {summary(late)}")
        finally:
            stop_workers(procs)
        crashed = [p.returncode for p in procs if p.returncode not in (0, None)]
        if crashed:
            print(f"worker exit codes: {crashed}; logs in {bench.workdir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--queue", choices=["database", "redis"], default="database")
    parser.add_argument("--processes", type=int, help="default: 1 on SQLite, 4 on PostgreSQL")
    parser.add_argument("--threads", type=int,
                        help="threads per process; default: 4 on SQLite, 2 on PostgreSQL")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{datetime.now(UTC):%Y-%m-%d}")
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        processes = args.processes or (1 if backend == "sqlite" else 4)
        threads = args.threads or (4 if backend == "sqlite" else 2)
        run(backend, posts=args.posts, queue=args.queue, processes=processes, threads=threads)


if __name__ == "__main__":
    main()
