"""Compose once, revise, approve, schedule: the path from a draft to rows in the ledger.

A post's versions are immutable; every saved version is checked by the guard for each (network,
account kind) it will go to, and its findings are stored with it. A version reaches the ledger
only when it is *cleared*: every blocking finding overridden by a reviewer with a reason, and,
where the workspace requires it, a reviewer's sign-off on that exact version. Clearing a post
after its time does not send it late: its rows are marked expired and surfaced.

The read side (views, stages, listings) lives in services.post_views; its names are re-exported
here because most callers that change a post also read it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedside.errors import BedsideError, UsageError
from bedside.guard import engine as guard
from bedside.guard.context import Context
from bedside.services import audit
from bedside.services.accounts import AccountView, find_account
from bedside.services.post_views import (
    SEVERITY_RANK,
    FindingView,
    LedgerView,
    PostView,
    awaiting_review,
    get_post,
    is_approved,
    list_posts,
    load_post,
    needs_signoff,
    stored_images,
    unresolved_in,
    unresolved_rules,
    view_of,
)
from bedside.services.workspaces import Actor, practice_of
from bedside.store import Store
from bedside.store.models import (
    Approval,
    Post,
    PostTarget,
    PostVersion,
    Publication,
    StoredFinding,
    Variant,
    Workspace,
)
from bedside.strategy import Strategy

log = logging.getLogger(__name__)
OUT_STATES = ("publishing", "published", "uncertain")  # a row that may have reached the network
# Scheduling "now" allows this much slack before a time counts as past.
PAST_TOLERANCE = timedelta(minutes=1)
DEFAULT_MAX_PROMOTIONAL = 0.20  # the mission's "at most about 20%", when there is no strategy
PROMO_WINDOW = 30

Enqueue = Callable[[Sequence[int], datetime], None]


class Blocked(BedsideError):
    """The version has blocking findings that no reviewer has overridden."""


class AlreadyOut(BedsideError):
    """The post has reached (or may have reached) a network; it cannot be changed."""


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


# --- compose and revise ---------------------------------------------------------------------


def compose(
    store: Store,
    actor: Actor,
    text: str,
    *,
    to: Iterable[str | int] = (),
    variants: Mapping[str, str] | None = None,
    link: str | None = None,
    images: Sequence[Mapping[str, str]] = (),
) -> PostView:
    """Save a new post (version 1) with its targets; the guard's findings are stored with it.
    `images` are items from services.images.attach ({"path", "alt", "mime"})."""
    actor.require("compose", "compose posts")
    accounts = [find_account(store, actor, ref) for ref in to]
    with store.session() as s:
        return view_of(s, compose_in(s, actor, text, accounts, variants or {}, link, images))


def compose_in(s: Session, actor: Actor, text: str, accounts: Iterable[AccountView],
               variants: Mapping[str, str], link: str | None,
               images: Sequence[Mapping[str, str]] = ()) -> Post:
    """compose() inside the caller's transaction (a bulk import is all or nothing)."""
    post = Post(workspace_id=actor.workspace_id, created_by=actor.user_id)
    s.add(post)
    s.flush()
    post.targets = [PostTarget(post_id=post.id, account_id=a.id) for a in _unique(accounts)]
    version = _new_version(s, post, actor, text, variants, link, images)
    audit.record(s, actor.workspace_id, "post.composed", actor_id=actor.user_id,
                 post_id=post.id, version_id=version.id, chars=len(text),
                 worst=version.worst_severity)
    return post


