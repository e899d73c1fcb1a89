"""Workspaces (a practice), their members and roles, and who is acting.

Roles: an `owner` runs the workspace (accounts, members, strategy) and can do what an editor does;
an `editor` composes and schedules; a `reviewer` signs off versions and overrides blocking findings
with a reason. An owner is not a reviewer unless also given that role: sign-off is a second pair of
eyes, so a workspace that wants it adds a reviewer.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedside.errors import EX_NOINPUT, EX_NOPERM, BedsideError, UsageError
from bedside.guard.context import Practice, ProfileError, practice_from_mapping
from bedside.services import audit
from bedside.store import Store
from bedside.store.models import ROLES, Membership, User, Workspace

# What each role may do; an owner may do everything an editor may.
PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset({"compose", "schedule", "manage"}),
    "editor": frozenset({"compose", "schedule"}),
    "reviewer": frozenset({"review"}),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class NotFound(BedsideError):
    """The thing asked for does not exist in this workspace."""

    exit_code = EX_NOINPUT


class PermissionDenied(BedsideError):
    """The acting user's role does not allow this."""

    exit_code = EX_NOPERM


@dataclass(frozen=True)
class Actor:
    """A user acting in one workspace, with every role they hold there."""

    user_id: int
    email: str
    workspace_id: int
    roles: frozenset[str]

    def can(self, permission: str) -> bool:
        return any(permission in PERMISSIONS[r] for r in self.roles)

    def require(self, permission: str, doing: str) -> None:
        if not self.can(permission):
            held = ", ".join(sorted(self.roles)) or "no role"
            raise PermissionDenied(f"{self.email} ({held}) may not {doing}")


def parse_profile(
    profile_toml: str, *, where: str = "practice profile"
) -> tuple[Practice, dict[str, Any]]:
    try:
        data = tomllib.loads(profile_toml)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where} is not valid TOML: {exc}") from None
    practice = practice_from_mapping(data, where=where)
    table = data.get("practice", data)
    return practice, table if isinstance(table, dict) else {}


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"{name!r} is not a time zone; use an IANA name such as America/Chicago"
        ) from None
    return name


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "practice"


def init_workspace(
    store: Store,
    *,
    profile_toml: str,
    owner_email: str,
    timezone: str | None = None,
    where: str = "practice profile",
    demo: bool = False,
) -> Actor:
    """Create a practice from its profile (the practice TOML) with its first owner."""
    practice, table = parse_profile(profile_toml, where=where)
    if not practice.name:
        raise ProfileError(f"{where}: practice.name is required")
    zone = check_timezone(timezone or str(table.get("timezone") or "UTC"))
    email = _check_email(owner_email)
    with store.session() as s:
        slug = _free_slug(s, slugify(practice.name) + ("-demo" if demo else ""))
        ws = Workspace(name=practice.name, slug=slug, timezone=zone, profile_toml=profile_toml,
                       is_demo=demo)
        s.add(ws)
        user = _user(s, email)
        s.flush()
        s.add(Membership(workspace_id=ws.id, user_id=user.id, role="owner"))
        audit.record(s, ws.id, "workspace.created", actor_id=user.id, slug=slug)
        return Actor(user.id, email, ws.id, frozenset({"owner"}))


def update_profile(store: Store, actor: Actor, profile_toml: str) -> Practice:
    actor.require("manage", "change the practice profile")
    practice, _ = parse_profile(profile_toml)
    with store.session() as s:
        ws = s.get_one(Workspace, actor.workspace_id)
        ws.profile_toml = profile_toml
        if practice.name:
            ws.name = practice.name
        audit.record(s, ws.id, "workspace.profile_updated", actor_id=actor.user_id)
    return practice


def set_require_signoff(store: Store, actor: Actor, required: bool) -> None:
    actor.require("manage", "change the sign-off rule")
    with store.session() as s:
        s.get_one(Workspace, actor.workspace_id).require_signoff = required
        audit.record(s, actor.workspace_id, "workspace.signoff_rule", actor_id=actor.user_id,
                     required=required)


def add_member(store: Store, actor: Actor, email: str, role: str) -> None:
    actor.require("manage", "add members")
    if role not in ROLES:
        raise UsageError(f"{role!r} is not a role; use one of {', '.join(ROLES)}")
    email = _check_email(email)
    with store.session() as s:
        user = _user(s, email)
        s.flush()
        exists = s.scalar(select(Membership).where(
            Membership.workspace_id == actor.workspace_id, Membership.user_id == user.id,
            Membership.role == role))
        if exists is None:
            s.add(Membership(workspace_id=actor.workspace_id, user_id=user.id, role=role))
            audit.record(s, actor.workspace_id, "member.added", actor_id=actor.user_id,
                         member_id=user.id, member=email, role=role)


