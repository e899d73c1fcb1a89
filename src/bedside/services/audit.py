"""The append-only audit log: who did what to which post version, when, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedside.store.models import AuditEntry, User

if TYPE_CHECKING:
    from bedside.services.workspaces import Actor
    from bedside.store import Store


def record(
    session: Session,
    workspace_id: int,
    action: str,
    *,
    actor_id: int | None = None,
    post_id: int | None = None,
    version_id: int | None = None,
    account_id: int | None = None,
    reason: str | None = None,
    **detail: Any,
) -> None:
    """Add one entry in the caller's transaction (so it lands exactly when the change does).

    `detail` holds ids, counts and rule names, never a post's text (it may hold PHI).
    """
    session.add(
        AuditEntry(
            workspace_id=workspace_id,
            action=action,
            actor_id=actor_id,
            post_id=post_id,
            version_id=version_id,
            account_id=account_id,
            reason=reason,
            detail=detail,
        )
    )


def entries(
    session: Session,
    workspace_id: int,
    *,
    action: str | None = None,
    post_id: int | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if post_id is not None:
        query = query.where(AuditEntry.post_id == post_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)).all()


@dataclass(frozen=True)
class EntryView:
    """An audit entry as pages show it: who by email, what, when, why (never a post's text)."""

    id: int
    at: datetime
    action: str
    actor: str | None
    post_id: int | None
    version_id: int | None
    account_id: int | None
    reason: str | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


def list_entries(store: Store, actor: Actor, *, action: str | None = None,
                 post_id: int | None = None, actor_email: str | None = None,
                 since: datetime | None = None, limit: int = 200) -> list[EntryView]:
    """The workspace's log, newest first, filtered; owners and reviewers may read it."""
    if not (actor.can("manage") or actor.can("review")):
        from bedside.services.workspaces import PermissionDenied  # workspaces imports audit

        raise PermissionDenied(f"{actor.email} may not read the audit log")
    with store.session() as s:
        actor_id = None
        if actor_email:
            actor_id = s.scalar(select(User.id).where(User.email == actor_email.strip().lower()))
            if actor_id is None:
                return []
        rows = entries(s, actor.workspace_id, action=action, post_id=post_id, actor_id=actor_id,
                       since=since, limit=limit)
        emails = dict(s.execute(select(User.id, User.email).where(
            User.id.in_({r.actor_id for r in rows if r.actor_id is not None}))).all())
        return [EntryView(r.id, r.at, r.action, emails.get(r.actor_id) if r.actor_id else None,
                          r.post_id, r.version_id, r.account_id, r.reason, dict(r.detail))
                for r in rows]
