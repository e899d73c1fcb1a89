"""The publication ledger: every change of a row's state is one conditional UPDATE.

    scheduled ──claim──▶ publishing ──record_published──▶ published
      ▲   │                  ├──record_transient──▶ scheduled (later) | failed (gave up) | expired
      │   │                  ├──record_permanent──▶ failed, and the account is paused
      │   │                  ├──record_failed─────▶ failed (this post cannot go; account fine)
      │   │                  └──record_unknown / lease expired: the reconciler asks the network
      │   └──(due more than `late_grace` ago)──▶ expired: never published silently late
      └── reconciler.py: a lease that expired and the network has no such post

The database row is the truth (healthchecks' `sendalerts` pattern): a worker claims a row with
`UPDATE … WHERE state = 'scheduled'` and checks that exactly one row changed, so two workers can
never both hold it, on SQLite and PostgreSQL alike. Every later write is conditional on the row
still being `publishing` *and* claimed by the same worker token, so a worker whose lease was
taken over (it stalled, the reconciler resolved the row) cannot overwrite the outcome.

Nothing here logs or stores a post's text: ids, states, counts and the network's own reason only.
"""

from __future__ import annotations

import logging
import mimetypes
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Update, bindparam, exists, select, update
from sqlalchemy.orm import Session

from bedside.errors import BedsideError
from bedside.networks.base import AccountRef, Image, ImageError, OutgoingPost, Published
from bedside.services import audit
from bedside.settings import DEFAULT_LATE_GRACE
from bedside.store.models import Account, PostVersion, Publication, UTCDateTime, Variant
from bedside.store.secrets import Sealer

__all__ = [
    "DEFAULT_LATE_GRACE",
    "DEFAULT_LEASE",
    "Claim",
    "Recorded",
    "RetryPolicy",
    "claim",
    "expire_late",
    "outgoing_post",
    "record_failed",
    "record_permanent",
    "record_published",
    "record_transient",
    "record_unknown",
    "retry_delay",
    "rows_changed",
]

log = logging.getLogger(__name__)

# How long a claim is held before the reconciler may ask the network what became of it; every
# network call a worker makes must time out well within it.
DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter for transient errors.

    The n-th failed attempt waits a random time between half and all of `base * 2**(n-1)`,
    capped at `cap`, and never less than the network's Retry-After. After `max_attempts` attempts
    the row fails, unless the network said when to come back (a rate limit is not a fault; the
    late grace bounds how long such a post can wait).
    """

    base: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=15)
    max_attempts: int = 8


@dataclass(frozen=True)
class Claim:
    """A row this worker holds until `lease_until`: everything the network call needs.

    Its repr is safe to log: AccountRef hides credentials and OutgoingPost shows lengths only.
    """

    publication_id: int
    worker: str
    attempt: int
    idempotency_key: str
    due_at: datetime
    lease_until: datetime
    account_id: int
    account: AccountRef
    post: OutgoingPost


@dataclass(frozen=True)
class Recorded:
    """What a record_* call did: `ok` False means the claim was no longer this worker's."""

    ok: bool
    state: str | None = None
    next_attempt_at: datetime | None = None


# --- the hot path's statements, built once (a publish runs them every time) -----------------

