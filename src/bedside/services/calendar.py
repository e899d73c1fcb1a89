"""The calendar's ways in and out: Hootsuite bulk CSV import and export, and the ICS feed (the
posts planned from FEED_HISTORY ago on, so that years of history do not slow it down).

An import is all or nothing: every row is parsed and checked before any is stored, and the posts
are stored in one transaction. A row whose text the guard blocks is kept as a blocked draft (not
scheduled) and reported, so nothing is lost and nothing risky goes out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bedside.bulk_csv import BulkImportError, ExportRow, parse_bulk_csv, write_bulk_csv
from bedside.ics import CalendarEvent, calendar_ics
from bedside.services import audit, plan, publish
from bedside.services.accounts import find_account
from bedside.services.post_views import POST_LOADS, views_of
from bedside.services.publish import PAST_TOLERANCE, Enqueue, PostView
from bedside.services.workspaces import Actor
from bedside.store import Store
from bedside.store.models import Post, Publication, Workspace

FEED_HISTORY = timedelta(days=90)  # how far back the ICS feed goes; it goes forward to the end


@dataclass
class ImportReport:
    scheduled: list[PostView] = field(default_factory=list)
    blocked: list[tuple[int, PostView]] = field(default_factory=list)  # (CSV line, post)
    warnings: list[str] = field(default_factory=list)


def import_csv(store: Store, actor: Actor, text: str, *, to: list[str | int], day_first: bool,
               enqueue: Enqueue | None = None, now: datetime | None = None) -> ImportReport:
    actor.require("schedule", "import posts")
    if not to:
        raise BulkImportError(["say which accounts the posts go to (--to)"])
    accounts = [find_account(store, actor, ref) for ref in to]
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    strategy = plan.get_strategy(store, actor)
    with store.session() as s:
        zone = ZoneInfo(s.get_one(Workspace, actor.workspace_id).timezone)
    rows = parse_bulk_csv(text, day_first=day_first, timezone=zone)
    past = [f"line {r.line}: {r.at:%Y-%m-%d %H:%M} has passed" for r in rows
            if r.at < moment - PAST_TOLERANCE]
    if past:
        raise BulkImportError(past)
    report = ImportReport()
    due: list[tuple[list[int], datetime]] = []
    with store.session() as s:
        for row in rows:
            post = publish.compose_in(s, actor, row.message, accounts, {}, row.link)
            if publish.unresolved_rules(s, post):
                report.blocked.append((row.line, publish.view_of(s, post)))
                continue
            ids, warnings = publish.schedule_in(s, actor, post, row.at,
                                                strategy, moment)
            report.warnings += [w for w in warnings if w not in report.warnings]
            report.scheduled.append(publish.view_of(s, post))
            due.append((ids, row.at))
        audit.record(s, actor.workspace_id, "calendar.imported", actor_id=actor.user_id,
                     rows=len(rows), scheduled=len(report.scheduled),
                     blocked=len(report.blocked))
    for ids, at in due:
        publish.enqueue_after_commit(enqueue, ids, at)
    return report


def export_csv(store: Store, actor: Actor, *, day_first: bool = False) -> str:
    """Scheduled posts, in time order, in the same layout the import reads."""
    with store.session() as s:
        zone = ZoneInfo(s.get_one(Workspace, actor.workspace_id).timezone)
    posts = [p for p in publish.list_posts(store, actor, status="scheduled") if p.scheduled_at]
    rows = [ExportRow(at=p.scheduled_at.astimezone(zone), message=p.text, link=p.link)
            for p in posts if p.scheduled_at]
    return write_bulk_csv(rows, timezone=zone, day_first=day_first)


def calendar_feed(store: Store, actor: Actor, *, excerpt_chars: int = 40,
                  now: datetime | None = None) -> bytes:
    """The planned or published posts on every account, as an ICS feed: those planned from
    FEED_HISTORY (90 days) before `now` on, however far ahead; older ones are left out.

    Only those posts and their ledger rows are read (Post.scheduled_at is indexed): years of
    history, imported or long published, are never read or turned into views.
    """
    since = (now or datetime.now(UTC)) - FEED_HISTORY
    shown = (Post.workspace_id == actor.workspace_id, Post.status != "cancelled",
             Post.scheduled_at >= since)
    with store.session() as s:
        ws = s.get_one(Workspace, actor.workspace_id)
        name, zone = ws.name, ws.timezone
        rows = {(r.post_id, r.account_id): r for r in s.scalars(  # the latest row of each wins
            select(Publication).join(Post).where(*shown).order_by(Publication.id))}
        posts = views_of(s, list(s.scalars(select(Post).where(*shown).options(*POST_LOADS))))
    events = []
    for post in posts:
        assert post.scheduled_at is not None  # the query reads planned posts only
        for account in post.targets:
            row = rows.get((post.id, account.id))
            events.append(CalendarEvent(
                uid=f"post-{post.id}-account-{account.id}",
                start=row.due_at if row else post.scheduled_at,
                network=account.network, account=account.handle,
                status=row.state if row else ("scheduled" if post.stage == "scheduled"
                                              else "draft"),
                summary=post.variants.get(account.network, post.text),
                url=row.remote_url if row else None,
            ))
    return calendar_ics(events, name=f"{name}: posts", timezone=zone,
                        excerpt_chars=excerpt_chars)
