"""The publisher's worker: huey tasks that carry publication ids, and the reconciler loop.

The queue only says "look at publication 42"; the ledger row is the truth (services/ledger.py).
A task claims its row, calls the network with the row's idempotency key and records the answer;
a task that is lost, run twice or run by a worker that gets killed costs nothing, because the
claim is a conditional UPDATE and the reconciler (services/reconciler.py) asks the network about
rows left mid-publish before anything is retried, and re-queues due rows whose task went missing.

The queue follows BEDSIDE_QUEUE_URL: unset, a SqliteHuey file in the data directory (nothing else
to install); `redis://…` RedisHuey; `postgresql://…` PostgresHuey. Installations that share a
Redis server (or a PostgreSQL database) need a queue each: add `?queue=NAME` to the URL (default
`bedside`), or their workers take each other's tasks. Store, sealer and network
connectors are built lazily once per process from the settings. Logs carry ids, states and
durations, never a post's text or a credential.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import re
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from huey import PostgresHuey, RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer, Scheduler
from sqlalchemy import select

from bedside.errors import BedsideError, UsageError
from bedside.networks.base import (
    ImageError,
    Network,
    NetworkContext,
    PermanentError,
    Published,
    Refreshable,
    TransientError,
)
from bedside.networks.registry import NetworkImportError, UnknownNetwork, get_network
from bedside.services import accounts, ledger
from bedside.services.ledger import DEFAULT_LEASE, Claim, Recorded, RetryPolicy
from bedside.services.reconciler import REQUEUE_AFTER, ReconcileReport, reconcile
from bedside.settings import Settings
from bedside.store import Store, open_store
from bedside.store.models import Account
from bedside.store.secrets import Sealer, sealer_for

__all__ = [
    "WorkerOptions",
    "enqueue",
    "main",
    "make_huey",
    "publish_one",
    "queue_for",
    "reconcile_once",
    "Runtime",
    "run_worker",
    "runtime_for",
]

log = logging.getLogger(__name__)

QUEUE_FILE = "queue.sqlite3"
HUEY_NAME = "bedside"  # the queue's name; `?queue=NAME` on BEDSIDE_QUEUE_URL chooses another
QUEUE_NAME = re.compile(r"[A-Za-z0-9_]{1,60}")
# Huey's scheduler moves due tasks to the queue at most once a second; posts due at 9:00 should
# leave at 9:00, so ours looks ten times a second (a cheap indexed query).
SCHEDULER_TICK = 0.1
# SqliteHuey cannot block on an empty queue: an idle worker polls, backing off up to this.
SQLITE_POLL_MAX = 0.25


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker process holds claims, retries and reconciles (defaults suit production)."""

    lease: timedelta = DEFAULT_LEASE
    reconcile_every: float = 2.0
    requeue_after: timedelta = REQUEUE_AFTER
    policy: RetryPolicy = field(default_factory=RetryPolicy)


# --- the queue ------------------------------------------------------------------------------

_PUBLISH: weakref.WeakKeyDictionary[Huey, TaskWrapper] = weakref.WeakKeyDictionary()
_QUEUES: dict[tuple[int, Settings], Huey] = {}
_QUEUES_LOCK = threading.Lock()


def make_huey(settings: Settings, *, options: WorkerOptions | None = None) -> Huey:
    """Build the huey instance the settings name, with the `publish(publication_id)` task."""
    huey = _storage(settings)
    opts = options or WorkerOptions()

    def publish(publication_id: int) -> None:
        publish_one(runtime_for(settings, huey, opts), publication_id)

    _PUBLISH[huey] = huey.task(name="publish")(publish)
    return huey


