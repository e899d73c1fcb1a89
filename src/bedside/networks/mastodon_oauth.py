"""Connecting a Mastodon account with OAuth 2: register an app on the account's server, send the
user to sign in, exchange the callback's code for a token.

Steps (https://docs.joinmastodon.org/client/token/, /methods/apps/#create, /methods/oauth/):
  1. `POST /api/v1/apps` registers bedside on the server with the callback address and scopes
     (Mastodon.py's `create_app`, on the injected client).
  2. The authorization URL carries PKCE (S256) when the server says it supports it in its
     RFC 8414 metadata, `/.well-known/oauth-authorization-server` (Mastodon 4.3+); older servers
     get the plain code flow. Mastodon.py builds neither PKCE nor the metadata-driven URL, so
     this module does both; the token request (`POST /oauth/token`) is sent here too, because
     Mastodon.py's `log_in` cannot send a `code_verifier`.
  3. The token is checked with `GET /api/v1/accounts/verify_credentials`.

Mastodon tokens do not expire unless the server says so (`expires_in`); `refresh` renews only
those that do and came with a refresh token.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from mastodon import Mastodon, MastodonError

from bedside.errors import UsageError
from bedside.networks import http, oauth_pending
from bedside.networks.base import PermanentError
from bedside.networks.sdk_http import session_over

__all__ = ["SCOPES", "authorization_url", "check_same_account", "complete", "instance_of",
           "refresh"]

NAME = "Mastodon"
# Granular scopes (https://docs.joinmastodon.org/api/oauth-scopes/): post, read replies and
# mentions, read followers and counts, edit the profile; nothing else (no follows, no DMs).
SCOPES = ("read:accounts", "read:statuses", "read:notifications", "write:statuses",
          "write:media", "write:accounts")
REFRESH_AHEAD = timedelta(hours=1)


def instance_of(handle: str) -> str:
    """`@name@server` (or `name@server`) → `https://server`."""
    name, _, server = handle.strip().lstrip("@").partition("@")
    if not name or not server or "/" in server or " " in server:
        raise UsageError(f"A Mastodon handle looks like @name@server.example, not {handle!r}.")
    return f"https://{server.lower()}"


def check_same_account(handle: str, acct: str, instance: str) -> None:
    """The token must belong to the account being connected."""
    wanted = handle.strip().lstrip("@").partition("@")[0].lower()
    if acct.partition("@")[0].lower() != wanted:
        raise PermanentError(f"This {NAME} token belongs to @{acct} on {instance}, not to"
                             f" {handle}.")


def authorization_url(client: httpx.Client, data_dir: Path, *, state: str, redirect_uri: str,
                      handle: str) -> str:
    """Register the app on the handle's server and return where the user signs in."""
    if not handle:
        raise UsageError("Connecting Mastodon needs the account's handle (@name@server) to know"
                         " which server to ask.")
    instance = instance_of(handle)
    metadata = _metadata(client, instance)
    session, adapter = session_over(client)
    try:
        client_id, client_secret = Mastodon.create_app(
            "bedside", scopes=list(SCOPES), redirect_uris=redirect_uri,
            api_base_url=instance, session=session, user_agent="bedside")
    except (MastodonError, KeyError) as exc:
        if adapter.last is not None and adapter.last.status_code >= 400:
            http.raise_for_status(adapter.last, network=NAME)
        raise PermanentError(f"{instance} did not register bedside as an app: {exc}") from None
    params = {"client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri,
              "scope": " ".join(SCOPES), "state": state}
    pending = {"instance": instance, "client_id": client_id, "client_secret": client_secret,
               "redirect_uri": redirect_uri,
               "token_endpoint": _text(metadata, "token_endpoint", f"{instance}/oauth/token")}
    methods = metadata.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" in methods:
        verifier = oauth_pending.new_verifier()
        params |= {"code_challenge": oauth_pending.challenge(verifier),
                   "code_challenge_method": "S256"}
        pending["code_verifier"] = verifier
    oauth_pending.put(data_dir, state, pending)
    endpoint = _text(metadata, "authorization_endpoint", f"{instance}/oauth/authorize")
    return f"{endpoint}?{urlencode(params)}"


