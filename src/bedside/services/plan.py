"""The plan: the strategy (mistake 1), queue slots per account and the best hours (mistake 5).

Default slots come from ../shared/domain/cadence.md ("Healthcare timing": weekdays 9am–3pm are
safe, weekends weak): weekdays at 09:00 and 13:00 on the practice's clock. An account can name its
own in its options (`slots = ["tue 09:30", "thu 12:00"]`). A slot is free when no post of that
account is planned at that time, the week still has room under the strategy's cadence maximum for
the network, and it is not in quiet hours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedside.best_time import BestHour, Published
from bedside.best_time import best_hours as rank_hours
from bedside.errors import UsageError
from bedside.services import audit
from bedside.services.accounts import find_account
from bedside.services.workspaces import Actor
from bedside.store import Store
from bedside.store.models import (
    Account,
    MetricSnapshot,
    Post,
    PostTarget,
    Publication,
    Strategy,
    Workspace,
)
from bedside.strategy import Strategy as StrategyDoc
from bedside.strategy import default_strategy, validate_strategy

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SLOTS = tuple((day, time(h)) for day in range(5) for h in (9, 13))
LEAD = timedelta(minutes=5)  # never offer a slot so close that nobody can review it
HORIZON_WEEKS = 12
HISTORY = timedelta(days=365)  # months, not days (mistake 6): a year of posts ranks the hours
BEST_HOURS_POSTS = 3_000  # the latest posts read for the best hours: 18 a bucket of the 168


def get_strategy(store: Store, actor: Actor) -> StrategyDoc:
    """The workspace's strategy, or a sensible default for its accounts' networks."""
    with store.session() as s:
        row = s.scalar(select(Strategy).where(Strategy.workspace_id == actor.workspace_id))
        if row is not None:
            return validate_strategy(row.document)
        ws = s.get_one(Workspace, actor.workspace_id)
        networks = sorted(set(s.scalars(select(Account.network).where(
            Account.workspace_id == actor.workspace_id)))) or ["outbox"]
        return default_strategy(networks, ws.timezone)


def has_strategy(store: Store, actor: Actor) -> bool:
    with store.session() as s:
        return s.scalar(select(Strategy.id).where(
            Strategy.workspace_id == actor.workspace_id)) is not None


def set_strategy(store: Store, actor: Actor, strategy: StrategyDoc) -> None:
    """Store a validated strategy; its time zone becomes the practice's."""
    actor.require("manage", "change the strategy")
    document = _jsonable(strategy.model_dump())
    with store.session() as s:
        row = s.scalar(select(Strategy).where(Strategy.workspace_id == actor.workspace_id))
        if row is None:
            s.add(Strategy(workspace_id=actor.workspace_id, document=document,
                           updated_by=actor.user_id))
        else:
            row.document, row.updated_by = document, actor.user_id
            row.updated_at = datetime.now(UTC)
        s.get_one(Workspace, actor.workspace_id).timezone = strategy.timezone
        audit.record(s, actor.workspace_id, "strategy.updated", actor_id=actor.user_id,
                     networks=list(strategy.networks), goals=len(strategy.goals))