_TIME = UTCDateTime()
_ACTIVE = exists().where(Account.id == Publication.account_id, Account.status == "active")
_CLAIM = update(Publication).where(
    Publication.id == bindparam("pid"),
    Publication.state == "scheduled",
    Publication.next_attempt_at <= bindparam("now", type_=_TIME),
    Publication.due_at >= bindparam("cutoff", type_=_TIME),
    _ACTIVE,
).values(
    state="publishing", claimed_by=bindparam("worker"),
    lease_until=bindparam("lease_until", type_=_TIME), attempts=Publication.attempts + 1,
    updated_at=bindparam("now", type_=_TIME),
)
_CLAIMED = (
    select(
        Publication.idempotency_key, Publication.due_at, Publication.attempts,
        Publication.account_id, Account.network, Account.handle, Account.credentials,
        Account.options, Variant.text, PostVersion.text, PostVersion.link, PostVersion.images,
    )
    .join(Account, Account.id == Publication.account_id)
    .join(PostVersion, PostVersion.id == Publication.version_id)
    .outerjoin(Variant, (Variant.version_id == PostVersion.id)
               & (Variant.network == Account.network))
    .where(Publication.id == bindparam("pid"))
)
_PUBLISHED = update(Publication).where(
    Publication.id == bindparam("pid"),
    Publication.state == "publishing",
    Publication.claimed_by == bindparam("worker"),
).values(
    state="published", remote_id=bindparam("remote_id"), remote_url=bindparam("remote_url"),
    published_at=bindparam("published_at", type_=_TIME), lease_until=None, last_error=None,
    updated_at=bindparam("now", type_=_TIME),
)


# --- claim ----------------------------------------------------------------------------------


def claim(
    session: Session,
    publication_id: int,
    *,
    worker: str,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
    sealer: Sealer,
    late_grace: timedelta = DEFAULT_LATE_GRACE,
) -> Claim | None:
    """Take the row for `worker` if it is scheduled, due, not late and its account is active.

    Returns None when there is nothing for this worker to send: another worker holds it, it is not
    due, its account is paused, it was too late (now expired), or it cannot be sent at all (its
    credentials or images are unusable; recorded as failed). `worker` must be unique per claim.
    """
    params = {"pid": publication_id, "worker": worker, "now": now, "lease_until": now + lease,
              "cutoff": now - late_grace}
    taken = cast(CursorResult[Any], session.connection().execute(_CLAIM, params)).rowcount
    if taken != 1:
        _expire(session, [publication_id], now=now, late_grace=late_grace)
        return None
    (key, due_at, attempt, account_id, network, handle, sealed, options, variant, text, link,
     images) = session.connection().execute(_CLAIMED, params).one()
    try:
        credentials = sealer.open(sealed) if sealed else {}
    except BedsideError as exc:  # the key changed: no post of this account can go
        _fail(session, publication_id, worker, str(exc), now=now, pause=True)
        return None
    try:
        post = outgoing_post(variant, text, link, images)
    except ImageError as exc:
        _fail(session, publication_id, worker, str(exc), now=now, pause=False)
        return None
    log.info("claimed publication %d (attempt %d) for %s", publication_id, attempt, worker)
    return Claim(
        publication_id=publication_id, worker=worker, attempt=attempt, idempotency_key=key,
        due_at=due_at, lease_until=now + lease, account_id=account_id,
        account=AccountRef(network=network, handle=handle, credentials=credentials,
                           options=dict(options or {})),
        post=post,
    )


def outgoing_post(variant: str | None, text: str, link: str | None,
                  images: Mapping[str, Any] | None) -> OutgoingPost:
    """The post a row sends: the version's variant for the account's network, else its text;
    its link and images (the reconciler builds the same post to ask about it). Raises
    ImageError for an image that cannot be sent."""
    return OutgoingPost(text=variant if variant is not None else text, link=link,
                        images=_images(images))


def _images(stored: Mapping[str, Any] | None) -> tuple[Image, ...]:
    """The version's images ({"items": [{"path", "alt", "mime"?}]}) as the networks take them."""
    items = (stored or {}).get("items") or []
    return tuple(
        Image(source=Path(item["path"]),
              mime=item.get("mime") or mimetypes.guess_type(item["path"])[0] or "unknown",
              alt=item.get("alt") or "")
        for item in items
    )


# --- outcomes -------------------------------------------------------------------------------


def record_published(
    session: Session, publication_id: int, published: Published, *, worker: str, now: datetime
) -> Recorded:
    """The network holds the post: keep its remote id, address and time."""
    done = cast(CursorResult[Any], session.connection().execute(_PUBLISHED, {
        "pid": publication_id, "worker": worker, "remote_id": published.remote_id,
        "remote_url": published.url, "published_at": published.published_at, "now": now,
    })).rowcount
    if done != 1:
        log.warning("publication %d: published, but the claim of %s was taken over",
                    publication_id, worker)
        return Recorded(ok=False)
    return Recorded(ok=True, state="published")


