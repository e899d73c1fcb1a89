"""Connecting accounts through their network, OAuth's two steps, and token refresh, on both
backends. Credentials must be sealed in the database and absent from every log line."""

from __future__ import annotations

import json
import logging
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from replay import load
from sqlalchemy import select

from bedside.errors import UsageError
from bedside.networks import registry
from bedside.networks.base import PermanentError
from bedside.services import accounts, audit
from bedside.services.accounts import ConnectError
from bedside.store.models import Account
from bedside.store.secrets import sealer_for

HERE = Path(__file__).resolve().parent
REDIRECT = "http://127.0.0.1:8765/callback"
SECRETS = ("acc-2YotnFZFEjr1zCsicMWpAA", "ref-tGzv3JOkF0XG5Qx2TlKWIA", "acc-NEW8sGdVqpY0Q2ZiLzTn",
           "ref-NEWrotated4JYkL0sO", "t-hunter2-token", "app-secret")




@pytest.fixture(autouse=True)
def oauthbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Register the OAuth test network (tests/services/oauth_network.py) for one test."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("oauthbox", "oauth_network:OAuthOutbox")
    yield
    sys.modules.pop("oauth_network", None)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def no_secret_logged(logs: pytest.LogCaptureFixture) -> None:
    text = "\n".join(r.getMessage() for r in logs.records)
    for secret in SECRETS:
        assert secret not in text


def no_http() -> httpx.Client:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.method} {request.url}")
    return httpx.Client(transport=httpx.MockTransport(refuse))


def raw_credentials(practice: Any, account_id: int) -> bytes:
    with practice.store.session() as s:
        sealed = s.scalar(select(Account.credentials).where(Account.id == account_id))
    assert sealed is not None
    return sealed


def opened(practice: Any, account_id: int) -> dict[str, str]:
    return sealer_for(practice.settings).open(raw_credentials(practice, account_id))


def actions(practice: Any) -> list[str]:
    """The audit log's actions, oldest first."""
    with practice.store.session() as s:
        newest_first = [e.action for e in audit.entries(s, practice.owner.workspace_id)]
    return newest_first[::-1]


# With credentials


def test_connect_seals_what_the_network_returns_and_reconnect_keeps_the_status(
    practice: Any, logs: pytest.LogCaptureFixture,
) -> None:
    view = accounts.connect_account(practice.store, practice.settings, practice.owner,
                                    network="outbox", handle="@northside",
                                    secrets={"token": "t-hunter2-token"})
    assert (view.network, view.handle, view.kind, view.has_credentials) == (
        "outbox", "northside", "practice", True)
    assert b"hunter2" not in raw_credentials(practice, view.id)
    assert opened(practice, view.id) == {"token": "t-hunter2-token"}

    accounts.set_paused(practice.store, practice.owner, view.id, paused=True, reason="holiday")
    again = accounts.connect_account(practice.store, practice.settings, practice.owner,
                                     network="outbox", handle="northside",
                                     secrets={"token": "t-2"}, kind="personal")
    assert again.id == view.id and again.status == "paused" and again.kind == "practice"
    assert opened(practice, view.id) == {"token": "t-2"}
    assert actions(practice)[-2:] == ["account.paused", "account.reconnected"]
    no_secret_logged(logs)


def test_credentials_the_network_refuses_store_nothing(practice: Any) -> None:
    before = accounts.list_accounts(practice.store, practice.owner)
    with load("example", "oauth_token_expired", token="t-hunter2-token") as recording:
        with pytest.raises(PermanentError, match="reconnect the account: The access token"):
            accounts.connect_account(practice.store, practice.settings, practice.owner,
                                     network="oauthbox", handle="lakeside.doc",
                                     secrets={"access_token": "t-hunter2-token"},
                                     http=recording.client())
    assert accounts.list_accounts(practice.store, practice.owner) == before