def revise(
    store: Store,
    actor: Actor,
    post_id: int,
    *,
    text: str | None = None,
    variants: Mapping[str, str] | None = None,
    link: str | None = None,
    to: Iterable[str | int] | None = None,
    images: Sequence[Mapping[str, str]] | None = None,
    enqueue: Enqueue | None = None,
    now: datetime | None = None,
) -> PostView:
    """Save a new version. Any sign-off or override was for the old one: it must be given again.
    Whatever is not given (None) is kept from the current version."""
    actor.require("compose", "edit posts")
    accounts = None if to is None else [find_account(store, actor, ref) for ref in to]
    with store.session() as s:
        post = load_post(s, actor, post_id)
        _refuse_if_out(s, post)
        current = post.versions[-1]
        if accounts is not None:
            post.targets = [PostTarget(post_id=post.id, account_id=a.id)
                            for a in _unique(accounts)]
        version = _new_version(
            s, post, actor,
            current.text if text is None else text,
            {v.network: v.text for v in current.variants} if variants is None else variants,
            current.link if link is None else link,
            stored_images(current.images) if images is None else images,
        )
        cancelled = _cancel_rows(s, post)
        audit.record(s, actor.workspace_id, "post.revised", actor_id=actor.user_id,
                     post_id=post.id, version_id=version.id, number=version.number,
                     rows_withdrawn=cancelled, worst=version.worst_severity)
        released: list[int] = []
        if post.status == "scheduled" and post.scheduled_at is not None:
            released = _release_if_cleared(s, post, _now(now))
        result = view_of(s, post)
    _enqueue(enqueue, released, result.scheduled_at)
    return result


def _new_version(s: Session, post: Post, actor: Actor, text: str,
                 variants: Mapping[str, str], link: str | None,
                 images: Sequence[Mapping[str, str]] = ()) -> PostVersion:
    if not text.strip():
        raise UsageError("a post needs some text")
    if any(not str(i.get("alt") or "").strip() for i in images):
        raise UsageError("every image needs alt text: describe it for those who cannot see it")
    number = (post.versions[-1].number + 1) if post.versions else 1
    version = PostVersion(post_id=post.id, number=number, text=text, link=link or None,
                          images={"items": [dict(i) for i in images]} if images else {},
                          created_by=actor.user_id)
    version.variants = [Variant(network=n.lower(), text=t) for n, t in sorted(variants.items())
                        if t.strip()]
    ws = s.get_one(Workspace, post.workspace_id)
    practice = practice_of(ws)
    s.flush()
    s.expire(post, ["targets"])  # load the accounts of targets set in this transaction
    base_report = guard.check(_with_link(text, link), Context(practice=practice))
    version.promotional = base_report.labels.promotional
    targeted = sorted({(t.account.network, t.account.kind) for t in post.targets})
    channels: list[tuple[str | None, str]] = [*targeted] or [(None, "practice")]
    own = {v.network: v.text for v in version.variants}
    findings: list[StoredFinding] = []
    for network, kind in channels:
        body = own.get(network, text) if network else text
        report = guard.check(_with_link(body, link),
                             Context(network=network, account=kind, practice=practice))  # type: ignore[arg-type]
        findings += [
            StoredFinding(network=network, account_kind=kind, rule=f.rule, category=f.category,
                          severity=f.severity, start=f.start, end=f.end, excerpt=f.excerpt,
                          message=f.message, suggestion=f.suggestion or None,
                          source=f.source or None)
            for f in report.findings
        ]
    version.findings = findings
    version.worst_severity = max((f.severity for f in findings), key=SEVERITY_RANK.__getitem__,
                                 default=None)
    s.add(version)
    s.flush()
    s.refresh(post)
    return version


def _with_link(text: str, link: str | None) -> str:
    """The guard reads the link as the network will show it, after the text."""
    return f"{text}\n{link}" if link and link not in text else text


# --- review ---------------------------------------------------------------------------------