def complete(client: httpx.Client, data_dir: Path, *, code: str, state: str,
             redirect_uri: str) -> Mapping[str, str]:
    """Exchange the code for a token; return the credentials to keep."""
    pending = oauth_pending.take(data_dir, state, network=NAME)
    if pending["redirect_uri"] != redirect_uri:
        raise PermanentError(f"The {NAME} callback came to another address than the one given"
                             " when signing in began: start again.")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": pending["client_id"], "client_secret": pending["client_secret"],
            "scope": " ".join(SCOPES)}
    if "code_verifier" in pending:
        form["code_verifier"] = pending["code_verifier"]
    token = _token(client, pending["token_endpoint"], form)
    with http.transport_errors(NAME):
        me = client.get(f"{pending['instance']}/api/v1/accounts/verify_credentials",
                        headers={"Authorization": f"Bearer {token['access_token']}"})
    http.raise_for_status(me, network=NAME)
    host = httpx.URL(pending["instance"]).host
    return {
        "instance": pending["instance"], "client_id": pending["client_id"],
        "client_secret": pending["client_secret"], "handle": f"@{me.json()['acct']}@{host}",
        "token_endpoint": pending["token_endpoint"], **_kept(token),
    }


def refresh(client: httpx.Client, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
    """A renewed token when this one expires within the hour and can be renewed, else None."""
    expires_at = credentials.get("expires_at")
    if not expires_at or not credentials.get("refresh_token"):
        return None
    if datetime.fromisoformat(expires_at) - datetime.now(UTC) > REFRESH_AHEAD:
        return None
    instance = credentials["instance"]
    token = _token(client, credentials.get("token_endpoint") or f"{instance}/oauth/token", {
        "grant_type": "refresh_token", "refresh_token": credentials["refresh_token"],
        "client_id": credentials["client_id"], "client_secret": credentials["client_secret"]})
    return {**credentials, **_kept(token)}


def _metadata(client: httpx.Client, instance: str) -> dict[str, object]:
    """RFC 8414 metadata, or {} from a server too old to publish it (the defaults then apply)."""
    with http.transport_errors(NAME):
        answer = client.get(f"{instance}/.well-known/oauth-authorization-server")
    if answer.status_code == 404:
        return {}
    http.raise_for_status(answer, network=NAME)
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _text(metadata: Mapping[str, object], name: str, default: str) -> str:
    value = metadata.get(name)
    if isinstance(value, str) and value.startswith("https://"):
        return value
    return default


def _token(client: httpx.Client, endpoint: str, form: Mapping[str, str]) -> dict[str, str]:
    with http.transport_errors(NAME):
        answer = client.post(endpoint, data=dict(form))
    if answer.status_code in (400, 401):  # RFC 6749 5.2: invalid_grant, invalid_client…
        raise PermanentError(f"{NAME} refused the sign-in ({http.detail(answer)}): start"
                             " connecting the account again.")
    http.raise_for_status(answer, network=NAME)
    body = answer.json()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise PermanentError(f"{NAME} answered the sign-in without an access token.")
    return {str(k): str(v) for k, v in body.items()}


def _kept(token: Mapping[str, str]) -> dict[str, str]:
    kept = {"access_token": token["access_token"], "scope": token.get("scope", "")}
    if token.get("refresh_token"):
        kept["refresh_token"] = token["refresh_token"]
    if token.get("expires_in", "").isdigit():
        when = datetime.now(UTC) + timedelta(seconds=int(token["expires_in"]))
        kept["expires_at"] = when.isoformat(timespec="seconds")
    return kept