@pytest.mark.parametrize(("network", "handle", "kind", "problem"), [
    ("myspace", "a", "practice", "not a network bedside knows"),
    ("outbox", " @ ", "practice", "needs a handle"),
    ("outbox", "a", "robot", "practice or personal"),
])
def test_bad_requests_are_usage_errors(practice: Any, network: str, handle: str, kind: str,
                                       problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        accounts.connect_account(practice.store, practice.settings, practice.owner,
                                 network=network, handle=handle, secrets={}, kind=kind,
                                 http=no_http())


def test_a_reviewer_may_not_connect_accounts(practice: Any) -> None:
    with pytest.raises(Exception, match="connect accounts"):
        accounts.connect_account(practice.store, practice.settings, practice.reviewer,
                                 network="outbox", handle="x", secrets={}, http=no_http())


# OAuth


def start(practice: Any, handle: str = "lakeside.doc") -> tuple[str, Path]:
    begun = accounts.start_oauth(practice.store, practice.settings, practice.owner,
                                 network="oauthbox", handle=handle, redirect_uri=REDIRECT,
                                 http=no_http())
    query = parse_qs(urlsplit(begun.url).query)
    assert begun.url.startswith("https://auth.example/authorize?")
    assert query["redirect_uri"] == [REDIRECT] and query["login_hint"] == [handle]
    [state] = query["state"]
    assert len(state) >= 40
    [pending] = (practice.settings.data_dir / "account-connect").glob("*.json")
    return state, pending


def test_oauth_start_then_callback_connects_the_account_sealed(
    practice: Any, logs: pytest.LogCaptureFixture,
) -> None:
    state, pending = start(practice)
    assert stat.S_IMODE(pending.stat().st_mode) == 0o600 and state not in pending.name
    kept = json.loads(pending.read_text())
    assert (kept["network"], kept["handle"], kept["redirect_uri"]) == (
        "oauthbox", "lakeside.doc", REDIRECT)

    callback = f"{REDIRECT}?code=SplxlOBeZQQYbYS6WxSbIA&state={state}"
    with load("example", "oauth_connect", code="SplxlOBeZQQYbYS6WxSbIA",
              username="lakeside.doc") as recording:
        view = accounts.finish_oauth(practice.store, practice.settings, practice.owner,
                                     callback_url=callback, http=recording.client())
    assert (view.network, view.handle, view.has_credentials) == ("oauthbox", "lakeside.doc", True)
    credentials = opened(practice, view.id)
    assert credentials["access_token"] == "acc-2YotnFZFEjr1zCsicMWpAA"
    assert datetime.fromisoformat(credentials["expires_at"]) > datetime.now(UTC)
    assert b"acc-2Yotn" not in raw_credentials(practice, view.id)
    assert not pending.exists()
    assert actions(practice)[-1] == "account.added"

    with pytest.raises(ConnectError, match="unknown, used or more than an hour old"):
        accounts.finish_oauth(practice.store, practice.settings, practice.owner,
                              callback_url=callback, http=no_http())
    no_secret_logged(logs)


def test_signing_in_as_another_account_connects_nothing(practice: Any) -> None:
    state, _ = start(practice)
    with load("example", "oauth_connect", code="c0de", username="someone.else") as recording:
        with pytest.raises(PermanentError, match="signed in as someone.else"):
            accounts.finish_oauth(practice.store, practice.settings, practice.owner,
                                  callback_url=f"{REDIRECT}?state={state}&code=c0de",
                                  http=recording.client())
    assert "oauthbox" not in {a.network for a in accounts.list_accounts(practice.store,
                                                                        practice.owner)}


def test_a_refused_or_strange_callback_says_what_happened(practice: Any) -> None:
    state, pending = start(practice)
    with pytest.raises(ConnectError, match="did not grant access to lakeside.doc: The user said"):
        accounts.finish_oauth(
            practice.store, practice.settings, practice.owner, http=no_http(),
            callback_url=f"{REDIRECT}?error=access_denied&error_description=The+user+said+no"
                         f"&state={state}")
    assert not pending.exists()
    with pytest.raises(UsageError, match="has no state"):
        accounts.finish_oauth(practice.store, practice.settings, practice.owner,
                              callback_url=f"{REDIRECT}?code=abc", http=no_http())
    with pytest.raises(ConnectError, match="unknown"):
        accounts.finish_oauth(practice.store, practice.settings, practice.owner,
                              callback_url=f"{REDIRECT}?code=abc&state=forged", http=no_http())


def test_oauth_is_refused_for_a_network_that_takes_credentials(practice: Any) -> None:
    with pytest.raises(UsageError, match="bedside account connect outbox lakeside"):
        accounts.start_oauth(practice.store, practice.settings, practice.owner,
                             network="outbox", handle="lakeside", redirect_uri=REDIRECT,
                             http=no_http())


# Refresh


def oauth_account(practice: Any, *, expires_in: timedelta) -> int:
    credentials = {"access_token": "acc-2YotnFZFEjr1zCsicMWpAA",
                   "refresh_token": "ref-tGzv3JOkF0XG5Qx2TlKWIA",
                   "expires_at": (datetime.now(UTC) + expires_in).isoformat()}
    view = accounts.add_account(practice.store, practice.settings, practice.owner,
                                network="oauthbox", handle="lakeside.doc",
                                credentials=credentials)
    return view.id


def test_refresh_renews_credentials_about_to_expire_and_seals_them(
    practice: Any, logs: pytest.LogCaptureFixture,
) -> None:
    account_id = oauth_account(practice, expires_in=timedelta(minutes=10))
    with load("example", "oauth_refresh") as recording:
        assert accounts.refresh_if_needed(practice.store, practice.settings, account_id,
                                          http=recording.client()) is True
    credentials = opened(practice, account_id)
    assert credentials["refresh_token"] == "ref-NEWrotated4JYkL0sO"
    assert datetime.fromisoformat(credentials["expires_at"]) > datetime.now(UTC) + timedelta(
        hours=1)
    assert actions(practice)[-1] == "account.refreshed"
    # Now fresh: nothing to do, and no request is sent.
    assert accounts.refresh_if_needed(practice.store, practice.settings, account_id,
                                      http=no_http()) is False
    no_secret_logged(logs)


def test_a_revoked_refresh_token_raises_and_keeps_the_old_credentials(practice: Any) -> None:
    account_id = oauth_account(practice, expires_in=timedelta(minutes=-5))
    before = opened(practice, account_id)
    with load("example", "oauth_refresh_revoked") as recording:
        with pytest.raises(PermanentError, match="The refresh token was revoked"):
            accounts.refresh_if_needed(practice.store, practice.settings, account_id,
                                       http=recording.client())
    assert opened(practice, account_id) == before


def test_networks_without_refresh_or_accounts_without_credentials_need_nothing(
    practice: Any,
) -> None:
    lakeside, patel = accounts.list_accounts(practice.store, practice.owner)[:2]
    assert lakeside.has_credentials and not patel.has_credentials
    for account in (lakeside, patel):
        assert accounts.refresh_if_needed(practice.store, practice.settings, account.id,
                                          http=no_http()) is False
    with pytest.raises(Exception, match="no account 9999"):
        accounts.refresh_if_needed(practice.store, practice.settings, 9999, http=no_http())
