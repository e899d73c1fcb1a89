"""A network for the account-connection tests: the outbox, plus OAuth 2 over HTTP.

Its authorization server is fictional (auth.example); the tests replay its answers from
tests/fixtures/networks/example/oauth_*.json through the one injected HTTP client, so the
service's real code runs against real HTTP exchanges: the authorization-code grant
(RFC 6749 section 4.1), the refresh grant (section 6) and a user-info call.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx

from bedside.networks.base import NetworkContext, PermanentError
from bedside.networks.http import raise_for_status
from bedside.networks.outbox import OutboxNetwork

AUTH = "https://auth.example"


class OAuthOutbox(OutboxNetwork):
    name = "oauthbox"

    def __init__(self, context: NetworkContext) -> None:
        super().__init__(context)
        assert context.http is not None
        self.http: httpx.Client = context.http

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str) -> str:
        query = {"response_type": "code", "client_id": "bedside-test", "state": state,
                 "redirect_uri": redirect_uri, "login_hint": handle}
        return f"{AUTH}/authorize?{urlencode(query)}"

    def complete_authorization(self, *, code: str, state: str,
                               redirect_uri: str) -> Mapping[str, str]:
        return self._token({"grant_type": "authorization_code", "code": code,
                            "redirect_uri": redirect_uri})

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        token = secrets.get("access_token", "")
        answer = self.http.get(f"{AUTH}/me", headers={"Authorization": f"Bearer {token}"})
        raise_for_status(answer, network="Oauthbox")
        if answer.json()["username"] != handle:
            raise PermanentError(f"you signed in as {answer.json()['username']}, not {handle}")
        return dict(secrets)

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        expires = datetime.fromisoformat(credentials["expires_at"])
        if expires - datetime.now(UTC) > timedelta(hours=1):
            return None
        return self._token({"grant_type": "refresh_token",
                            "refresh_token": credentials["refresh_token"]})

    def _token(self, form: dict[str, str]) -> dict[str, str]:
        answer = self.http.post(f"{AUTH}/oauth/token", data=form,
                                auth=("bedside-test", "app-secret"))
        raise_for_status(answer, network="Oauthbox")
        body = answer.json()
        expires = datetime.now(UTC) + timedelta(seconds=int(body["expires_in"]))
        return {"access_token": body["access_token"], "refresh_token": body["refresh_token"],
                "expires_at": expires.isoformat()}