def request_review(store: Store, actor: Actor, post_id: int, *,
                   now: datetime | None = None) -> PostView:
    """The author asks a reviewer to look at the post's current version: it appears on the
    reviewers' list and, even where sign-off is optional, waits for their answer."""
    actor.require("compose", "ask for a review")
    with store.session() as s:
        post = load_post(s, actor, post_id)
        if post.origin != "composed" or post.status == "cancelled":
            raise UsageError(f"post {post_id} is not a draft or a planned post")
        _refuse_if_out(s, post)
        current = post.versions[-1]
        if is_approved(s, current):
            raise UsageError(f"version {current.number} of post {post_id} is already signed off")
        if post.review_requested_at is None:
            post.review_requested_at = _now(now)
            audit.record(s, actor.workspace_id, "post.review_requested", actor_id=actor.user_id,
                         post_id=post.id, version_id=current.id)
            _cancel_rows(s, post)  # a queued row waits again, for the reviewer's answer
        return view_of(s, post)


def approve(store: Store, actor: Actor, post_id: int, *, note: str | None = None,
            version: int | None = None, enqueue: Enqueue | None = None,
            now: datetime | None = None) -> PostView:
    """A reviewer signs off the post's current version (naming it guards against a stale view)."""
    return _decide(store, actor, post_id, "approved", note=note, version=version,
                   enqueue=enqueue, now=now)


def reject(store: Store, actor: Actor, post_id: int, *, note: str,
           version: int | None = None) -> PostView:
    if not note.strip():
        raise UsageError("say why the post is rejected (--note), so its author can fix it")
    return _decide(store, actor, post_id, "rejected", note=note, version=version)


def override(store: Store, actor: Actor, post_id: int, *, rule: str, reason: str,
             version: int | None = None, enqueue: Enqueue | None = None,
             now: datetime | None = None) -> PostView:
    """A reviewer lets one blocking finding through, with a reason that goes to the audit log."""
    if not reason.strip():
        raise UsageError("an override needs a reason (--reason); it is kept in the audit log")
    return _decide(store, actor, post_id, "override", rule=rule, note=reason, version=version,
                   enqueue=enqueue, now=now)


def _decide(store: Store, actor: Actor, post_id: int, decision: str, *, note: str | None,
            version: int | None, rule: str | None = None, enqueue: Enqueue | None = None,
            now: datetime | None = None) -> PostView:
    actor.require("review", "review posts")
    with store.session() as s:
        post = load_post(s, actor, post_id)
        current = post.versions[-1]
        if version is not None and version != current.number:
            raise UsageError(f"post {post_id} is at version {current.number}, not {version}; "
                             "review the current version")
        if rule is not None:
            blocking = {f.rule for f in current.findings if f.severity == "block"}
            if rule not in blocking:
                known = ", ".join(sorted(blocking)) or "none"
                raise UsageError(f"version {current.number} has no blocking finding {rule!r} "
                                 f"(blocking: {known})")
        s.add(Approval(version_id=current.id, user_id=actor.user_id, decision=decision,
                       rule=rule, reason=note))
        if decision in ("approved", "rejected"):
            post.review_requested_at = None  # answered; the author asks again after a change
        audit.record(s, actor.workspace_id, f"post.{decision}", actor_id=actor.user_id,
                     post_id=post.id, version_id=current.id, reason=note, rule=rule)
        s.flush()
        released: list[int] = []
        if decision == "rejected":
            # Back to its author as a draft: nothing goes out until it is revised and planned
            # again (where sign-off is optional a planned post would otherwise look scheduled).
            _cancel_rows(s, post)
            post.status = "draft"
        elif post.status == "scheduled" and post.scheduled_at is not None:
            released = _release_if_cleared(s, post, _now(now))
        result = view_of(s, post)
    _enqueue(enqueue, released, result.scheduled_at)
    return result


# --- schedule -------------------------------------------------------------------------------


def schedule(store: Store, actor: Actor, post_id: int, at: datetime, *,
             strategy: Strategy | None = None, enqueue: Enqueue | None = None,
             now: datetime | None = None) -> PostView:
    """Plan the post for `at` (aware). Blocking findings stop it; sign-off may hold it."""
    actor.require("schedule", "schedule posts")
    with store.session() as s:
        post = load_post(s, actor, post_id)
        released, warnings = schedule_in(s, actor, post, at, strategy, _now(now))
        result = view_of(s, post, warnings)
    _enqueue(enqueue, released, result.scheduled_at)
    return result


