"""Accounts on the networks: added with sealed credentials, listed, paused and resumed.

A paused account keeps its scheduled posts waiting; the publisher pauses one itself when a network
says its credentials are no good, and says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bedside.errors import UsageError
from bedside.services import audit
from bedside.services.workspaces import Actor, NotFound
from bedside.settings import Settings
from bedside.store import Store
from bedside.store.models import ACCOUNT_KINDS, Account
from bedside.store.secrets import sealer_for

KNOWN_NETWORKS = ("bluesky", "mastodon", "x", "facebook", "instagram", "linkedin", "threads",
                  "outbox")


@dataclass(frozen=True)
class AccountView:
    id: int
    network: str
    handle: str
    kind: str
    status: str
    paused_reason: str | None
    has_credentials: bool

    @property
    def label(self) -> str:
        return f"{self.network}:{self.handle}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "network": self.network, "handle": self.handle, "kind": self.kind,
                "status": self.status, "paused_reason": self.paused_reason,
                "has_credentials": self.has_credentials}


def view(a: Account) -> AccountView:
    return AccountView(a.id, a.network, a.handle, a.kind, a.status, a.paused_reason,
                       a.credentials is not None)


def add_account(
    store: Store,
    settings: Settings,
    actor: Actor,
    *,
    network: str,
    handle: str,
    kind: str = "practice",
    credentials: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> AccountView:
    actor.require("manage", "add accounts")
    network = network.strip().lower()
    if network not in KNOWN_NETWORKS:
        known = ", ".join(KNOWN_NETWORKS)
        raise UsageError(f"{network!r} is not a network bedside knows ({known})")
    if kind not in ACCOUNT_KINDS:
        raise UsageError(f"account kind must be practice or personal, not {kind!r}")
    handle = handle.strip().lstrip("@")
    if not handle:
        raise UsageError("an account needs a handle")
    sealed = sealer_for(settings).seal(credentials) if credentials else None
    with store.session() as s:
        clash = s.scalar(select(Account).where(
            Account.workspace_id == actor.workspace_id, Account.network == network,
            Account.handle == handle))
        if clash is not None:
            raise UsageError(f"{network}:{handle} is already connected (account {clash.id})")
        account = Account(workspace_id=actor.workspace_id, network=network, handle=handle,
                          kind=kind, credentials=sealed, options=dict(options or {}))
        s.add(account)
        s.flush()
        audit.record(s, actor.workspace_id, "account.added", actor_id=actor.user_id,
                     account_id=account.id, network=network, kind=kind)
        return view(account)


def list_accounts(store: Store, actor: Actor) -> list[AccountView]:
    with store.session() as s:
        rows = s.scalars(select(Account).where(Account.workspace_id == actor.workspace_id)
                         .order_by(Account.id))
        return [view(a) for a in rows]


def find_account(store: Store, actor: Actor, ref: str | int) -> AccountView:
    """An account by id, `network:handle` or a handle that is unique in the workspace."""
    for a in list_accounts(store, actor):
        if str(ref) in (str(a.id), a.label, a.handle, "@" + a.handle):
            return a
    raise NotFound(f"no account {ref!r} in this workspace")


def set_paused(store: Store, actor: Actor, ref: str | int, *, paused: bool,
               reason: str | None = None) -> AccountView:
    actor.require("manage", "pause or resume accounts")
    target = find_account(store, actor, ref)
    with store.session() as s:
        account = s.get_one(Account, target.id)
        account.status = "paused" if paused else "active"
        account.paused_reason = (reason or "paused by a user") if paused else None
        audit.record(s, actor.workspace_id, "account.paused" if paused else "account.resumed",
                     actor_id=actor.user_id, account_id=account.id, reason=reason)
        return view(account)
