"""People who sign in to the dashboard: passwords (argon2id), sign-in, their workspaces.

Only an argon2 hash is stored (argon2-cffi's defaults, RFC 9106's low-memory profile). A session
carries a fingerprint of the hash, so changing a password ends every other session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from bedside.errors import BedsideError, UsageError
from bedside.services.workspaces import EMAIL, Actor
from bedside.store import Store
from bedside.store.models import Membership, User, Workspace

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a cap keeps a request from costing seconds
_hasher = PasswordHasher()
# Verified when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("bedside: no such user")


class SignInFailed(BedsideError):
    """Wrong email or password (never says which)."""


@dataclass(frozen=True)
class WorkspaceChoice:
    id: int
    name: str
    slug: str
    is_demo: bool
    roles: tuple[str, ...]


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    email: str
    fingerprint: str


def fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:24]


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"the password may have at most {MAX_PASSWORD} characters")
    return password


def check_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise UsageError(f"{email!r} is not an email address")
    return email


def needs_owner(store: Store) -> bool:
    """True until someone has a password: the dashboard then starts with first run."""
    with store.session() as s:
        return s.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is None


def create_owner(store: Store, email: str, password: str) -> SignedIn:
    """First run: the first person with a password. Where a practice already exists (made with
    `bedside init`), only one of its owners may claim it."""
    email, password = check_email(email), check_password(password)
    hashed = _hasher.hash(password)
    with store.session() as s:
        if s.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is not None:
            raise UsageError("bedside already has an owner; sign in instead")
        owners = set(s.scalars(
            select(User.email).join(Membership, Membership.user_id == User.id)
            .join(Workspace, Workspace.id == Membership.workspace_id)
            .where(Membership.role == "owner", Workspace.is_demo.is_(False))))
        if owners and email not in owners:
            raise UsageError("a practice already exists here: use its owner's email "
                             "(the one given to `bedside init`)")
        user = s.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email)
            s.add(user)
        user.password_hash = hashed
        s.flush()
        return SignedIn(user.id, email, fingerprint(hashed))


def authenticate(store: Store, email: str, password: str) -> SignedIn:
    """The user with this email and password; SignInFailed otherwise (same message either way)."""
    email = email.strip().lower()
    with store.session() as s:
        user = s.scalar(select(User).where(User.email == email))
        stored = user.password_hash if user is not None else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD])
            if user is None or stored is None:
                raise VerificationError
        except (VerificationError, InvalidHashError):
            raise SignInFailed("that email and password do not match") from None
        if _hasher.check_needs_rehash(stored):
            user.password_hash = stored = _hasher.hash(password)
        return SignedIn(user.id, user.email, fingerprint(stored))


def set_password(store: Store, user_id: int, password: str) -> SignedIn:
    """Give a user a new password (their own, or a new member's first); other sessions end."""
    hashed = _hasher.hash(check_password(password))
    with store.session() as s:
        user = s.get_one(User, user_id)
        user.password_hash = hashed
        return SignedIn(user.id, user.email, fingerprint(hashed))


def signed_in(store: Store, user_id: int, fp: str) -> SignedIn | None:
    """The session's user if it still exists and its password has not changed since."""
    with store.session() as s:
        user = s.get(User, user_id)
        if user is None or user.password_hash is None or fingerprint(user.password_hash) != fp:
            return None
        return SignedIn(user.id, user.email, fp)


def workspaces_of(store: Store, user_id: int) -> list[WorkspaceChoice]:
    """Every workspace the user belongs to, real ones first, then by name."""
    with store.session() as s:
        rows = s.execute(
            select(Workspace, Membership.role).join(Membership,
                                                    Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user_id))
        found: dict[int, tuple[Workspace, set[str]]] = {}
        for ws, role in rows:
            found.setdefault(ws.id, (ws, set()))[1].add(role)
        choices = [WorkspaceChoice(ws.id, ws.name, ws.slug, ws.is_demo, tuple(sorted(roles)))
                   for ws, roles in found.values()]
    return sorted(choices, key=lambda c: (c.is_demo, c.name.lower(), c.id))


def actor_in(store: Store, user: SignedIn, workspace_id: int) -> Actor | None:
    """The user acting in that workspace, or None when they are not a member of it."""
    with store.session() as s:
        roles = frozenset(s.scalars(select(Membership.role).where(
            Membership.user_id == user.user_id, Membership.workspace_id == workspace_id)))
    return Actor(user.user_id, user.email, workspace_id, roles) if roles else None