def schedule_in(s: Session, actor: Actor, post: Post, at: datetime, strategy: Strategy | None,
                now: datetime) -> tuple[list[int], list[str]]:
    """schedule() inside the caller's transaction: (ledger ids due for the worker, warnings)."""
    if at.tzinfo is None:
        raise UsageError("a schedule time needs its time zone")
    if at < now - PAST_TOLERANCE:
        raise UsageError(f"{at.isoformat(timespec='minutes')} has passed; choose a later time")
    _refuse_if_out(s, post)
    if not post.targets:
        raise UsageError(f"post {post.id} has no accounts to go to; add some with --to")
    paused = [t.account for t in post.targets if t.account.status == "paused"]
    current = post.versions[-1]
    unresolved = unresolved_in(s, current)
    if unresolved:
        raise Blocked(
            f"version {current.number} has blocking findings ({', '.join(unresolved)}); "
            "fix the text, or a reviewer must override each with a reason"
        )
    post.scheduled_at = at.astimezone(UTC)
    post.status = "scheduled"
    _cancel_rows(s, post)
    released = _release_if_cleared(s, post, now)
    audit.record(s, actor.workspace_id, "post.scheduled", actor_id=actor.user_id,
                 post_id=post.id, version_id=current.id, at=post.scheduled_at.isoformat())
    share = strategy.max_promotional_share if strategy else DEFAULT_MAX_PROMOTIONAL
    warnings = _promotional_warning(s, post, share)
    if strategy is not None and strategy.in_quiet_hours(at):
        quiet = strategy.quiet_hours
        assert quiet is not None
        warnings.append(f"{at.astimezone(strategy.zone):%H:%M} is in the practice's quiet hours "
                        f"({quiet.start:%H:%M}-{quiet.end:%H:%M})")
    warnings += [f"{a.network}:{a.handle} is paused ({a.paused_reason}); the post waits"
                 for a in paused]
    return released, warnings


def unschedule(store: Store, actor: Actor, post_id: int) -> PostView:
    actor.require("schedule", "unschedule posts")
    with store.session() as s:
        post = load_post(s, actor, post_id)
        _refuse_if_out(s, post)
        _cancel_rows(s, post)
        post.status, post.scheduled_at = "draft", None
        audit.record(s, actor.workspace_id, "post.unscheduled", actor_id=actor.user_id,
                     post_id=post.id)
        return view_of(s, post)


def _release_if_cleared(s: Session, post: Post, now: datetime) -> list[int]:
    """Put the current version in the ledger for every target if it is cleared; return the ids
    of rows that are due for the worker. One row per (post, account): a new version reuses it."""
    current = post.versions[-1]
    ws = s.get_one(Workspace, post.workspace_id)
    if unresolved_in(s, current) or (needs_signoff(ws, post) and not is_approved(s, current)):
        return []
    assert post.scheduled_at is not None
    due = post.scheduled_at
    late = due < now - PAST_TOLERANCE
    existing = {r.account_id: r for r in _locked_rows(s, post)}
    ids: list[int] = []
    for target in post.targets:
        row = existing.get(target.account_id)
        if row is None:
            row = Publication(post_id=post.id, account_id=target.account_id, due_at=due)
            s.add(row)
        elif row.state in OUT_STATES:
            continue
        row.version_id = current.id
        # A fresh key per release: earlier keys belong to attempts that never reached a network.
        row.idempotency_key = uuid.uuid4().hex
        row.due_at = row.next_attempt_at = due
        row.attempts, row.lease_until, row.claimed_by, row.last_error = 0, None, None, None
        row.updated_at = now
        if late:
            row.state = "expired"
            row.last_error = (f"cleared at {now.isoformat(timespec='minutes')}, after its time "
                              f"{due.isoformat(timespec='minutes')}; not sent late: reschedule it")
        else:
            row.state = "scheduled"
        s.flush()
        if row.state == "scheduled":
            ids.append(row.id)
        else:
            audit.record(s, post.workspace_id, "publication.expired", post_id=post.id,
                         version_id=current.id, account_id=target.account_id)
    return ids


