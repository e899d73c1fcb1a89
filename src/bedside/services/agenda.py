"""Read models for the calendar and the queue: one entry per (post, account) in a time window.

The calendar shows what is planned and what went out; the queue shows each account's ledger
rows with what a person should do about them. Both read only the window asked for (indexed on
`post.scheduled_at` and `publication.due_at`), never every post of the workspace, so they stay
fast with years of history. Texts are cut to an excerpt here: pages never need the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bedside.services.workspaces import Actor
from bedside.store import Store
from bedside.store.models import (
    LEDGER_STATES,
    Account,
    Approval,
    Post,
    PostTarget,
    PostVersion,
    Publication,
    StoredFinding,
    Variant,
    Workspace,
)

EXCERPT = 80
# What a person should check, by ledger state (the row's own reason is shown beside it).
ADVICE = {
    "failed": "The network refused the post; fix what the reason says, then reschedule it.",
    "uncertain": ("bedside cannot tell whether the post went out. Open the account on the "
                  "network and look for it around this time before rescheduling: sending "
                  "again could post it twice."),
    "expired": ("Its approval came after its time, so it was not sent late. Pick a new time "
                "to send it."),
    "awaiting sign-off": "Waiting for a reviewer's sign-off.",
    "blocked": "A blocking finding must be fixed or overridden by a reviewer.",
}
LIVE_STATES = tuple(state for state in LEDGER_STATES if state != "cancelled")
PRE_LEDGER = ("awaiting sign-off", "blocked")
QUEUE_STATES = ("scheduled", "publishing", "published", "failed", "uncertain", "expired",
                "awaiting sign-off", "blocked")


@dataclass(frozen=True)
class Entry:
    """One post on one account at one moment (UTC)."""

    post_id: int
    account_id: int
    account: str  # network:handle
    network: str
    at: datetime
    state: str  # a ledger state, or "awaiting sign-off" / "blocked" before the ledger
    excerpt: str
    promotional: bool
    remote_url: str | None
    reason: str | None  # the ledger's last error: why it failed, what is uncertain

    @property
    def movable(self) -> bool:
        """Can be dragged to another time (nothing has gone or may have gone out)."""
        return self.state in ("scheduled", "awaiting sign-off", "blocked", "expired", "failed")

    @property
    def advice(self) -> str | None:
        return ADVICE.get(self.state)

    def to_dict(self) -> dict[str, Any]:
        return {"post_id": self.post_id, "account_id": self.account_id, "account": self.account,
                "network": self.network, "at": self.at.isoformat(), "state": self.state,
                "excerpt": self.excerpt, "promotional": self.promotional,
                "remote_url": self.remote_url, "reason": self.reason, "movable": self.movable,
                "advice": self.advice}


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def entries(store: Store, actor: Actor, start: datetime, end: datetime, *,
            account_id: int | None = None, states: Iterable[str] | None = None,
            limit: int | None = None, newest_first: bool = False) -> list[Entry]:
    """Entries due in start <= t < end: ledger rows (not cancelled; shown at their publication
    time once published), and targets of scheduled posts not yet in the ledger (awaiting
    sign-off, blocked). With a limit, the first (or newest) ones only, cut in the database."""
    wanted = set(states) if states is not None else set(QUEUE_STATES)
    ledger_states = [x for x in LIVE_STATES if x in wanted]
    with store.session() as s:
        rows = _ledger_rows(s, actor.workspace_id, start, end, account_id, ledger_states,
                            limit, newest_first) if ledger_states else []
        pending = _pending_targets(s, actor.workspace_id, start, end, account_id, limit,
                                   newest_first) if wanted & set(PRE_LEDGER) else []
        found = [e for e in _entries(s, rows, pending) if e.state in wanted]
    found.sort(key=lambda e: (e.at, e.post_id, e.account_id), reverse=newest_first)
    return found[:limit] if limit is not None else found


def _ledger_rows(s: Session, workspace_id: int, start: datetime, end: datetime,
                 account_id: int | None, states: list[str], limit: int | None,
                 newest_first: bool) -> list[Publication]:
    # Selected by due time through the (state, due_at) index: a row is published minutes after
    # it is due, and it is shown at its publication time.
    order = (Publication.due_at.desc(), Publication.id.desc()) if newest_first \
        else (Publication.due_at, Publication.id)
    query = (select(Publication).join(Post, Post.id == Publication.post_id)
             .where(Publication.state.in_(states), Publication.due_at >= start,
                    Publication.due_at < end, Post.workspace_id == workspace_id)
             .order_by(*order).limit(limit))
    if account_id is not None:
        query = query.where(Publication.account_id == account_id)
    return list(s.scalars(query))


def _pending_targets(s: Session, workspace_id: int, start: datetime, end: datetime,
                     account_id: int | None, limit: int | None,
                     newest_first: bool) -> list[tuple[Post, Account]]:
    # A target with a live ledger row shows as that row (at its own time), never twice.
    in_ledger = exists().where(Publication.post_id == Post.id,
                               Publication.account_id == Account.id,
                               Publication.state != "cancelled")
    order = (Post.scheduled_at.desc(), Post.id.desc()) if newest_first \
        else (Post.scheduled_at, Post.id)
    query = (select(Post, Account).join(PostTarget, PostTarget.post_id == Post.id)
             .join(Account, Account.id == PostTarget.account_id)
             .where(Post.workspace_id == workspace_id, Post.status == "scheduled",
                    Post.scheduled_at >= start, Post.scheduled_at < end, ~in_ledger)
             .order_by(*order).limit(limit))
    if account_id is not None:
        query = query.where(Account.id == account_id)
    return [(p, a) for p, a in s.execute(query).all()]


def _entries(s: Session, rows: list[Publication],
             pending: list[tuple[Post, Account]]) -> list[Entry]:
    version_ids = {r.version_id for r in rows}
    post_ids = {p.id for p, _ in pending}
    latest: dict[int, PostVersion] = {}
    if post_ids:
        for v in s.scalars(select(PostVersion).where(PostVersion.post_id.in_(post_ids))
                           .order_by(PostVersion.number)):
            latest[v.post_id] = v
    versions = {v.id: v for v in latest.values()}
    missing = version_ids - versions.keys()
    if missing:
        versions.update({v.id: v for v in s.scalars(
            select(PostVersion).where(PostVersion.id.in_(missing)))})
    variants = {(v.version_id, v.network): v.text for v in s.scalars(
        select(Variant).where(Variant.version_id.in_(versions.keys())))} if versions else {}
    states = _pre_ledger_states(s, [latest[p.id] for p, _ in pending])
    out = []
    for r in rows:
        v = versions[r.version_id]
        out.append(Entry(r.post_id, r.account_id, f"{r.account.network}:{r.account.handle}",
                         r.account.network, r.published_at or r.due_at, r.state,
                         excerpt(variants.get((v.id, r.account.network), v.text)),
                         v.promotional, r.remote_url, r.last_error))
    for post, account in pending:
        v = latest[post.id]
        assert post.scheduled_at is not None
        out.append(Entry(post.id, account.id, f"{account.network}:{account.handle}",
                         account.network, post.scheduled_at, states[v.id],
                         excerpt(variants.get((v.id, account.network), v.text)),
                         v.promotional, None, None))
    return out


def _pre_ledger_states(s: Session, versions: list[PostVersion]) -> dict[int, str]:
    """Why a scheduled version is not in the ledger yet: blocked or awaiting sign-off."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    blocking: dict[int, set[str]] = {}
    for vid, rule in s.execute(select(StoredFinding.version_id, StoredFinding.rule).where(
            StoredFinding.version_id.in_(ids), StoredFinding.severity == "block")).all():
        blocking.setdefault(vid, set()).add(rule)
    for vid, overridden in s.execute(select(Approval.version_id, Approval.rule).where(
            Approval.version_id.in_(ids), Approval.decision == "override")).all():
        blocking.get(vid, set()).discard(overridden or "")
    return {vid: "blocked" if blocking.get(vid) else "awaiting sign-off" for vid in ids}