def _storage(settings: Settings) -> Huey:
    url = settings.queue_url
    common: dict[str, Any] = {"results": False, "utc": True}
    if url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(HUEY_NAME, filename=str(settings.data_dir / QUEUE_FILE), timeout=30,
                          **common)
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    name = next((v for k, v in query if k == "queue"), HUEY_NAME)
    if not QUEUE_NAME.fullmatch(name):
        raise UsageError(f"the queue name in BEDSIDE_QUEUE_URL ({name!r}) may hold letters, "
                         "digits and _ only")
    rest = parts._replace(query=urlencode([(k, v) for k, v in query if k != "queue"]))
    scheme = parts.scheme.lower()
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=urlunsplit(rest), **common)
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return PostgresHuey(name, dsn=urlunsplit(rest._replace(scheme="postgresql")), **common)
    raise UsageError(
        f"BEDSIDE_QUEUE_URL must start with redis:// or postgresql:// (or be unset for the "
        f"built-in queue), not {scheme}://"
    )


def queue_for(settings: Settings) -> Huey:
    """The process's huey instance for these settings, built on first use."""
    key = (os.getpid(), settings)
    with _QUEUES_LOCK:
        huey = _QUEUES.get(key)
        if huey is None:
            huey = _QUEUES[key] = make_huey(settings)
        return huey


def enqueue(publication_ids: Iterable[int], eta: datetime | None = None, *,
            settings: Settings | None = None, huey: Huey | None = None) -> None:
    """Queue `publish(id)` for each id, to run at `eta` (aware; None or past: now).

    Call it after the transaction that made the rows due has committed. Queuing a row twice is
    harmless, and a row whose task is lost is re-queued by the reconciler.
    """
    huey = huey or queue_for(settings or Settings.from_env())
    task = _PUBLISH[huey]
    if eta is not None and eta.tzinfo is None:
        raise ValueError("enqueue needs an aware eta")
    later = eta is not None and eta > datetime.now(UTC)
    for publication_id in publication_ids:
        if later:  # straight into the schedule: no worker has to pick it up only to put it back
            huey.add_schedule(task.s(int(publication_id), eta=eta))
        else:
            huey.enqueue(task.s(int(publication_id)))


# --- one publication ------------------------------------------------------------------------


@dataclass
class Runtime:
    """What a process needs to publish, built once per process from the settings."""

    settings: Settings
    options: WorkerOptions
    huey: Huey
    store: Store
    sealer: Sealer
    pid: int = field(default_factory=os.getpid)
    _networks: dict[str, Network] = field(default_factory=dict)
    _http: httpx.Client | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def http(self) -> httpx.Client:
        """The process's one HTTP client (its timeout stays well inside the lease)."""
        with self._lock:
            if self._http is None:
                self._http = accounts.new_http_client()
            return self._http

    def network(self, name: str) -> Network:
        http = self.http
        with self._lock:
            if name not in self._networks:
                context = NetworkContext(data_dir=self.settings.data_dir, http=http)
                self._networks[name] = get_network(name, context)
            return self._networks[name]

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        self.store.dispose()


_RUNTIMES: weakref.WeakKeyDictionary[Huey, Runtime] = weakref.WeakKeyDictionary()
_RUNTIMES_LOCK = threading.Lock()


def runtime_for(settings: Settings, huey: Huey, options: WorkerOptions) -> Runtime:
    """This process's runtime for `huey`, built on first use (a forked child builds its own)."""
    with _RUNTIMES_LOCK:
        rt = _RUNTIMES.get(huey)
        if rt is None or rt.pid != os.getpid():
            rt = _RUNTIMES[huey] = Runtime(settings, options, huey, open_store(settings),
                                           sealer_for(settings))
        return rt


def publish_one(rt: Runtime, publication_id: int, *, now: datetime | None = None) -> str | None:
    """Claim, publish and record one row; return its new state (None: nothing to do)."""
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    started = time.monotonic()
    with rt.store.session() as s:
        claimed = ledger.claim(
            s, publication_id, worker=token, now=now or datetime.now(UTC),
            lease=rt.options.lease, sealer=rt.sealer, late_grace=rt.settings.late_grace,
        )
    if claimed is None:
        log.debug("publication %d: not claimable (taken, not due, paused or expired)",
                  publication_id)
        return None
    outcome = _record(rt, claimed, _call_network(rt, claimed))
    log.info("publication %d: %s in %.0f ms (attempt %d)", publication_id,
             outcome.state if outcome.ok else "taken over", 1000 * (time.monotonic() - started),
             claimed.attempt)
    if outcome.next_attempt_at is not None:
        enqueue([publication_id], outcome.next_attempt_at, huey=rt.huey)
    return outcome.state