def _locked_rows(s: Session, post: Post) -> list[Publication]:
    """The post's ledger rows, locked until the transaction ends (FOR UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers), and re-read: a worker's claim waits
    for our commit and then sees the new state, so we never overwrite a row it holds."""
    return list(s.scalars(
        select(Publication).where(Publication.post_id == post.id)
        .with_for_update(of=Publication).execution_options(populate_existing=True)))


def _cancel_rows(s: Session, post: Post) -> int:
    count = 0
    for row in _locked_rows(s, post):
        if row.state in ("scheduled", "expired", "failed"):
            row.state, count = "cancelled", count + 1
    return count


def _refuse_if_out(s: Session, post: Post) -> None:
    out = [r for r in _locked_rows(s, post) if r.state in OUT_STATES]
    if out:
        where = ", ".join(f"{r.account.network}:{r.account.handle} ({r.state})" for r in out)
        raise AlreadyOut(f"post {post.id} has gone out or is going out to {where}; "
                         "compose a new post instead of changing it")


def _promotional_warning(s: Session, post: Post, max_share: float) -> list[str]:
    """Warn when this post would push the promotional share of the last 30 planned or published
    posts above the strategy's maximum (mistake 3: too much self-promotion)."""
    if not post.versions[-1].promotional:
        return []
    planned = s.execute(
        select(Post.id, Post.scheduled_at).where(
            Post.workspace_id == post.workspace_id, Post.status == "scheduled",
            Post.scheduled_at.is_not(None))
        .order_by(Post.scheduled_at.desc(), Post.id.desc()).limit(PROMO_WINDOW)
    ).all()
    ids = [pid for pid, _ in planned]
    if not ids:
        return []
    promotional = sum(1 for pid in ids if _latest(s, pid).promotional)
    share = promotional / len(ids)
    if share <= max_share:
        return []
    return [f"promotional posts would be {share:.0%} of the last {len(ids)} planned "
            f"({promotional}), above the strategy's maximum of {max_share:.0%}: "
            "plan more posts that give readers value"]


def _latest(s: Session, post_id: int) -> PostVersion:
    return s.scalars(select(PostVersion).where(PostVersion.post_id == post_id)
                     .order_by(PostVersion.number.desc()).limit(1)).one()


def _unique(accounts: Iterable[AccountView]) -> list[AccountView]:
    seen: dict[int, AccountView] = {}
    for a in accounts:
        seen.setdefault(a.id, a)
    return list(seen.values())


def enqueue_after_commit(enqueue: Enqueue | None, ids: list[int], at: datetime | None) -> None:
    _enqueue(enqueue, ids, at)


def _enqueue(enqueue: Enqueue | None, ids: list[int], at: datetime | None) -> None:
    # After the commit: a lost enqueue is harmless, the reconciler re-queues due rows.
    if enqueue and ids and at is not None:
        try:
            enqueue(ids, at)
        except Exception as exc:  # the queue is down: the rows are safe in the ledger
            log.warning("could not queue publications %s (%s); the reconciler will",
                        ids, type(exc).__name__)


__all__ = [
    "AlreadyOut", "Blocked", "FindingView", "LedgerView", "PostView", "approve", "awaiting_review",
    "compose", "compose_in", "get_post", "list_posts", "override", "reject", "request_review",
    "revise", "schedule",
    "enqueue_after_commit", "schedule_in", "unresolved_rules", "unschedule", "view_of",
]