def record_transient(
    session: Session,
    publication_id: int,
    error: str,
    *,
    retry_after: float | None,
    worker: str,
    now: datetime,
    policy: RetryPolicy = RetryPolicy(),
    late_grace: timedelta = DEFAULT_LATE_GRACE,
    rng: random.Random | None = None,
) -> Recorded:
    """Try again later (never before `retry_after` seconds), give up, or expire if that is late.

    Returns the row's new state and, when it was put back, `next_attempt_at` for the queue.
    """
    row = session.execute(
        select(Publication.attempts, Publication.due_at)
        .where(Publication.id == publication_id, Publication.state == "publishing",
               Publication.claimed_by == worker)
    ).one_or_none()
    if row is None:
        return Recorded(ok=False)
    attempts, due_at = row
    if retry_after is None and attempts >= policy.max_attempts:
        reason = f"gave up after {attempts} attempts; the network said: {error}"
        return _fail(session, publication_id, worker, reason, now=now, pause=False)
    at = now + retry_delay(attempts, retry_after, policy=policy, rng=rng)
    if at > due_at + late_grace:
        reason = (f"not sent: the network asked to wait until {_when(at)}, more than "
                  f"{_span(late_grace)} after its time {_when(due_at)} ({error})")
        return _to_expired(session, publication_id, worker, reason, now=now)
    done = rows_changed(session, _held(publication_id, worker).values(
        state="scheduled", next_attempt_at=at, lease_until=None, claimed_by=None,
        last_error=error, updated_at=now,
    ))
    if done != 1:
        return Recorded(ok=False)
    log.info("publication %d: transient error, retry at %s (attempt %d)",
             publication_id, at.isoformat(), attempts)
    return Recorded(ok=True, state="scheduled", next_attempt_at=at)


def record_permanent(
    session: Session, publication_id: int, reason: str, *, worker: str, now: datetime
) -> Recorded:
    """Retrying cannot help: the row fails and its account is paused with the reason.

    The account's other rows stay scheduled and wait; resuming the account releases them.
    """
    return _fail(session, publication_id, worker, reason, now=now, pause=True)


def record_failed(
    session: Session, publication_id: int, reason: str, *, worker: str, now: datetime
) -> Recorded:
    """This post cannot go (its image is unreadable, say); the account itself is fine."""
    return _fail(session, publication_id, worker, reason, now=now, pause=False)


def record_unknown(
    session: Session, publication_id: int, error: str, *, worker: str, now: datetime
) -> Recorded:
    """The call ended without an answer (connection lost mid-request, a bug): the post may or may
    not exist. End the lease now so the reconciler asks the network before anything else."""
    done = rows_changed(session, _held(publication_id, worker).values(
        lease_until=now, last_error=error, updated_at=now,
    ))
    return Recorded(ok=done == 1, state="publishing" if done == 1 else None)


def expire_late(
    session: Session, *, now: datetime, late_grace: timedelta = DEFAULT_LATE_GRACE,
    limit: int = 1000,
) -> list[int]:
    """Mark expired the scheduled rows due more than `late_grace` ago; return their ids."""
    ids = list(session.scalars(
        select(Publication.id)
        .where(Publication.state == "scheduled", Publication.due_at < now - late_grace)
        .order_by(Publication.id).limit(limit)
    ))
    return _expire(session, ids, now=now, late_grace=late_grace)


def retry_delay(
    attempt: int, retry_after: float | None, *, policy: RetryPolicy = RetryPolicy(),
    rng: random.Random | None = None,
) -> timedelta:
    """How long to wait after the `attempt`-th failure: jittered backoff, at least Retry-After."""
    ceiling = min(policy.cap.total_seconds(),
                  policy.base.total_seconds() * 2 ** min(max(attempt - 1, 0), 32))
    draw = rng.random() if rng is not None else random.random()
    jittered = ceiling * (0.5 + 0.5 * draw)
    return timedelta(seconds=max(jittered, retry_after or 0.0))


