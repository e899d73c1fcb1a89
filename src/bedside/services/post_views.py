"""The read side of posts: what a post looks like to a page, the CLI or the API.

A view is computed from the store: the current version with its findings, the ledger rows, and
the *stage* a person reads (draft, review requested, blocked, awaiting sign-off, scheduled,
published, needs attention). services.publish changes posts and answers with these views.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from bedside.services.accounts import AccountView, view
from bedside.services.workspaces import Actor, NotFound
from bedside.store import Store
from bedside.store.models import Approval, Post, PostVersion, Publication, Workspace

SEVERITY_RANK = {"info": 0, "warn": 1, "block": 2}


@dataclass(frozen=True)
class FindingView:
    rule: str
    category: str
    severity: str
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str | None
    source: str | None
    network: str | None
    account_kind: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LedgerView:
    id: int
    account: str
    version: int
    state: str
    due_at: datetime
    attempts: int
    remote_id: str | None
    remote_url: str | None
    published_at: datetime | None
    last_error: str | None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        for key in ("due_at", "published_at"):
            d[key] = d[key].isoformat() if d[key] else None
        return d


@dataclass(frozen=True)
class PostView:
    id: int
    status: str
    stage: str  # draft | blocked | awaiting sign-off | scheduled | published | needs attention
    scheduled_at: datetime | None
    version: int
    version_id: int
    text: str
    link: str | None
    variants: dict[str, str]
    targets: list[AccountView]
    findings: list[FindingView]
    promotional: bool
    unresolved: list[str]
    approved: bool
    ledger: list[LedgerView]
    warnings: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)  # {"path", "alt", "mime"}
    review_requested: bool = False

    @property
    def worst(self) -> str:
        ranks = [SEVERITY_RANK[f.severity] for f in self.findings]
        return ("ok", "info", "warn", "block")[max(ranks, default=-1) + 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "stage": self.stage,
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
            "version": self.version, "text": self.text, "link": self.link,
            "variants": self.variants, "targets": [t.to_dict() for t in self.targets],
            "findings": [f.to_dict() for f in self.findings], "promotional": self.promotional,
            "unresolved": self.unresolved, "approved": self.approved,
            "ledger": [r.to_dict() for r in self.ledger], "warnings": self.warnings,
            "review_requested": self.review_requested,
            "images": [{"name": PurePath(i["path"]).name, "alt": i["alt"], "mime": i.get("mime")}
                       for i in self.images],
        }


def get_post(store: Store, actor: Actor, post_id: int) -> PostView:
    with store.session() as s:
        return view_of(s, load_post(s, actor, post_id))


def list_posts(store: Store, actor: Actor, *, status: str | None = None) -> list[PostView]:
    with store.session() as s:
        query = select(Post).where(Post.workspace_id == actor.workspace_id)
        if status:
            query = query.where(Post.status == status)
        posts = s.scalars(query.options(*POST_LOADS)
                          .order_by(Post.scheduled_at.is_(None), Post.scheduled_at, Post.id))
        return views_of(s, list(posts))


def awaiting_review(store: Store, actor: Actor, *, limit: int | None = None) -> list[PostView]:
    """What a reviewer has to answer, the earliest planned first: scheduled posts held for
    sign-off or blocked, and drafts whose author asked for a review. A draft nobody asked about
    is its author's work. `limit`: at most that many (a page of them)."""
    with store.session() as s:
        query = _waiting(actor).options(*POST_LOADS).order_by(
            Post.scheduled_at.is_(None), Post.scheduled_at, Post.id)
        if limit is not None:
            query = query.limit(limit)
        views = views_of(s, list(s.scalars(query)))
    return [v for v in views if v.stage in ("awaiting sign-off", "blocked")]


def count_awaiting_review(store: Store, actor: Actor) -> int:
    """How many posts may await review (the candidates awaiting_review reads), for "N more"."""
    with store.session() as s:
        found = s.scalar(select(func.count()).select_from(
            _waiting(actor).with_only_columns(Post.id).subquery()))
        return int(found or 0)


def _waiting(actor: Actor) -> Select[Any]:
    # Posts with nothing queued or out, either planned or sent for review: the candidates for
    # "awaiting sign-off" or "blocked" (a cleared post has live ledger rows); the stage decides.
    out_or_queued = select(Publication.id).where(Publication.post_id == Post.id,
                                                 Publication.state != "cancelled").exists()
    return select(Post).where(
        Post.workspace_id == actor.workspace_id, Post.origin == "composed",
        Post.status != "cancelled",
        (Post.status == "scheduled") | Post.review_requested_at.is_not(None),
        ~out_or_queued)


# What views_of reads of each post: a listing loads every post's versions with their findings
# and variants, and its targets, in a few queries (selectin), not one query per post and
# attribute.
POST_LOADS = (
    selectinload(Post.versions).selectinload(PostVersion.findings),
    selectinload(Post.versions).selectinload(PostVersion.variants),
    selectinload(Post.targets),
)
_CHUNK = 500  # ids per IN (...) list, well under SQLite's parameter limit


