"""The reconciler: settles what a killed worker or a lost task left behind, asking first.

Each pass, in order:
  1. scheduled rows due more than the late grace ago are expired (ledger.expire_late);
  2. rows still `publishing` after their lease ran out are resolved by asking the network for the
     row's idempotency key, BEFORE any retry, with the hints a network without keys needs to
     answer for a post another machine's worker sent (`find(post=, sent_after=)`: the post the
     row would send, built as ledger.claim builds it, and a time before which its key was never
     used, `_sent_after`): found → published with the remote id; not there →
     scheduled again (the same key, so a network that honours keys still makes one post);
     `CannotTell`, a permanent or unexpected error → `uncertain`, with what a person should check
     (never retried blindly); a transient error → asked again next pass, `uncertain` once the
     network has been unreachable for `give_up_asking`;
  3. due scheduled rows whose queue task may be lost (overdue by `requeue_after`) are returned in
     `requeue` for the caller to enqueue. A duplicate task is harmless: the claim is conditional.

Only one reconciler runs at a time across processes: on PostgreSQL a session-level advisory lock
keyed by the schema (released by the server if the process dies), on SQLite an exclusive `flock`
on `<database>.reconcile.lock` (released by the kernel if the process dies). A pass that finds
the lock held does nothing and says so (`ran` False). Huey's lock_task is not used: a worker
killed while holding it would leave the lock set.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, Update, exists, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bedside.errors import BedsideError
from bedside.networks.base import (
    AccountRef,
    ImageError,
    Network,
    OutgoingPost,
    Published,
    TransientError,
)
from bedside.services import audit
from bedside.services.ledger import DEFAULT_LATE_GRACE, expire_late, outgoing_post, rows_changed
from bedside.store.models import Account, PostVersion, Publication, Variant
from bedside.store.secrets import Sealer

__all__ = ["ReconcileReport", "reconcile", "single_runner"]

log = logging.getLogger(__name__)

NetworkFor = Callable[[str], Network]
PG_LOCK_CLASS = 0x62656473  # "beds": with hashtext(current_schema()) the advisory lock's key
REQUEUE_AFTER = timedelta(seconds=10)
GIVE_UP_ASKING = timedelta(minutes=15)


@dataclass
class ReconcileReport:
    """What one pass did, by publication id; `requeue` is what the caller must enqueue now."""

    ran: bool = True
    expired: list[int] = field(default_factory=list)
    published: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    requeue: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        """True when the pass changed or queued anything."""
        return bool(self.expired or self.published or self.retried or self.uncertain
                    or self.requeue)


@dataclass(frozen=True)
class _Stale:
    id: int
    claimed_by: str | None
    lease_until: datetime
    key: str
    account_id: int
    workspace_id: int
    network: str
    handle: str
    sealed: bytes | None
    options: dict[str, object]
    attempts: int
    due_at: datetime
    updated_at: datetime
    variant: str | None
    text: str
    link: str | None
    images: dict[str, object] | None


def reconcile(
    sessions: sessionmaker[Session],
    networks: NetworkFor,
    *,
    sealer: Sealer,
    now: datetime,
    late_grace: timedelta = DEFAULT_LATE_GRACE,
    requeue_after: timedelta = REQUEUE_AFTER,
    give_up_asking: timedelta = GIVE_UP_ASKING,
    batch: int = 500,
) -> ReconcileReport:
    """Run one pass (see the module docstring) unless another process is running one."""
    with _any_session(sessions) as probe:
        engine = probe.get_bind()
    assert isinstance(engine, Engine)
    with single_runner(engine) as held:
        if not held:
            return ReconcileReport(ran=False)
        report = ReconcileReport()
        with sessions.begin() as s:
            report.expired = expire_late(s, now=now, late_grace=late_grace, limit=batch)
        for row in _stale(sessions, now=now, limit=batch):
            _settle(sessions, networks, sealer, row, now=now, give_up_asking=give_up_asking,
                    report=report)
        with sessions.begin() as s:
            lost = s.scalars(
                select(Publication.id).where(
                    Publication.state == "scheduled",
                    Publication.next_attempt_at <= now - requeue_after,
                    Publication.due_at >= now - late_grace,
                    exists().where(Account.id == Publication.account_id,
                                   Account.status == "active"),
                ).order_by(Publication.next_attempt_at).limit(batch)
            )
            report.requeue = report.retried + [i for i in lost if i not in report.retried]
    if report:
        log.info(
            "reconciled: %d expired, %d found published, %d retried, %d uncertain, "
            "%d waiting, %d re-queued", len(report.expired), len(report.published),
            len(report.retried), len(report.uncertain), len(report.waiting), len(report.requeue),
        )
    return report


@contextlib.contextmanager
def single_runner(engine: Engine) -> Iterator[bool]:
    """Yield True while this process alone holds the reconciler lock, False if another does."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = (PG_LOCK_CLASS, func.hashtext(func.current_schema()))
            held = bool(conn.scalar(select(func.pg_try_advisory_lock(*key))))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    try:
                        conn.scalar(select(func.pg_advisory_unlock(*key)))
                        conn.commit()
                    except Exception:
                        conn.invalidate()  # never return a connection that may hold the lock
                        raise
        return
    database = engine.url.database
    if not database or database == ":memory:":  # one process by definition
        yield True
        return
    with open(f"{database}.reconcile.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _any_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


def _stale(sessions: sessionmaker[Session], *, now: datetime, limit: int) -> list[_Stale]:
    with sessions.begin() as s:
        rows = s.execute(
            select(Publication.id, Publication.claimed_by, Publication.lease_until,
                   Publication.idempotency_key, Publication.account_id, Account.workspace_id,
                   Account.network, Account.handle, Account.credentials, Account.options,
                   Publication.attempts, Publication.due_at, Publication.updated_at,
                   Variant.text, PostVersion.text, PostVersion.link, PostVersion.images)
            .join(Account, Account.id == Publication.account_id)
            .join(PostVersion, PostVersion.id == Publication.version_id)
            .outerjoin(Variant, (Variant.version_id == PostVersion.id)
                       & (Variant.network == Account.network))
            .where(Publication.state == "publishing", Publication.lease_until < now)
            .order_by(Publication.lease_until).limit(limit)
        ).all()
    return [_Stale(*row) for row in rows]


def _settle(sessions: sessionmaker[Session], networks: NetworkFor, sealer: Sealer, row: _Stale,
            *, now: datetime, give_up_asking: timedelta, report: ReconcileReport) -> None:
    """Ask the network about one stale row (outside any transaction) and record the answer."""
    try:
        account = AccountRef(network=row.network, handle=row.handle,
                             credentials=sealer.open(row.sealed) if row.sealed else {},
                             options=dict(row.options or {}))
        found = networks(row.network).find(account, idempotency_key=row.key,
                                           post=_post(row), sent_after=_sent_after(row))
    except TransientError as exc:
        if now - row.lease_until < give_up_asking:
            report.waiting.append(row.id)
            log.info("publication %d: %s cannot answer yet; asking again later",
                     row.id, row.network)
            return
        _uncertain(sessions, row, str(exc), now=now, report=report)
    except BedsideError as exc:  # CannotTell, PermanentError, unknown network, unusable key
        _uncertain(sessions, row, str(exc), now=now, report=report)
    except Exception as exc:  # a connector's bug must not stop the other rows being settled
        log.error("publication %d: find on %s raised %s", row.id, row.network,
                  type(exc).__name__)
        _uncertain(sessions, row, f"an unexpected {type(exc).__name__}", now=now, report=report)
    else:
        if found is not None:
            _found(sessions, row, found, now=now, report=report)
        else:
            _retry(sessions, row, now=now, report=report)


def _post(row: _Stale) -> OutgoingPost | None:
    """The post the row's worker was sending (None when its images cannot be described now:
    the network then answers from its own records, or cannot tell)."""
    try:
        return outgoing_post(row.variant, row.text, row.link, row.images)
    except ImageError:
        return None


def _sent_after(row: _Stale) -> datetime:
    """A time before which the row's key was never used by any worker.

    A first attempt's claim set `updated_at` to its start and `lease_until` a lease later; the
    claim's start is then exact. After a retry, or once record_unknown has moved both to the
    moment the answer was lost, the due time: every claim of a row comes at or after it
    (`next_attempt_at` starts at `due_at` and only moves later). Too early is safe (a wider
    search: more posts to tell apart, at worst `uncertain`); too late could miss the post.
    """
    if row.attempts <= 1 and row.lease_until > row.updated_at:
        return row.updated_at
    return row.due_at


def _held(row: _Stale) -> Update:
    """An UPDATE of the row only while the claim the reconciler saw still stands."""
    return update(Publication).where(
        Publication.id == row.id, Publication.state == "publishing",
        Publication.claimed_by.is_not_distinct_from(row.claimed_by),
    )


def _found(sessions: sessionmaker[Session], row: _Stale, found: Published, *, now: datetime,
           report: ReconcileReport) -> None:
    with sessions.begin() as s:
        done = rows_changed(s, _held(row).values(
            state="published", remote_id=found.remote_id, remote_url=found.url,
            published_at=found.published_at, lease_until=None, last_error=None, updated_at=now,
        ))
    if done == 1:
        report.published.append(row.id)
        log.info("publication %d: its worker stopped, but %s has it: published",
                 row.id, row.network)


def _retry(sessions: sessionmaker[Session], row: _Stale, *, now: datetime,
           report: ReconcileReport) -> None:
    with sessions.begin() as s:
        done = rows_changed(s, _held(row).values(
            state="scheduled", next_attempt_at=now, lease_until=None, claimed_by=None,
            last_error="its worker stopped before the network had it; trying again",
            updated_at=now,
        ))
    if done == 1:
        report.retried.append(row.id)
        log.info("publication %d: its worker stopped and %s does not have it: retrying",
                 row.id, row.network)


def _uncertain(sessions: sessionmaker[Session], row: _Stale, answer: str, *, now: datetime,
               report: ReconcileReport) -> None:
    stopped = row.lease_until.strftime("%Y-%m-%d %H:%M UTC")
    reason = (
        f"bedside cannot tell whether this post reached {row.network}:{row.handle}: its worker "
        f"stopped mid-publish (lease ended {stopped}) and the network could not say ({answer}). "
        f"Look on {row.network}:{row.handle} for this post around that time: if it is there, "
        "nothing more is needed; if not, reschedule it. bedside will not send it again by itself."
    )
    with sessions.begin() as s:
        done = rows_changed(s, _held(row).values(
            state="uncertain", lease_until=None, last_error=reason, updated_at=now,
        ))
        if done == 1:
            post_id, version_id = s.execute(
                select(Publication.post_id, Publication.version_id)
                .where(Publication.id == row.id)).one()
            audit.record(s, row.workspace_id, "publication.uncertain", post_id=post_id,
                         version_id=version_id, account_id=row.account_id, reason=reason,
                         publication_id=row.id)
    if done == 1:
        report.uncertain.append(row.id)
        log.warning("publication %d: uncertain (%s could not say)", row.id, row.network)
