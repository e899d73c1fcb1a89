"""The secret calendar address: an ICS feed a calendar app can subscribe to without signing in.

The token is random (256 bits) and shown once, when it is made; only its SHA-256 is stored, so
a copy of the database cannot be turned into the address (a fast hash suffices: the token is
random, not a password). A workspace has at most one: making a new one retires the old. The
feed is read as the member who made it, so it stops when they leave the practice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from bedside.services import audit
from bedside.services.calendar import calendar_feed
from bedside.services.workspaces import Actor, NotFound
from bedside.store import Store
from bedside.store.models import CalendarLink, Membership, User

TOKEN_BYTES = 32


@dataclass(frozen=True)
class LinkInfo:
    created_at: datetime
    created_by: str  # the member's email


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(store: Store, actor: Actor) -> str:
    """A new secret token for the workspace's feed (the old one stops working)."""
    actor.require("manage", "make the calendar link")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.session() as s:
        s.execute(delete(CalendarLink).where(CalendarLink.workspace_id == actor.workspace_id))
        s.add(CalendarLink(workspace_id=actor.workspace_id, token_hash=token_hash(token),
                           created_by=actor.user_id))
        audit.record(s, actor.workspace_id, "calendar.link_created", actor_id=actor.user_id)
    return token


def revoke_link(store: Store, actor: Actor) -> bool:
    actor.require("manage", "turn off the calendar link")
    with store.session() as s:
        gone = s.execute(delete(CalendarLink).where(
            CalendarLink.workspace_id == actor.workspace_id)).rowcount  # type: ignore[attr-defined]
        if gone:
            audit.record(s, actor.workspace_id, "calendar.link_revoked", actor_id=actor.user_id)
        return bool(gone)


def link_info(store: Store, actor: Actor) -> LinkInfo | None:
    with store.session() as s:
        row = s.execute(select(CalendarLink.created_at, User.email)
                        .join(User, User.id == CalendarLink.created_by)
                        .where(CalendarLink.workspace_id == actor.workspace_id)).first()
        return LinkInfo(row[0], row[1]) if row else None


def feed_for_token(store: Store, token: str) -> bytes:
    """The ICS feed the token opens; NotFound for an unknown or retired token, or when its
    maker is no longer a member."""
    with store.session() as s:
        link = s.scalar(select(CalendarLink).where(CalendarLink.token_hash == token_hash(token)))
        roles = frozenset(s.scalars(select(Membership.role).where(
            Membership.workspace_id == link.workspace_id,
            Membership.user_id == link.created_by))) if link else frozenset()
        if link is None or not roles:
            raise NotFound("no such calendar")
        user = s.get_one(User, link.created_by)
        actor = Actor(user.id, user.email, link.workspace_id, roles)
    return calendar_feed(store, actor)