@dataclass(frozen=True)
class _Answer:
    """What the network call came to: published, or an error of one kind, with its message."""

    kind: str  # published | transient | permanent | failed | unknown
    published: Published | None = None
    message: str = ""
    retry_after: float | None = None


def _call_network(rt: Runtime, c: Claim) -> _Answer:
    try:
        network = rt.network(c.account.network)
        c = _with_fresh_credentials(rt, c, network)
    except TransientError as exc:
        return _Answer("transient", message=str(exc), retry_after=exc.retry_after)
    except (PermanentError, UnknownNetwork, NetworkImportError) as exc:
        return _Answer("permanent", message=str(exc))
    except Exception as exc:  # nothing has been sent yet: a plain retry is safe
        log.error("publication %d: preparing the call failed (%s)", c.publication_id,
                  type(exc).__name__)
        return _Answer("transient", message=f"could not prepare the call ({type(exc).__name__})")
    try:
        return _Answer("published", network.publish(
            c.account, c.post, idempotency_key=c.idempotency_key))
    except TransientError as exc:
        return _Answer("transient", message=str(exc), retry_after=exc.retry_after)
    except PermanentError as exc:
        return _Answer("permanent", message=str(exc))
    except ImageError as exc:
        return _Answer("failed", message=str(exc))
    except Exception as exc:  # no answer: the post may exist; the reconciler asks first
        log.error("publication %d: publish ended without an answer (%s)", c.publication_id,
                  type(exc).__name__)
        what = str(exc) if isinstance(exc, BedsideError) else f"an unexpected {type(exc).__name__}"
        return _Answer("unknown", message=f"the network call ended without an answer: {what}")


def _with_fresh_credentials(rt: Runtime, c: Claim, network: Network) -> Claim:
    """Renew expiring credentials first (accounts.refresh_if_needed locks the account row, so
    two workers never spend one single-use refresh token) and use the renewed ones."""
    if not isinstance(network, Refreshable):
        return c
    if not accounts.refresh_if_needed(rt.store, rt.settings, c.account_id, http=rt.http):
        return c
    with rt.store.session() as s:
        sealed = s.scalar(select(Account.credentials).where(Account.id == c.account_id))
    fresh = rt.sealer.open(sealed) if sealed else {}
    return dataclasses.replace(c, account=dataclasses.replace(c.account, credentials=fresh))


def _record(rt: Runtime, c: Claim, answer: _Answer) -> Recorded:
    pid, worker = c.publication_id, c.worker
    try:
        with rt.store.session() as s:
            now = datetime.now(UTC)
            if answer.published is not None:
                return ledger.record_published(s, pid, answer.published, worker=worker, now=now)
            if answer.kind == "transient":
                return ledger.record_transient(
                    s, pid, answer.message, retry_after=answer.retry_after, worker=worker,
                    now=now, policy=rt.options.policy, late_grace=rt.settings.late_grace)
            if answer.kind == "permanent":
                return ledger.record_permanent(s, pid, answer.message, worker=worker, now=now)
            if answer.kind == "failed":
                return ledger.record_failed(s, pid, answer.message, worker=worker, now=now)
            return ledger.record_unknown(s, pid, answer.message, worker=worker, now=now)
    except Exception as exc:  # the store is unreachable: the lease runs out, the reconciler asks
        log.error("publication %d: could not record the outcome (%s)", pid, type(exc).__name__)
        return Recorded(ok=False)


# --- reconciler loop ------------------------------------------------------------------------