def set_role(store: Store, actor: Actor, email: str, role: str) -> None:
    """Give a member another role; the practice always keeps an owner."""
    actor.require("manage", "change members' roles")
    if role not in ROLES:
        raise UsageError(f"{role!r} is not a role; use one of {', '.join(ROLES)}")
    with store.session() as s:
        member = _membership(s, actor, email)
        if member.role == role:
            return
        if member.role == "owner":
            _keep_an_owner(s, actor, member)
        audit.record(s, actor.workspace_id, "member.role_changed", actor_id=actor.user_id,
                     member_id=member.user_id, member=member.user.email, role=role,
                     previous=member.role)
        member.role = role


def remove_member(store: Store, actor: Actor, email: str) -> None:
    """Take a member out of this practice (their sign-in stays for other practices); what they
    wrote, approved and did stays, and the audit log keeps their name."""
    actor.require("manage", "remove members")
    with store.session() as s:
        member = _membership(s, actor, email)
        if member.role == "owner":
            _keep_an_owner(s, actor, member)
        audit.record(s, actor.workspace_id, "member.removed", actor_id=actor.user_id,
                     member_id=member.user_id, member=member.user.email, role=member.role)
        s.delete(member)


def _membership(s: Session, actor: Actor, email: str) -> Membership:
    found = s.scalar(select(Membership).join(User, User.id == Membership.user_id).where(
        Membership.workspace_id == actor.workspace_id,
        User.email == email.strip().lower()))
    if found is None:
        raise NotFound(f"{email.strip()} is not a member of this practice")
    return found


def _keep_an_owner(s: Session, actor: Actor, leaving: Membership) -> None:
    # The owners' rows locked in one order (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
    # serialises writers), so two owners demoting each other at once cannot both succeed: the
    # second re-reads after the first commits and finds one owner left.
    owners = s.scalars(select(Membership.id).where(
        Membership.workspace_id == actor.workspace_id, Membership.role == "owner")
        .order_by(Membership.id).with_for_update()).all()
    if len(owners) <= 1:
        raise UsageError(f"{leaving.user.email} is the practice's only owner; "
                         "make another member an owner first")


def members(store: Store, actor: Actor) -> list[tuple[str, str]]:
    with store.session() as s:
        rows = s.scalars(select(Membership).where(Membership.workspace_id == actor.workspace_id))
        return sorted((m.user.email, m.role) for m in rows)


def actor_for(store: Store, email: str | None = None, workspace: str | None = None) -> Actor:
    """Who is acting: by email (default: the workspace's first owner) in a workspace (by slug;
    default: the only non-demo one)."""
    with store.session() as s:
        ws = _workspace(s, workspace)
        query = select(Membership).where(Membership.workspace_id == ws.id)
        rows = list(s.scalars(query.order_by(Membership.id)))
        if email is None:
            owners = [m for m in rows if m.role == "owner"]
            if not owners:
                raise NotFound(f"workspace {ws.slug} has no owner")
            email = owners[0].user.email
        email = email.strip().lower()
        mine = [m for m in rows if m.user.email == email]
        if not mine:
            raise NotFound(f"{email} is not a member of {ws.slug}")
        return Actor(mine[0].user_id, email, ws.id, frozenset(m.role for m in mine))


def workspace(store: Store, actor: Actor) -> Workspace:
    with store.session() as s:
        return s.get_one(Workspace, actor.workspace_id)


def practice_of(ws: Workspace) -> Practice:
    return parse_profile(ws.profile_toml)[0] if ws.profile_toml else Practice(name=ws.name)


def _workspace(s: Session, slug: str | None) -> Workspace:
    if slug is not None:
        ws = s.scalar(select(Workspace).where(Workspace.slug == slug))
        if ws is None:
            raise NotFound(f"no workspace {slug!r}")
        return ws
    real = list(s.scalars(select(Workspace).where(Workspace.is_demo.is_(False))))
    if not real:
        raise NotFound("no practice yet: run `bedside init --practice FILE.toml` first")
    if len(real) > 1:
        names = ", ".join(w.slug for w in real)
        raise UsageError(f"several workspaces ({names}); say which with --workspace")
    return real[0]


def _free_slug(s: Session, base: str) -> str:
    slug, n = base, 1
    while s.scalar(select(Workspace.id).where(Workspace.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _user(s: Session, email: str) -> User:
    user = s.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email)
        s.add(user)
    return user


def _check_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise UsageError(f"{email!r} is not an email address")
    return email
