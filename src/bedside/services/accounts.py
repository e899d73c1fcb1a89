"""Accounts on the networks: connected with sealed credentials, listed, paused and resumed.

A paused account keeps its scheduled posts waiting; the publisher pauses one itself when a network
says its credentials are no good, and says why.

Connecting goes through the network: `connect_account` hands what the user typed (an app
password) to `network.connect`, which checks it and returns what to keep; OAuth networks take two
steps, `start_oauth` (the address to open; what the callback needs waits in the data directory
for an hour, keyed by a hash of the random `state`) and `finish_oauth` (the address the browser
came back to). Credentials are sealed before they reach the database and never logged.
`refresh_if_needed` renews them before they expire; the publisher calls it before publishing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets as random_secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import select

from bedside.errors import BedsideError, UsageError
from bedside.networks.base import Network, NetworkContext, OAuthNetwork, Refreshable
from bedside.networks.registry import get_network, names
from bedside.services import audit
from bedside.services.workspaces import Actor, NotFound
from bedside.settings import Settings
from bedside.store import Store
from bedside.store.models import ACCOUNT_KINDS, Account
from bedside.store.secrets import sealer_for

log = logging.getLogger(__name__)
OAUTH_TTL = 3600.0  # seconds a user has to finish signing in
HTTP_TIMEOUT = 30.0


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
    network, handle = _checked(network, handle, kind)
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


# Connecting


class ConnectError(BedsideError):
    """An OAuth callback that cannot finish (unknown or old link, access refused)."""


@dataclass(frozen=True)
class OAuthStart:
    """Where to send the user; the `state` in it brings them back to this connection."""

    network: str
    handle: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"network": self.network, "handle": self.handle, "url": self.url}


def new_http_client() -> httpx.Client:
    """The HTTP client connectors get when the caller gives none (the one seam tests replace)."""
    return httpx.Client(timeout=HTTP_TIMEOUT, follow_redirects=False)


@contextmanager
def network_for(settings: Settings, name: str,
                http: httpx.Client | None = None) -> Iterator[Network]:
    """The connector for `name` on the data directory and one HTTP client (made and closed
    here unless given)."""
    client = http or new_http_client()
    try:
        yield get_network(name, NetworkContext(data_dir=settings.data_dir, http=client))
    finally:
        if http is None:
            client.close()


def network_names() -> list[str]:
    """The networks bedside can connect, for a chooser."""
    return names()


def uses_oauth(settings: Settings, network: str) -> bool:
    """Whether connecting `network` sends the user to the network to authorise bedside."""
    with network_for(settings, network) as net:
        return isinstance(net, OAuthNetwork)


def connect_account(
    store: Store, settings: Settings, actor: Actor, *, network: str, handle: str,
    secrets: Mapping[str, str], kind: str = "practice", http: httpx.Client | None = None,
) -> AccountView:
    """Check `secrets` with the network and keep what it returns, sealed (a new account, or new
    credentials for a known one). Raises what the network raises (PermanentError: refused)."""
    actor.require("manage", "connect accounts")
    network, handle = _checked(network, handle, kind)
    with network_for(settings, network, http) as net:
        credentials = net.connect(handle, secrets)
    return _save(store, settings, actor, network=network, handle=handle, kind=kind,
                 credentials=credentials, how="password")


def start_oauth(
    store: Store, settings: Settings, actor: Actor, *, network: str, handle: str,
    redirect_uri: str, kind: str = "practice", http: httpx.Client | None = None,
) -> OAuthStart:
    """Return the address where the user grants access; `finish_oauth` takes it from there."""
    actor.require("manage", "connect accounts")
    network, handle = _checked(network, handle, kind)
    state = random_secrets.token_urlsafe(32)
    with network_for(settings, network, http) as net:
        if not isinstance(net, OAuthNetwork):
            raise UsageError(f"{network} accounts connect with credentials, not in a browser:"
                             f" bedside account connect {network} {handle}")
        url = net.authorization_url(state=state, redirect_uri=redirect_uri, handle=handle)
    _pending_put(settings.data_dir, state, {
        "workspace_id": actor.workspace_id, "network": network, "handle": handle,
        "kind": kind, "redirect_uri": redirect_uri,
    })
    log.info("oauth started for %s:%s", network, handle)
    return OAuthStart(network, handle, url)


def finish_oauth(
    store: Store, settings: Settings, actor: Actor, *, callback_url: str,
    http: httpx.Client | None = None,
) -> AccountView:
    """Finish a connection from the address the browser came back to (with code and state)."""
    actor.require("manage", "connect accounts")
    query = parse_qs(urlsplit(callback_url.strip()).query)
    state, code = _one(query, "state"), _one(query, "code")
    error = _one(query, "error")
    if state is None:
        raise UsageError("That address has no state: paste the whole address the browser"
                         " shows after you granted access.")
    pending = _pending_take(settings.data_dir, state)
    if pending["workspace_id"] != actor.workspace_id:
        raise ConnectError("That sign-in was started for another practice.")
    network, handle = pending["network"], pending["handle"]
    if error is not None or code is None:
        said = _one(query, "error_description") or error or "no code came back"
        raise ConnectError(f"{network} did not grant access to {handle}: {said}.")
    with network_for(settings, network, http) as net:
        if not isinstance(net, OAuthNetwork):
            raise ConnectError(f"{network} no longer connects in a browser.")
        granted = net.complete_authorization(code=code, state=state,
                                             redirect_uri=pending["redirect_uri"])
        credentials = net.connect(handle, granted)  # checks them, picks the account (a Page)
    return _save(store, settings, actor, network=network, handle=handle, kind=pending["kind"],
                 credentials=credentials, how="oauth")


def refresh_if_needed(store: Store, settings: Settings, account_id: int, *,
                      http: httpx.Client | None = None) -> bool:
    """Renew the account's credentials when its network says they expire soon; True if renewed.

    Called by the publisher before a publication. The account's row stays locked from reading
    the old credentials to storing the new ones, so two workers never spend one single-use
    refresh token. Raises PermanentError when they cannot be renewed (reconnect the account).
    """
    with store.session() as s:
        account = s.scalar(select(Account).where(Account.id == account_id).with_for_update())
        if account is None:
            raise NotFound(f"no account {account_id}")
        if account.credentials is None:
            return False
        with network_for(settings, account.network, http) as net:
            if not isinstance(net, Refreshable):
                return False
            sealer = sealer_for(settings)
            renewed = net.refresh(sealer.open(account.credentials))
        if renewed is None:
            return False
        account.credentials = sealer.seal(renewed)
        audit.record(s, account.workspace_id, "account.refreshed", account_id=account.id,
                     network=account.network)
        log.info("credentials renewed for account %s (%s)", account.id, account.network)
        return True


def _checked(network: str, handle: str, kind: str) -> tuple[str, str]:
    network = network.strip().lower()
    if network not in names():  # the registry: every network with a connector
        known = ", ".join(names())
        raise UsageError(f"{network!r} is not a network bedside knows ({known})")
    if kind not in ACCOUNT_KINDS:
        raise UsageError(f"account kind must be practice or personal, not {kind!r}")
    handle = handle.strip().lstrip("@")
    if not handle:
        raise UsageError("an account needs a handle")
    return network, handle


def _save(store: Store, settings: Settings, actor: Actor, *, network: str, handle: str,
          kind: str, credentials: Mapping[str, str], how: str) -> AccountView:
    """Add the account, or give a known one its new credentials (its status is left alone)."""
    sealed = sealer_for(settings).seal(credentials)
    with store.session() as s:
        account = s.scalar(select(Account).where(
            Account.workspace_id == actor.workspace_id, Account.network == network,
            Account.handle == handle).with_for_update())
        if account is None:
            account = Account(workspace_id=actor.workspace_id, network=network, handle=handle,
                              kind=kind, credentials=sealed, options={})
            s.add(account)
            s.flush()
            action = "account.added"
        else:
            account.credentials = sealed
            action = "account.reconnected"
        audit.record(s, actor.workspace_id, action, actor_id=actor.user_id,
                     account_id=account.id, network=network, kind=account.kind, how=how)
        return view(account)


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _pending_path(data_dir: Path, state: str) -> Path:
    digest = hashlib.sha256(state.encode("utf-8")).hexdigest()
    return data_dir / "account-connect" / f"{digest}.json"


def _pending_put(data_dir: Path, state: str, values: Mapping[str, Any]) -> None:
    """Keep what the callback needs (no secret: network, handle, kind, workspace, redirect)."""
    path = _pending_path(data_dir, state)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    limit = time.time() - OAUTH_TTL
    for stale in path.parent.glob("*.json"):  # what nobody came back for
        try:
            if stale.stat().st_mtime < limit:
                stale.unlink()
        except OSError:
            pass
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"created": time.time(), **values}, out)


def _pending_take(data_dir: Path, state: str) -> dict[str, Any]:
    """What `start_oauth` kept for `state`, once (a callback cannot be replayed)."""
    path = _pending_path(data_dir, state)
    try:
        pending = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
    except (OSError, ValueError):
        pending = None
    if not isinstance(pending, dict) or time.time() - float(pending["created"]) > OAUTH_TTL:
        raise ConnectError("This sign-in address is unknown, used or more than an hour old:"
                           " start again with `bedside account connect`.")
    return pending
