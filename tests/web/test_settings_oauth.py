"""Connecting an account in the browser (OAuth) from the settings page, on both backends: the
page sends the browser to the network with our callback address, the callback connects the
account with its tokens sealed (once), and a refused grant at the callback says so. The network
is tests/services/oauth_network.py; its authorization server's answers are the recordings in
tests/fixtures/networks/example/ (tests/services/test_account_connect.py tests the exchange)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from replay import load_file
from sqlalchemy import select
from web_helpers import OWNER, Web, csrf

from bedside.networks import registry
from bedside.services import accounts
from bedside.store.models import Account

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


def test_the_callback_connects_the_account_with_its_tokens_sealed(
        web: Web, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    client, state = _start(web)
    # The recorded token exchange (RFC 6749 4.1.3), addressed to this app's callback.
    recorded = (Path(__file__).resolve().parent.parent / "fixtures" / "networks" / "example"
                / "oauth_connect.json").read_text(encoding="utf-8")
    copy = tmp_path / "oauth_connect.json"
    copy.write_text(recorded.replace("http://127.0.0.1:8765/callback", CALLBACK))
    replay = load_file(copy, code="SplxlOBeZQQYbYS6WxSbIA",
                                        username="lakeside.doc")
    with replay as recording:
        monkeypatch.setattr(accounts, "new_http_client", recording.client)
        back = client.get(f"/settings/accounts/callback?code=SplxlOBeZQQYbYS6WxSbIA"
                          f"&state={state}")
    assert back.status_code == 200 and "oauthbox:lakeside.doc is connected." in back.text
    connected = [a for a in accounts.list_accounts(web.store, web.owner)
                 if a.network == "oauthbox"]
    assert [(a.handle, a.has_credentials, a.status) for a in connected] == [
        ("lakeside.doc", True, "active")]
    with web.store.session() as s:
        sealed = s.scalar(select(Account.credentials).where(Account.id == connected[0].id))
    assert sealed is not None and b"acc-2Yotn" not in sealed
    again = client.get(f"/settings/accounts/callback?code=SplxlOBeZQQYbYS6WxSbIA&state={state}")
    assert again.status_code == 400 and "more than an hour old" in again.text  # used once