def reconcile_once(rt: Runtime, *, now: datetime | None = None) -> ReconcileReport:
    """One reconciler pass, then queue what it says is due."""
    report = reconcile(
        rt.store.sessions, rt.network, sealer=rt.sealer, now=now or datetime.now(UTC),
        late_grace=rt.settings.late_grace, requeue_after=rt.options.requeue_after,
    )
    if report.requeue:
        enqueue(report.requeue, huey=rt.huey)
    return report


def _reconcile_forever(rt: Runtime, stop: threading.Event) -> None:
    while True:
        try:
            reconcile_once(rt)
        except Exception as exc:  # a database hiccup must not end the loop
            log.error("reconciler pass failed (%s)", type(exc).__name__)
        if stop.wait(rt.options.reconcile_every):
            return


# --- the consumer ---------------------------------------------------------------------------


class _FineScheduler(Scheduler):  # type: ignore[misc]
    """Huey's scheduler, waking every SCHEDULER_TICK seconds instead of every second or more."""

    def __init__(self, huey: Huey, stop_flag: Any, interval: float, periodic: bool) -> None:
        super().__init__(huey, stop_flag, interval, periodic)
        self.interval = SCHEDULER_TICK


class _Consumer(Consumer):  # type: ignore[misc]
    scheduler_class = _FineScheduler
    signals = True

    def _set_signal_handlers(self) -> None:
        if self.signals:
            super()._set_signal_handlers()


def run_worker(settings: Settings, workers: int = 2, *, options: WorkerOptions | None = None,
               stop: threading.Event | None = None) -> None:
    """Run the consumer in this process until SIGINT or SIGTERM, or until `stop` is set.

    Without `stop` it must run in the main thread (it handles the signals); with `stop` it runs
    in any thread (inside `bedside serve`, say) and leaves signals to its host. `workers` threads
    publish; for more, run more processes, on several machines with PostgreSQL or Redis. A
    reconciler thread makes a pass every `options.reconcile_every` seconds; across processes
    only one pass runs at a time.
    """
    opts = options or WorkerOptions()
    huey = make_huey(settings, options=opts)
    rt = runtime_for(settings, huey, opts)
    sqlite_queue = settings.queue_url is None
    consumer = _Consumer(
        huey, workers=workers, worker_type="thread", periodic=False, initial_delay=0.02,
        backoff=1.3, max_delay=SQLITE_POLL_MAX if sqlite_queue else 1.0,
        check_worker_health=True,
    )
    consumer.signals = stop is None
    consumer.scheduler_interval = SCHEDULER_TICK  # what the start-up log reports
    halt = threading.Event()
    loop = threading.Thread(target=_reconcile_forever, args=(rt, halt), name="reconciler",
                            daemon=True)
    loop.start()
    log.info("worker %s:%d: %d threads, queue %s", socket.gethostname(), os.getpid(), workers,
             type(huey.storage).__name__)
    try:
        if stop is None:
            consumer.run()
        else:
            consumer.start()
            while not stop.wait(1.0):
                consumer.check_worker_health()
            consumer.stop(graceful=True)
    finally:
        halt.set()
        loop.join(timeout=10)
        huey.storage.close()
        rt.close()


def main(argv: list[str] | None = None) -> int:
    """`python -m bedside.worker`: run a worker from the environment's settings."""
    parser = argparse.ArgumentParser(prog="python -m bedside.worker")
    parser.add_argument("--workers", type=int, default=2, help="publishing threads")
    parser.add_argument("--lease", type=float, default=DEFAULT_LEASE.total_seconds(),
                        help="seconds a claim is held before the reconciler asks the network")
    parser.add_argument("--reconcile-every", type=float, default=2.0, help="seconds")
    parser.add_argument("--requeue-after", type=float,
                        default=REQUEUE_AFTER.total_seconds(), help="seconds")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    options = WorkerOptions(lease=timedelta(seconds=args.lease),
                            reconcile_every=args.reconcile_every,
                            requeue_after=timedelta(seconds=args.requeue_after))
    run_worker(Settings.from_env(), args.workers, options=options)
    return 0


if __name__ == "__main__":
    from bedside import worker as _worker  # run the importable module, so task names match

    raise SystemExit(_worker.main())
