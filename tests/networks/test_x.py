"""X through tweepy's v2 Client on the injected httpx client, against recorded exchanges.

The recordings (tests/fixtures/networks/x/) are written from docs.x.com; tweepy 4.17 sends to
api.twitter.com, the API's other name.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from replay import Replay

from bedside.networks import oauth_pending
from bedside.networks.base import (
    AccountRef,
    CannotTell,
    Image,
    NetworkContext,
    OAuthNetwork,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from bedside.networks.registry import get_network
from bedside.networks.x import XNetwork

TOKEN, KEY = "x-t0k3n-for-tests", "pub-42:acct-4"
ALT = "Our flu clinic's opening hours"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
ME_ID = "1587432014361919488"
ACCOUNT = AccountRef("x", "@LakesideFM", {"access_token": TOKEN, "user_id": ME_ID,
                                          "username": "LakesideFM"})
LINKED = OutgoingPost("Flu shots are in: walk in Tuesday 9 to 12.",
                      link="https://lakeside.example/flu")
WITH_IMAGE = OutgoingPost(LINKED.text, link=LINKED.link, images=(Image(PNG, "image/png", ALT),))

Recorder = Callable[..., Replay]


def network(tmp_path: Path, recording: Replay) -> XNetwork:
    return XNetwork(NetworkContext(data_dir=tmp_path, http=recording.client()))


def test_the_registry_builds_an_oauth_network(tmp_path: Path) -> None:
    built = get_network("x", NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    assert isinstance(built, XNetwork) and isinstance(built, OAuthNetwork)
    assert (built.limits.max_length, built.limits.unit) == (280, "weighted")


def test_publish_uploads_sets_alt_text_and_creates_the_post(tmp_path: Path,
                                                            replay: Recorder) -> None:
    recording = replay("x", "publish_ok", token=TOKEN, alt=ALT,
                       png64=base64.b64encode(PNG).decode())
    x = network(tmp_path, recording)
    published = x.publish(ACCOUNT, WITH_IMAGE, idempotency_key=KEY)
    assert published.remote_id == "1445880548472328192"
    assert published.url == "https://x.com/LakesideFM/status/1445880548472328192"
    assert x.find(ACCOUNT, idempotency_key=KEY) == published
    assert x.publish(ACCOUNT, WITH_IMAGE, idempotency_key=KEY) == published  # nothing sent
    assert len(recording.requests) == 3


def test_rate_limit_waits_until_the_reset(tmp_path: Path, replay: Recorder) -> None:
    reset = str(int(time.time()) + 900)
    recording = replay("x", "publish_rate_limited", token=TOKEN, reset=reset)
    x = network(tmp_path, recording)
    with pytest.raises(TransientError, match="rate limit") as raised:
        x.publish(ACCOUNT, LINKED, idempotency_key=KEY)
    assert raised.value.retry_after is not None and 890 <= raised.value.retry_after <= 900
    assert x.find(ACCOUNT, idempotency_key=KEY) is None  # turned away: nothing made


def test_an_expired_token_asks_to_reconnect(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("x", "publish_expired_token", token=TOKEN)
    with pytest.raises(PermanentError, match="reconnect the account"):
        network(tmp_path, recording).publish(ACCOUNT, LINKED, idempotency_key=KEY)


@pytest.mark.parametrize(("case", "said"), [
    ("publish_duplicate", "content rejected by X: You are not allowed to create a Tweet with"
                          " duplicate content"),
    ("publish_too_long", "content rejected by X: Your Tweet text is too long"),
])
def test_rejected_content_says_why(tmp_path: Path, replay: Recorder, case: str,
                                   said: str) -> None:
    recording = replay("x", case, token=TOKEN)
    x = network(tmp_path, recording)
    with pytest.raises(PermanentError, match=said):
        x.publish(ACCOUNT, LINKED, idempotency_key=KEY)
    assert x.find(ACCOUNT, idempotency_key=KEY) is None


def test_no_answer_is_never_retried_blindly_and_find_reads_the_timeline(
        tmp_path: Path, replay: Recorder) -> None:
    failed = replay("x", "publish_server_error", token=TOKEN)
    with pytest.raises(CannotTell, match="may have made the post"):
        network(tmp_path, failed).publish(ACCOUNT, LINKED, idempotency_key=KEY)
    later = (datetime.now(UTC) + timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
    looked = replay("x", "find_in_timeline", token=TOKEN, later=later)
    x = network(tmp_path, looked)
    found = x.find(ACCOUNT, idempotency_key=KEY)  # its t.co link and &amp; do not matter
    assert found is not None and found.remote_id == "1445880548472328192"
    assert x.publish(ACCOUNT, LINKED, idempotency_key=KEY) == found  # journal: no request
    assert len(looked.requests) == 1


def test_a_post_not_in_the_timeline_yet_is_too_soon_to_deny(tmp_path: Path,
                                                              replay: Recorder) -> None:
    with pytest.raises(CannotTell):
        network(tmp_path, replay("x", "publish_server_error", token=TOKEN)).publish(
            ACCOUNT, LINKED, idempotency_key=KEY)
    looked = replay("x", "find_not_in_timeline", token=TOKEN)
    with pytest.raises(TransientError, match="too soon") as raised:
        network(tmp_path, looked).find(ACCOUNT, idempotency_key=KEY)
    assert raised.value.retry_after is not None and 250 < raised.value.retry_after <= 300


def test_a_key_never_sent_from_here_cannot_tell(tmp_path: Path) -> None:
    with pytest.raises(CannotTell, match="no attempt with this key"):
        XNetwork(NetworkContext(data_dir=tmp_path)).find(ACCOUNT, idempotency_key=KEY)


def test_hints_search_the_timeline_for_a_key_sent_from_another_machine(
        tmp_path: Path, replay: Recorder) -> None:
    sent_after = datetime.now(UTC) - timedelta(minutes=10)
    later = (sent_after + timedelta(seconds=5)).isoformat().replace("+00:00", "Z")
    looked = replay("x", "find_in_timeline", token=TOKEN, later=later)
    found = network(tmp_path, looked).find(ACCOUNT, idempotency_key=KEY, post=LINKED,
                                           sent_after=sent_after)
    assert found is not None and found.remote_id == "1445880548472328192"
    nothing = replay("x", "find_not_in_timeline", token=TOKEN)
    assert network(tmp_path / "b", nothing).find(  # nothing posted since: it was not created
        ACCOUNT, idempotency_key=KEY, post=LINKED, sent_after=sent_after) is None


def test_delete_twice_is_fine(tmp_path: Path, replay: Recorder) -> None:
    x = network(tmp_path, replay("x", "delete_gone", token=TOKEN))
    x.delete(ACCOUNT, "1445880548472328192")
    x.delete(ACCOUNT, "1445880548472328192")


def test_mentions_and_replies_oldest_first(tmp_path: Path, replay: Recorder) -> None:
    x = network(tmp_path, replay("x", "mentions", token=TOKEN))
    found = x.fetch_interactions(ACCOUNT, since=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert [(i.remote_id, i.kind, i.author_handle, i.in_reply_to) for i in found] == [
        ("1445885000000000001", "mention", "@samsays", None),
        ("1445890000000000001", "reply", "@jo_runs", "1445880548472328192"),
    ]
    assert found[1].text == "@LakesideFM are you open Saturday? Kids & me both need one"


def test_metrics_include_impressions_and_leave_out_deleted_posts(tmp_path: Path,
                                                                 replay: Recorder) -> None:
    x = network(tmp_path, replay("x", "metrics", token=TOKEN))
    metrics = x.fetch_metrics(ACCOUNT, ["1445880548472328192", "999"])
    assert [(m.remote_id, m.likes, m.replies, m.reposts, m.quotes, m.impressions)
            for m in metrics] == [("1445880548472328192", 17, 2, 5, 1, 2210)]


def test_account_metrics_profile_and_followers(tmp_path: Path, replay: Recorder) -> None:
    assert network(tmp_path, replay("x", "me", token=TOKEN)).account_metrics(
        ACCOUNT).followers == 1204
    profile = network(tmp_path, replay("x", "me", token=TOKEN)).get_profile(ACCOUNT)
    assert (profile.handle, profile.website) == ("@LakesideFM", "https://t.co/lk1")
    followers = network(tmp_path, replay("x", "followers", token=TOKEN)).sample_followers(
        ACCOUNT)
    assert [(f.handle, f.has_avatar, f.following, f.posts) for f in followers] == [
        ("@jo_runs", True, 120, 830), ("@deals4u83712", False, 4980, 0)]


def test_profile_update_checks_limits_then_puts(tmp_path: Path, replay: Recorder) -> None:
    with pytest.raises(PermanentError, match="bios take at most 160"):
        XNetwork(NetworkContext(data_dir=tmp_path)).update_profile(ACCOUNT, bio="x" * 161)
    x = network(tmp_path, replay("x", "profile_update", token=TOKEN))
    assert x.update_profile(ACCOUNT, bio="Family medicine in Lakeside.").bio == (
        "Family medicine in Lakeside.")


def test_connect_checks_the_account(tmp_path: Path, replay: Recorder) -> None:
    kept = network(tmp_path, replay("x", "me", token=TOKEN)).connect(
        "@lakesidefm", {"access_token": TOKEN, "refresh_token": "r", "expires_at": "2026-01-01"})
    assert kept["user_id"] == ME_ID and kept["username"] == "LakesideFM"
    assert set(kept) == {"access_token", "refresh_token", "expires_at", "user_id", "username"}
    with pytest.raises(PermanentError, match="sign-in is for @LakesideFM, not @drkim"):
        network(tmp_path, replay("x", "me", token=TOKEN)).connect("drkim",
                                                                  {"access_token": TOKEN})


def test_oauth_pkce_code_exchange_as_a_public_client(tmp_path: Path, replay: Recorder,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_X_CLIENT_ID", "cl13nt-1d")
    monkeypatch.delenv("BEDSIDE_X_CLIENT_SECRET", raising=False)
    redirect, state = "http://127.0.0.1:8765/callback", "st4te-0123456789abcdef"
    x = XNetwork(NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    url = httpx.URL(x.authorization_url(state=state, redirect_uri=redirect, handle="@x"))
    assert (url.host, url.path) == ("x.com", "/i/oauth2/authorize")
    assert url.params["scope"].split() == ["tweet.read", "tweet.write", "users.read",
                                           "follows.read", "media.write", "offline.access"]
    pending = oauth_pending.take(tmp_path, state, network="test")
    assert url.params["code_challenge"] == oauth_pending.challenge(pending["code_verifier"])
    oauth_pending.put(tmp_path, state, pending)
    recording = replay("x", "oauth_token", code="c0de", redirect=redirect,
                       verifier=pending["code_verifier"], client_id="cl13nt-1d")
    credentials = network(tmp_path, recording).complete_authorization(
        code="c0de", state=state, redirect_uri=redirect)
    assert credentials["refresh_token"] == "cmVmcmVzaC0x"
    expires = datetime.fromisoformat(credentials["expires_at"]) - datetime.now(UTC)
    assert timedelta(hours=1, minutes=59) < expires <= timedelta(hours=2)


def test_refresh_only_near_expiry_and_keeps_the_new_refresh_token(
        tmp_path: Path, replay: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_X_CLIENT_ID", "cl13nt-1d")
    monkeypatch.setenv("BEDSIDE_X_CLIENT_SECRET", "s3cr3t")
    x = XNetwork(NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert x.refresh({"access_token": "a", "refresh_token": "r", "expires_at": later}) is None
    soon = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    basic = base64.b64encode(b"cl13nt-1d:s3cr3t").decode()
    recording = replay("x", "oauth_refresh", basic=basic)
    renewed = network(tmp_path, recording).refresh(
        {"access_token": "old", "refresh_token": "cmVmcmVzaC0x", "expires_at": soon,
         "user_id": ME_ID})
    assert renewed is not None
    assert (renewed["access_token"], renewed["refresh_token"], renewed["user_id"]) == (
        "bmV3LWFjY2Vzcy0y", "cmVmcmVzaC0y", ME_ID)
    with pytest.raises(PermanentError, match="without a refresh token"):
        x.refresh({"access_token": "a", "expires_at": soon})


def test_oauth_refusals_and_a_missing_app(tmp_path: Path, replay: Recorder,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BEDSIDE_X_CLIENT_ID", raising=False)
    x = XNetwork(NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    with pytest.raises(PermanentError, match="BEDSIDE_X_CLIENT_ID"):
        x.authorization_url(state="st4te-0123456789abcdef", redirect_uri="http://x/cb",
                            handle="")
    monkeypatch.setenv("BEDSIDE_X_CLIENT_ID", "cl13nt-1d")
    state = "st4te-0123456789abcdef"
    oauth_pending.put(tmp_path, state, {"code_verifier": "v" * 43, "redirect_uri": "http://x/cb"})
    with pytest.raises(PermanentError, match="refused the sign-in"):
        network(tmp_path, replay("x", "oauth_bad_code")).complete_authorization(
            code="used", state=state, redirect_uri="http://x/cb")


def test_a_timeout_after_sending_is_never_a_plain_retry(tmp_path: Path) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    x = XNetwork(NetworkContext(
        data_dir=tmp_path, http=httpx.Client(transport=httpx.MockTransport(hang))))
    with pytest.raises(CannotTell, match="may have made the post"):
        x.publish(ACCOUNT, LINKED, idempotency_key=KEY)
    with pytest.raises(TransientError, match="cannot be reached"):  # find must ask X first
        x.find(ACCOUNT, idempotency_key=KEY)