def views_of(s: Session, posts: Sequence[Post]) -> list[PostView]:
    """Views of many posts with their ledger rows and reviewers' decisions read in a few
    queries; the same views view_of gives one at a time."""
    rows: dict[int, list[Publication]] = defaultdict(list)
    decisions: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for start in range(0, len(posts), _CHUNK):
        chunk = posts[start:start + _CHUNK]
        for row in s.scalars(select(Publication).where(
                Publication.post_id.in_([p.id for p in chunk])).order_by(Publication.id)):
            rows[row.post_id].append(row)
        current = [p.versions[-1].id for p in chunk]
        for version_id, decision, rule in s.execute(
                select(Approval.version_id, Approval.decision, Approval.rule)
                .where(Approval.version_id.in_(current)).order_by(Approval.id)):
            decisions[version_id].append((decision, rule))
    spaces = {w: s.get_one(Workspace, w) for w in {p.workspace_id for p in posts}}
    return [_build(p, rows[p.id], decisions[p.versions[-1].id], spaces[p.workspace_id])
            for p in posts]


def load_post(s: Session, actor: Actor, post_id: int) -> Post:
    post = s.get(Post, post_id)
    if post is None or post.workspace_id != actor.workspace_id:
        raise NotFound(f"no post {post_id} in this workspace")
    return post


def view_of(s: Session, post: Post, warnings: list[str] | None = None) -> PostView:
    current = post.versions[-1]
    rows = s.scalars(select(Publication).where(Publication.post_id == post.id)
                     .order_by(Publication.id)).all()
    decisions = [(d, r) for d, r in s.execute(
        select(Approval.decision, Approval.rule).where(Approval.version_id == current.id)
        .order_by(Approval.id))]
    return _build(post, list(rows), decisions, s.get_one(Workspace, post.workspace_id),
                  warnings)


def _build(post: Post, rows: list[Publication], decisions: list[tuple[str, str | None]],
           ws: Workspace, warnings: list[str] | None = None) -> PostView:
    """A post's view from its rows and its current version's decisions (oldest first)."""
    current = post.versions[-1]
    numbers = {v.id: v.number for v in post.versions}
    ledger = [LedgerView(r.id, f"{r.account.network}:{r.account.handle}",
                         numbers.get(r.version_id, 0), r.state, r.due_at, r.attempts,
                         r.remote_id, r.remote_url, r.published_at, r.last_error) for r in rows]
    unresolved = _unresolved(current, decisions)
    answers = [d for d, _ in decisions if d in ("approved", "rejected")]
    approved = bool(answers) and answers[-1] == "approved"
    return PostView(
        id=post.id, status=post.status,
        stage=_stage(post, unresolved, approved or not needs_signoff(ws, post), ledger),
        scheduled_at=post.scheduled_at, version=current.number, version_id=current.id,
        text=current.text, link=current.link,
        variants={v.network: v.text for v in current.variants},
        targets=[view(t.account) for t in post.targets],
        findings=[FindingView(f.rule, f.category, f.severity, f.start, f.end, f.excerpt, f.message,
                              f.suggestion, f.source, f.network, f.account_kind)
                  for f in current.findings],
        promotional=current.promotional, unresolved=unresolved, approved=approved, ledger=ledger,
        warnings=warnings or [], images=stored_images(current.images),
        review_requested=post.review_requested_at is not None,
    )


def _unresolved(version: PostVersion, decisions: list[tuple[str, str | None]]) -> list[str]:
    blocking = {f.rule for f in version.findings if f.severity == "block"}
    return sorted(blocking - {rule for d, rule in decisions if d == "override"})


def _stage(post: Post, unresolved: list[str], cleared: bool, ledger: list[LedgerView]) -> str:
    live = [r for r in ledger if r.state != "cancelled"]
    if live and all(r.state == "published" for r in live):
        return "published"
    if any(r.state in ("failed", "uncertain", "expired") for r in live):
        return "needs attention"
    if unresolved:
        return "blocked"
    waits = post.status == "scheduled" or post.review_requested_at is not None
    if waits and not cleared:
        return "awaiting sign-off"
    return "scheduled" if post.status == "scheduled" else "draft"


def needs_signoff(ws: Workspace, post: Post) -> bool:
    """A version goes out only after a reviewer's sign-off when the workspace requires one or
    when its author asked for a review (the request holds the post until it is answered)."""
    return ws.require_signoff or post.review_requested_at is not None


def unresolved_in(s: Session, version: PostVersion) -> list[str]:
    return _unresolved(version, [(d, r) for d, r in s.execute(
        select(Approval.decision, Approval.rule).where(Approval.version_id == version.id))])


def is_approved(s: Session, version: PostVersion) -> bool:
    last = s.scalar(select(Approval.decision).where(
        Approval.version_id == version.id, Approval.decision.in_(("approved", "rejected")))
        .order_by(Approval.id.desc()).limit(1))
    return last == "approved"


def unresolved_rules(s: Session, post: Post) -> list[str]:
    """Blocking rules of the post's current version that no reviewer has overridden."""
    return unresolved_in(s, post.versions[-1])


def stored_images(stored: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """The images a version keeps: [{"path", "alt", "mime"}]."""
    return [dict(i) for i in (stored or {}).get("items") or []]