# --- helpers --------------------------------------------------------------------------------


def _held(publication_id: int, worker: str) -> Update:
    """An UPDATE of the row only while `worker`'s claim on it stands."""
    return update(Publication).where(
        Publication.id == publication_id,
        Publication.state == "publishing",
        Publication.claimed_by == worker,
    )


def rows_changed(session: Session, statement: Update) -> int:
    """Execute a conditional UPDATE and return how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(
        statement, execution_options={"synchronize_session": False}))
    return result.rowcount


def _fail(session: Session, publication_id: int, worker: str, reason: str, *, now: datetime,
          pause: bool) -> Recorded:
    done = rows_changed(session, _held(publication_id, worker).values(
        state="failed", lease_until=None, last_error=reason, updated_at=now,
    ))
    if done != 1:
        return Recorded(ok=False)
    post_id, version_id, account_id, workspace_id = _ids(session, publication_id)
    audit.record(session, workspace_id, "publication.failed", post_id=post_id,
                 version_id=version_id, account_id=account_id, reason=reason,
                 publication_id=publication_id)
    log.warning("publication %d failed (account %d%s)", publication_id, account_id,
                ", pausing it" if pause else "")
    if pause:
        paused = rows_changed(session, update(Account).where(
            Account.id == account_id, Account.status == "active",
        ).values(status="paused", paused_reason=reason))
        if paused == 1:
            audit.record(session, workspace_id, "account.paused", account_id=account_id,
                         reason=reason, publication_id=publication_id)
    return Recorded(ok=True, state="failed")


def _to_expired(session: Session, publication_id: int, worker: str, reason: str, *,
                now: datetime) -> Recorded:
    done = rows_changed(session, _held(publication_id, worker).values(
        state="expired", lease_until=None, last_error=reason, updated_at=now,
    ))
    if done != 1:
        return Recorded(ok=False)
    _audit_expired(session, publication_id, reason)
    return Recorded(ok=True, state="expired")


def _expire(session: Session, ids: list[int], *, now: datetime,
            late_grace: timedelta) -> list[int]:
    """Expire those of `ids` still scheduled and due before now - late_grace (one UPDATE each,
    so a row a worker claimed a moment ago is left alone)."""
    expired: list[int] = []
    for publication_id in ids:
        due_at = session.scalar(select(Publication.due_at).where(Publication.id == publication_id))
        if due_at is None:
            continue
        reason = (f"not sent: it was due at {_when(due_at)} and could not go out within "
                  f"{_span(late_grace)} (was the worker stopped or the account paused?); "
                  "reschedule it if it is still wanted")
        done = rows_changed(session, update(Publication).where(
            Publication.id == publication_id, Publication.state == "scheduled",
            Publication.due_at < now - late_grace,
        ).values(state="expired", last_error=reason, updated_at=now))
        if done == 1:
            _audit_expired(session, publication_id, reason)
            expired.append(publication_id)
    return expired


def _audit_expired(session: Session, publication_id: int, reason: str) -> None:
    post_id, version_id, account_id, workspace_id = _ids(session, publication_id)
    audit.record(session, workspace_id, "publication.expired", post_id=post_id,
                 version_id=version_id, account_id=account_id, reason=reason,
                 publication_id=publication_id)
    log.warning("publication %d expired (due more than the late grace ago)", publication_id)


def _ids(session: Session, publication_id: int) -> tuple[int, int, int, int]:
    post_id, version_id, account_id, workspace_id = session.execute(
        select(Publication.post_id, Publication.version_id, Publication.account_id,
               Account.workspace_id)
        .join(Account, Account.id == Publication.account_id)
        .where(Publication.id == publication_id)
    ).one()
    return post_id, version_id, account_id, workspace_id


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _span(delta: timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