@dataclass(frozen=True)
class PromoShare:
    """How many of the posts in a window are promotional, against the strategy's maximum."""

    promotional: int
    total: int
    maximum: float

    @property
    def share(self) -> float:
        return self.promotional / self.total if self.total else 0.0

    @property
    def over(self) -> bool:
        return self.share > self.maximum

    def to_dict(self) -> dict[str, Any]:
        return {"promotional": self.promotional, "total": self.total, "share": self.share,
                "maximum": self.maximum, "over": self.over}


def promo_share(found: Iterable[Entry], maximum: float) -> PromoShare:
    """Count each post once, whatever the number of accounts it goes to; failed, uncertain and
    expired ones count too (they were planned)."""
    posts: dict[int, bool] = {}
    for e in found:
        posts[e.post_id] = posts.get(e.post_id, False) or e.promotional
    return PromoShare(sum(posts.values()), len(posts), maximum)


def promo_share_between(store: Store, actor: Actor, start: datetime, end: datetime, maximum: float,
                        *, account_id: int | None = None) -> PromoShare:
    """promo_share of every post due in the window, counted in the database (the calendar may
    show only the first of very many)."""
    with store.session() as s:
        ledger = (select(Publication.post_id, PostVersion.promotional)
                  .join(Post, Post.id == Publication.post_id)
                  .join(PostVersion, PostVersion.id == Publication.version_id)
                  .where(Publication.state.in_(LIVE_STATES), Publication.due_at >= start,
                         Publication.due_at < end, Post.workspace_id == actor.workspace_id))
        if account_id is not None:
            ledger = ledger.where(Publication.account_id == account_id)
        posts: dict[int, bool] = {}
        for post_id, promotional in s.execute(ledger).all():
            posts[post_id] = posts.get(post_id, False) or bool(promotional)
        for post, _account in _pending_targets(s, actor.workspace_id, start, end, account_id,
                                               None, False):
            if post.id not in posts:
                latest = s.scalars(select(PostVersion.promotional).where(
                    PostVersion.post_id == post.id).order_by(PostVersion.number.desc())
                    .limit(1)).one()
                posts[post.id] = bool(latest)
    return PromoShare(sum(posts.values()), len(posts), maximum)


def practice_zone(store: Store, actor: Actor) -> str:
    with store.session() as s:
        return s.get_one(Workspace, actor.workspace_id).timezone


__all__ = ["ADVICE", "Entry", "PromoShare", "QUEUE_STATES", "entries", "excerpt",
           "practice_zone", "promo_share", "promo_share_between"]
