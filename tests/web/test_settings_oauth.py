"""Connecting an account in the browser (OAuth) from the settings page, on both backends: the
page sends the browser to the network with our callback address, and a refused grant at the
callback says so. The network is tests/services/oauth_network.py (the token exchange itself is
tested in tests/services/test_account_connect.py against recorded answers)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from web_helpers import OWNER, Web, csrf

from bedside.networks import registry
from bedside.services import accounts

SERVICES = Path(__file__).resolve().parent.parent / "services"
CALLBACK = "http://testserver/settings/accounts/callback"


@pytest.fixture(autouse=True)
def oauthbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(SERVICES))
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("oauthbox", "oauth_network:OAuthOutbox")
    yield
    sys.modules.pop("oauth_network", None)


def _start(web: Web) -> tuple[Any, str]:
    client = web.client_for(OWNER)
    response = client.post("/settings/accounts/connect", data={
        "network": "oauthbox", "handle": "lakeside.doc", "csrf_token": csrf(client)},
        follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "auth.example", "/authorize")
    query = parse_qs(target.query)
    assert query["redirect_uri"] == [CALLBACK]
    return client, query["state"][0]


def test_connect_sends_the_browser_to_the_network_with_our_callback(web: Web) -> None:
    _, state = _start(web)
    assert len(state) >= 40
    pending = list((web.settings.data_dir / "account-connect").glob("*.json"))
    assert len(pending) == 1 and state not in pending[0].name


def test_a_refused_grant_says_so_and_connects_nothing(web: Web) -> None:
    client, state = _start(web)
    back = client.get(f"/settings/accounts/callback?error=access_denied&state={state}")
    assert back.status_code == 400 and "did not grant access" in back.text
    assert [a.network for a in accounts.list_accounts(web.store, web.owner)] == ["outbox"]
