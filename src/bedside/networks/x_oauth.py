"""Connecting an X account: OAuth 2.0 Authorization Code Flow with PKCE, and token refresh.

https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code and
/user-access-token: the user signs in at x.com/i/oauth2/authorize; the code is exchanged at
api.x.com/2/oauth2/token with the PKCE verifier (a confidential client authenticates with HTTP
Basic, a public one sends its client_id). An access token lives two hours; `offline.access`
brings a refresh token, which X replaces at every refresh (keep the new one at once).

The installation's X app: BEDSIDE_X_CLIENT_ID, and BEDSIDE_X_CLIENT_SECRET for a confidential
client. The token requests go through requests-oauthlib (tweepy's OAuth 2 handler is built on
it) on a session over the injected httpx client; requests-oauthlib logs tokens at DEBUG, so its
logger is kept at INFO.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from oauthlib.oauth2 import OAuth2Error
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from bedside.networks import http, oauth_pending
from bedside.networks.base import PermanentError, TransientError
from bedside.networks.sdk_http import HttpxAdapter

__all__ = ["AUTHORIZE_URL", "KEPT", "SCOPES", "TOKEN_URL", "authorization_url", "complete",
           "refresh"]

logging.getLogger("requests_oauthlib").setLevel(logging.INFO)
logging.getLogger("oauthlib").setLevel(logging.INFO)

NAME = "X"
AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = "https://api.x.com/2/oauth2/token"
# https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code (scopes table)
SCOPES = ("tweet.read", "tweet.write", "users.read", "follows.read", "media.write",
          "offline.access")
KEPT = ("access_token", "refresh_token", "expires_at", "scope")
REFRESH_AHEAD = timedelta(hours=1)


def authorization_url(data_dir: Path, *, state: str, redirect_uri: str) -> str:
    client_id, _ = _app()
    verifier = oauth_pending.new_verifier()
    oauth_pending.put(data_dir, state, {"code_verifier": verifier, "redirect_uri": redirect_uri})
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "scope": " ".join(SCOPES), "state": state,
              "code_challenge": oauth_pending.challenge(verifier),
              "code_challenge_method": "S256"}
    return f"{AUTHORIZE_URL}?{urlencode(params)}"


def complete(client: httpx.Client, data_dir: Path, *, code: str, state: str,
             redirect_uri: str) -> Mapping[str, str]:
    pending = oauth_pending.take(data_dir, state, network=NAME)
    if pending["redirect_uri"] != redirect_uri:
        raise PermanentError(f"The {NAME} callback came to another address than the one given"
                             " when signing in began: start again.")
    client_id, secret = _app()
    session, adapter = _session(client, client_id, redirect_uri)
    token = _ask(adapter, lambda: session.fetch_token(
        TOKEN_URL, code=code, code_verifier=pending["code_verifier"],
        auth=HTTPBasicAuth(client_id, secret) if secret else None,
        include_client_id=not secret))
    return _kept(token)


def refresh(client: httpx.Client, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
    """New tokens when these expire within the hour; PermanentError when they cannot be."""
    expires_at = credentials.get("expires_at")
    if not expires_at or datetime.fromisoformat(expires_at) - datetime.now(UTC) > REFRESH_AHEAD:
        return None
    if not credentials.get("refresh_token"):
        raise PermanentError(f"The {NAME} token expires soon and came without a refresh token:"
                             " reconnect the account.")
    client_id, secret = _app()
    session, adapter = _session(client, client_id, None)
    extra = {} if secret else {"client_id": client_id}
    token = _ask(adapter, lambda: session.refresh_token(
        TOKEN_URL, refresh_token=credentials["refresh_token"],
        auth=HTTPBasicAuth(client_id, secret) if secret else None, **extra))
    return {**credentials, **_kept(token)}


def _app() -> tuple[str, str | None]:
    """The installation's X app, read when needed (never at import)."""
    client_id = os.environ.get("BEDSIDE_X_CLIENT_ID", "").strip()
    if not client_id:
        raise PermanentError("Connecting X needs the installation's X app: set"
                             " BEDSIDE_X_CLIENT_ID (and BEDSIDE_X_CLIENT_SECRET for a"
                             " confidential client) from the X Developer Console.")
    return client_id, os.environ.get("BEDSIDE_X_CLIENT_SECRET", "").strip() or None


def _session(client: httpx.Client, client_id: str,
             redirect_uri: str | None) -> tuple[OAuth2Session, HttpxAdapter]:
    # No `scope` here: the token may carry fewer scopes than asked (the user may untick some),
    # which oauthlib would otherwise raise as a Warning.
    session = OAuth2Session(client_id, redirect_uri=redirect_uri)
    session.trust_env = False
    adapter = HttpxAdapter(client)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


def _ask(adapter: HttpxAdapter, call: Any) -> dict[str, Any]:
    try:
        token: dict[str, Any] = call()
    except OAuth2Error as exc:  # invalid_grant, invalid_client… (RFC 6749 5.2)
        raise PermanentError(f"{NAME} refused the sign-in ({exc.error}: {exc.description}):"
                             " connect the account again.") from None
    except Exception:
        if adapter.failure is not None:
            raise TransientError(f"{NAME} cannot be reached"
                                 f" ({type(adapter.failure).__name__})") from None
        if adapter.last is not None and adapter.last.status_code >= 400:
            http.raise_for_status(adapter.last, network=NAME)
        raise
    return token


def _kept(token: Mapping[str, Any]) -> dict[str, str]:
    if not token.get("access_token"):
        raise PermanentError(f"{NAME} answered the sign-in without an access token.")
    scope = token.get("scope", "")
    kept = {"access_token": str(token["access_token"]),
            "scope": " ".join(scope) if isinstance(scope, list) else str(scope)}
    if token.get("refresh_token"):
        kept["refresh_token"] = str(token["refresh_token"])
    if token.get("expires_in") is not None:
        when = datetime.now(UTC) + timedelta(seconds=int(token["expires_in"]))
        kept["expires_at"] = when.isoformat(timespec="seconds")
    return kept
