"""The replay harness: recorded exchanges answered in order, every request checked.

The "connector" here is a few lines of httpx (and requests, as Mastodon.py and tweepy use) over
tests/fixtures/networks/example/, the example the real connectors' cases follow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from replay import Replay, load, load_file

from bedside.networks.base import PermanentError, TransientError
from bedside.networks.http import raise_for_status

TOKEN, KEY = "t0k3n-for-tests", "post-7:acct-3"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
BASE = "https://social.example"
STATUS = {"status": "Flu shots are in: walk in, 8 to 5.", "media_ids": ["22348641"],
          "visibility": "public"}


def publish(client: httpx.Client, *, key: str = KEY, status: dict[str, Any] = STATUS,
            alt: str = "Our flu clinic's opening hours") -> list[Any]:
    """Upload, publish, read back: what a connector would do, through raise_for_status."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    media = client.post(f"{BASE}/api/v2/media", headers=auth,
                        files={"file": ("flu.png", PNG, "image/png")}, data={"description": alt})
    raise_for_status(media, network="Example")
    sent = client.post(f"{BASE}/api/v1/statuses", headers={**auth, "Idempotency-Key": key},
                       json=status)
    raise_for_status(sent, network="Example")
    back = client.get(f"{BASE}/api/v1/accounts/1/statuses",
                      params={"exclude_replies": "true", "limit": "40"}, headers=auth)
    return [media.json(), sent.json(), back.json()]


def test_a_matching_conversation_is_answered_in_order(replay: Callable[..., Replay]) -> None:
    recording = replay("example", "publish_ok", token=TOKEN, key=KEY)
    media, status, listed = publish(recording.client())
    assert media["id"] == "22348641"
    assert status["url"] == "https://social.example/@lakeside/103270115826048975"
    assert listed[0]["id"] == status["id"]
    assert [r.method for r in recording.requests] == ["POST", "POST", "GET"]
    assert recording.requests[1].headers["idempotency-key"] == KEY
    assert recording.requests[1].json() == STATUS


@pytest.mark.parametrize(("change", "problem"), [
    ({"key": "post-7:acct-4"}, "header Idempotency-Key is 'post-7:acct-4', expected"),
    ({"status": {**STATUS, "visibility": "unlisted"}}, "body.visibility is 'unlisted'"),
    ({"status": {**STATUS, "sensitive": True}}, "unexpected ['sensitive']"),
    ({"status": {**STATUS, "media_ids": []}}, "body.media_ids is []"),
    ({"alt": "A picture"}, "multipart fields.description is 'A picture'"),
])
def test_a_request_that_differs_fails_with_what_differs(change: dict[str, Any],
                                                        problem: str) -> None:
    recording = load("example", "publish_ok", token=TOKEN, key=KEY)
    with pytest.raises(AssertionError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        publish(recording.client(), **change)
    with pytest.raises(AssertionError, match="example/publish_ok: request [12] of 3"):
        recording.verify()


def test_verify_catches_a_mismatch_the_connector_swallowed() -> None:
    recording = load("example", "publish_ok", token="another-token", key=KEY)
    try:
        publish(recording.client())
    except AssertionError:
        pass  # an SDK that wraps every exception would hide it; verify() must not
    with pytest.raises(AssertionError, match="header Authorization is 'Bearer t0k3n"):
        recording.verify()


def test_requests_never_sent_and_requests_too_many_both_fail() -> None:
    recording = load("example", "publish_ok", token=TOKEN, key=KEY)
    client = recording.client()
    client.post(f"{BASE}/api/v2/media", headers={"Authorization": f"Bearer {TOKEN}"},
                files={"file": ("a.png", PNG, "image/png")},
                data={"description": "Our flu clinic's opening hours"})
    with pytest.raises(AssertionError, match=r"2 expected request\(s\) never sent: POST"):
        recording.verify()

    whole = load("example", "publish_ok", token=TOKEN, key=KEY)
    publish(whole.client())
    with pytest.raises(AssertionError, match="request 4 .* was not expected"):
        whole.client().get(f"{BASE}/api/v1/instance")
    with pytest.raises(AssertionError, match="was not expected"):
        whole.verify()


def test_the_context_manager_verifies_on_a_clean_exit() -> None:
    with pytest.raises(AssertionError, match="never sent"):
        with load("example", "publish_ok", token=TOKEN, key=KEY):
            pass


def test_rate_limit_and_revoked_token_map_to_the_publishers_errors() -> None:
    with load("example", "rate_limited", key=KEY) as recording:
        client = recording.client()
        form = {"status": "Flu shots are in.", "media_ids[]": ["1", "2"]}
        with pytest.raises(TransientError) as limited:
            raise_for_status(client.post(f"{BASE}/api/v1/statuses", data=form,
                                         headers={"Idempotency-Key": KEY}), network="Example")
        assert limited.value.retry_after == 30.0
        with pytest.raises(PermanentError, match="reconnect the account: The access token was"):
            raise_for_status(client.post(f"{BASE}/api/v1/statuses", data=form,
                                         headers={"Idempotency-Key": KEY}), network="Example")


def test_repeated_form_values_must_come_in_their_order() -> None:
    recording = load("example", "rate_limited", key=KEY)
    form = {"status": "Flu shots are in.", "media_ids[]": ["2", "1"]}
    with pytest.raises(AssertionError, match=r"form field media_ids\[\] is \['2', '1'\]"):
        recording.client().post(f"{BASE}/api/v1/statuses", data=form,
                                headers={"Idempotency-Key": KEY})


def test_a_requests_session_replays_the_same_recording() -> None:
    """Mastodon.py and tweepy send through requests: the session is their transport seam."""
    with load("example", "rate_limited", key=KEY) as recording:
        session = recording.session()
        form = {"status": "Flu shots are in.", "media_ids[]": ["1", "2"]}
        first = session.post(f"{BASE}/api/v1/statuses", data=form,
                             headers={"Idempotency-Key": KEY})
        assert first.status_code == 429 and first.headers["retry-after"] == "30"
        second = session.post(f"{BASE}/api/v1/statuses", data=form,
                              headers={"Idempotency-Key": KEY})
        assert second.status_code == 401
        assert second.json() == {"error": "The access token was revoked"}
        with pytest.raises(requests.HTTPError):
            second.raise_for_status()


def test_a_placeholder_without_a_value_and_a_malformed_recording_are_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(AssertionError, match=r"no value given for \{\{token\}\}"):
        load("example", "publish_ok", key=KEY)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"exchanges": [{"request": {"method": "GET", "url": BASE,
                                  "json": {}, "text": ""}, "response": {"status": 200}}]}))
    with pytest.raises(AssertionError, match="expects several bodies"):
        load_file(broken)
    broken.write_text("{not json")
    with pytest.raises(AssertionError, match="cannot read the recording"):
        load_file(broken)