def _jsonable(value: Any) -> Any:
    """The strategy as JSON in the file's own spelling (dates ISO, times HH:MM)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_slots(entries: Sequence[str]) -> list[tuple[int, time]]:
    """`["tue 09:30", "thu 12:00"]` → [(1, 09:30), (3, 12:00)], with a clear error."""
    slots = []
    for entry in entries:
        parts = str(entry).lower().split()
        if len(parts) != 2 or parts[0][:3] not in DAYS:
            raise UsageError(f"slot {entry!r}: write it as a weekday and a time, like 'tue 09:30'")
        try:
            at = time.fromisoformat(parts[1])
        except ValueError:
            raise UsageError(f"slot {entry!r}: {parts[1]!r} is not a time (HH:MM)") from None
        slots.append((DAYS.index(parts[0][:3]), at))
    return sorted(slots)


def next_free_slot(store: Store, actor: Actor, account_ref: str | int, *,
                   after: datetime | None = None) -> datetime:
    """The first free queue slot of an account after `after` (default: now)."""
    start = (after or datetime.now(UTC)) + LEAD
    strategy = get_strategy(store, actor)
    account = find_account(store, actor, account_ref)
    zone = ZoneInfo(strategy.timezone)
    with store.session() as s:
        options = s.get_one(Account, account.id).options
        slots = parse_slots(options["slots"]) if options.get("slots") else list(DEFAULT_SLOTS)
        taken = _planned_times(s, account.id, start)
    weekly_cap = math.ceil(strategy.cadence_for(account.network).max_per_week) \
        if account.network in strategy.networks else None
    day = start.astimezone(zone).date()
    for offset in range(HORIZON_WEEKS * 7):
        current = day + timedelta(days=offset)
        for weekday, at in slots:
            if weekday != current.weekday():
                continue
            candidate = datetime.combine(current, at, zone)
            if candidate.astimezone(UTC).astimezone(zone).time() != at:
                continue  # the wall-clock time does not exist that day (spring forward)
            if candidate < start or candidate in taken or strategy.in_quiet_hours(candidate):
                continue
            if weekly_cap is not None and _in_week(taken, candidate, zone) >= weekly_cap:
                continue
            return candidate
    raise UsageError(f"no free slot for {account.label} in the next {HORIZON_WEEKS} weeks; "
                     "add slots to the account or raise the cadence in the strategy")


def _planned_times(s: Session, account_id: int, start: datetime) -> set[datetime]:
    week_before = start - timedelta(days=7)
    planned = s.scalars(
        select(Post.scheduled_at).join(PostTarget, PostTarget.post_id == Post.id).where(
            PostTarget.account_id == account_id, Post.status == "scheduled",
            Post.scheduled_at >= week_before)
    )
    published = s.scalars(select(Publication.due_at).where(
        Publication.account_id == account_id, Publication.state == "published",
        Publication.due_at >= week_before))
    return {t for t in [*planned, *published] if t is not None}


def _in_week(taken: set[datetime], candidate: datetime, zone: ZoneInfo) -> int:
    week = candidate.isocalendar()[:2]
    return sum(1 for t in taken if t.astimezone(zone).isocalendar()[:2] == week)


def best_hours(store: Store, actor: Actor, account_ids: Sequence[int] = (), *,
               top: int = 3, now: datetime | None = None) -> list[BestHour]:
    """The hours (practice clock) when these accounts' posts of the last year (the latest
    3,000 at most) did best against their usual engagement (all the workspace's accounts when
    none are named); empty without enough history. The method is best_time's
    (../shared/domain/cadence.md)."""
    since = (now or datetime.now(UTC)) - HISTORY
    zone = ZoneInfo(get_strategy(store, actor).timezone)
    with store.session() as s:
        own = set(s.scalars(select(Account.id).where(
            Account.workspace_id == actor.workspace_id)))
    chosen = sorted(own & set(account_ids)) if account_ids else sorted(own)
    # The latest posts of the year on these accounts (found by account: the (account, remote
    # id) index; the state is checked here, or SQLite would walk every practice's published rows
    # by the state index), then their snapshots; the latest counts per post are picked here.
    latest: dict[int, tuple[tuple[datetime, int], Published]] = {}
    with store.session() as s:
        rows = s.execute(
            select(Publication.id, Publication.account_id, Publication.published_at,
                   Publication.state)
            .where(Publication.account_id.in_(chosen), Publication.published_at >= since)
            .order_by(Publication.published_at.desc()).limit(BEST_HOURS_POSTS)).all()
        posts = {pid: (account_id, at) for pid, account_id, at, state in rows
                 if state == "published" and at is not None}
        ids = list(posts)
        for start in range(0, len(ids), 500):
            for pid, fetched, sid, *counts in s.execute(
                    select(MetricSnapshot.publication_id, MetricSnapshot.fetched_at,
                           MetricSnapshot.id, MetricSnapshot.likes, MetricSnapshot.replies,
                           MetricSnapshot.reposts, MetricSnapshot.quotes)
                    .where(MetricSnapshot.publication_id.in_(ids[start:start + 500]))):
                if all(c is None for c in counts):
                    continue
                if pid not in latest or (fetched, sid) > latest[pid][0]:
                    account_id, at = posts[pid]
                    engagement = sum(c or 0 for c in counts)
                    latest[pid] = ((fetched, sid), Published(account_id, at, engagement))
    return rank_hours([post for _, post in latest.values()], zone, top=top)

