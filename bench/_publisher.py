"""What the publisher benchmarks share: a throw-away database, rows, and worker processes
(started as the tests start theirs: tests/publisher/processes.py).

The PostgreSQL server is BEDSIDE_BENCH_POSTGRES_URL (default postgresql://127.0.0.1:5432/test);
each run works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, func, insert, select, text

from bedside.settings import Settings, normalise_database_url
from bedside.store import Store, open_store
from bedside.store.models import Account, Post, PostVersion, Publication, Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "publisher"))
import processes  # noqa: E402  (tests/publisher/processes.py)

wait_until = processes.wait_for  # publisher_speed's name for it

POSTGRES_URL = normalise_database_url(
    os.environ.get("BEDSIDE_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"))
TEXT = "Flu shots are in. Walk-in clinic Tuesday 9-12, no appointment needed."


@dataclass
class Bench:
    settings: Settings
    store: Store
    account_id: int
    workdir: Path


@contextlib.contextmanager
def bench_database(backend: str, *, queue: str = "database") -> Iterator[Bench]:
    """A fresh database (SQLite file or PostgreSQL schema) with one outbox account."""
    workdir = Path(tempfile.mkdtemp(prefix="bedside-bench-"))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bedside.sqlite3'}"
    else:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    settings = Settings(workdir / "data", url, None, Fernet.generate_key().decode())
    if queue == "redis":
        redis = os.environ.get("BEDSIDE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        settings = replace(settings, queue_url=f"{redis}?queue={schema}")  # a queue of its own
    elif queue == "database" and backend == "postgresql":
        settings = replace(settings, queue_url=url)
    store = open_store(settings)
    try:
        with store.session() as s:
            ws = Workspace(name="Bench Practice", slug="bench", timezone="UTC")
            s.add(ws)
            s.flush()
            account = Account(workspace_id=ws.id, network="outbox", handle="bench",
                              kind="practice")
            s.add(account)
            s.flush()
            account_id = account.id
        yield Bench(settings, store, account_id, workdir)
    finally:
        store.dispose()
        if backend == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def add_rows(bench: Bench, due: Sequence[datetime]) -> list[int]:
    """One post, version and scheduled ledger row per due time (Core inserts: quick)."""
    with bench.store.session() as s:
        ws = s.scalar(select(Account.workspace_id).where(Account.id == bench.account_id))
        ids: list[int] = []
        for at in due:
            post_id = s.execute(insert(Post).values(
                workspace_id=ws, status="scheduled", scheduled_at=at).returning(Post.id)).scalar()
            version_id = s.execute(insert(PostVersion).values(
                post_id=post_id, number=1, text=TEXT, images={"items": []})
                .returning(PostVersion.id)).scalar()
            ids.append(s.execute(insert(Publication).values(
                post_id=post_id, version_id=version_id, account_id=bench.account_id,
                idempotency_key=uuid.uuid4().hex, state="scheduled", due_at=at,
                next_attempt_at=at).returning(Publication.id)).scalar_one())
    return ids


def states(bench: Bench) -> dict[str, int]:
    with bench.store.session() as s:
        rows = s.execute(select(Publication.state, func.count()).group_by(Publication.state))
        return {state: count for state, count in rows}


def start_worker(bench: Bench, name: str, *, threads: int, lease: float = 60.0,
                 reconcile_every: float = 2.0, requeue_after: float = 10.0,
                 level: str = "WARNING") -> subprocess.Popen[bytes]:
    """A worker process with the benchmarks' timings, logging to <workdir>/<name>.log."""
    return processes.start_worker(bench.settings, bench.workdir / f"{name}.log",
                                  threads=threads, lease=lease, reconcile_every=reconcile_every,
                                  requeue_after=requeue_after, level=level)


def stop_workers(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: Sequence[float]) -> str:
    return (f"p50 {percentile(values, 50):.3f} s, p99 {percentile(values, 99):.3f} s, "
            f"max {max(values):.3f} s, mean {statistics.fmean(values):.3f} s")
