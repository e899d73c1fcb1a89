"""The append-only audit log: who did what to which post version, when, and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedside.store.models import AuditEntry


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
