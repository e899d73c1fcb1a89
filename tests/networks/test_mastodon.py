"""Mastodon through Mastodon.py on the injected httpx client, against recorded exchanges.

The recordings (tests/fixtures/networks/mastodon/) are written from docs.joinmastodon.org; each
test checks the requests we send (method, URL, headers such as Idempotency-Key, body) and what
the connector makes of the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from replay import Replay

from bedside.errors import UsageError
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
from bedside.networks.mastodon import KEY_WINDOW, MastodonNetwork
from bedside.networks.registry import get_network

TOKEN, KEY = "t0k3n-for-tests", "pub-41:acct-3"
ALT = "Our flu clinic's opening hours"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
TEXT = "Flu shots are in: walk in Tuesday 9 to 12."
ACCOUNT = AccountRef("mastodon", "@lakeside@social.example",
                     {"instance": "https://social.example", "access_token": TOKEN})
POST = OutgoingPost(TEXT, images=(Image(PNG, "image/png", ALT),))

Recorder = Callable[..., Replay]


def network(tmp_path: Path, recording: Replay) -> MastodonNetwork:
    return MastodonNetwork(NetworkContext(data_dir=tmp_path, http=recording.client()))


def test_the_registry_builds_an_oauth_network(tmp_path: Path) -> None:
    built = get_network("mastodon", NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    assert isinstance(built, MastodonNetwork) and isinstance(built, OAuthNetwork)
    assert built.limits.max_length == 500 and built.limits.max_images == 4


def test_publish_uploads_with_alt_text_and_posts_with_the_key(tmp_path: Path,
                                                              replay: Recorder) -> None:
    recording = replay("mastodon", "publish_ok", token=TOKEN, key=KEY, alt=ALT)
    mastodon = network(tmp_path, recording)
    published = mastodon.publish(ACCOUNT, POST, idempotency_key=KEY)
    assert published.remote_id == "103270115826048975"
    assert published.url == "https://social.example/@lakeside/103270115826048975"
    assert published.published_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    # the journal answers find() now, and a second publish makes no request at all
    assert mastodon.find(ACCOUNT, idempotency_key=KEY) == published
    assert mastodon.publish(ACCOUNT, POST, idempotency_key=KEY) == published
    assert len(recording.requests) == 2


def test_an_image_still_processing_is_awaited(tmp_path: Path, replay: Recorder,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr("bedside.networks.mastodon.time.sleep", pauses.append)
    recording = replay("mastodon", "publish_media_processing", token=TOKEN, key=KEY, alt=ALT)
    assert network(tmp_path, recording).publish(ACCOUNT, POST, idempotency_key=KEY).remote_id
    assert pauses == [0.5, 1.0]


def test_rate_limit_waits_until_the_iso_reset_time(tmp_path: Path, replay: Recorder) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=120)).isoformat().replace("+00:00", "Z")
    recording = replay("mastodon", "publish_rate_limited", token=TOKEN, key=KEY, alt=ALT,
                       reset=reset)
    mastodon = network(tmp_path, recording)
    with pytest.raises(TransientError, match="rate limit") as raised:
        mastodon.publish(ACCOUNT, POST, idempotency_key=KEY)
    assert raised.value.retry_after is not None and 100 < raised.value.retry_after <= 120
    assert mastodon.find(ACCOUNT, idempotency_key=KEY) is None  # 429: nothing was made


def test_an_expired_token_asks_to_reconnect(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("mastodon", "publish_expired_token", token=TOKEN, alt=ALT)
    with pytest.raises(PermanentError, match="reconnect the account: The access token is inv"):
        network(tmp_path, recording).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_rejected_content_says_why(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("mastodon", "publish_rejected", token=TOKEN, key=KEY, alt=ALT)
    mastodon = network(tmp_path, recording)
    with pytest.raises(PermanentError, match="content rejected by Mastodon: Validation failed:"
                                             " Text character limit of 500 exceeded"):
        mastodon.publish(ACCOUNT, POST, idempotency_key=KEY)
    assert mastodon.find(ACCOUNT, idempotency_key=KEY) is None


def test_no_answer_then_a_retry_within_the_window_uses_the_same_key(tmp_path: Path,
                                                                    replay: Recorder) -> None:
    first = replay("mastodon", "publish_server_error", token=TOKEN, key=KEY, alt=ALT)
    with pytest.raises(TransientError, match="answered 502"):
        network(tmp_path, first).publish(ACCOUNT, POST, idempotency_key=KEY)
    # 502 after sending: the status may exist. Within the key's hour a new attempt is safe.
    second = replay("mastodon", "publish_retry_same_key", token=TOKEN, key=KEY, alt=ALT)
    mastodon = network(tmp_path, second)
    assert mastodon.find(ACCOUNT, idempotency_key=KEY) is None
    assert mastodon.publish(ACCOUNT, POST, idempotency_key=KEY).remote_id == "103270115826048975"


def _attempt_long_ago(tmp_path: Path, text: str) -> datetime:
    mastodon = MastodonNetwork(NetworkContext(data_dir=tmp_path))
    began = datetime.now(UTC) - KEY_WINDOW - timedelta(minutes=20)
    mastodon.journal.begin(ACCOUNT.handle, KEY, text=text, reply_to=None, now=began)
    return began


def test_after_the_key_window_find_reads_the_statuses_back(tmp_path: Path,
                                                           replay: Recorder) -> None:
    text = f"{TEXT}\n\nhttps://lakeside.example/flu"
    began = _attempt_long_ago(tmp_path, text)
    later = (began + timedelta(seconds=3)).isoformat()
    recording = replay("mastodon", "find_after_window", token=TOKEN, later=later)
    mastodon = network(tmp_path, recording)
    found = mastodon.find(ACCOUNT, idempotency_key=KEY)
    assert found is not None and found.remote_id == "103270115826048975"
    assert mastodon.publish(ACCOUNT, POST, idempotency_key=KEY) == found  # no second post


def test_after_the_key_window_nothing_matching_cannot_tell(tmp_path: Path,
                                                           replay: Recorder) -> None:
    began = _attempt_long_ago(tmp_path, TEXT)
    recording = replay("mastodon", "find_after_window_absent", token=TOKEN,
                       later=(began + timedelta(seconds=3)).isoformat())
    mastodon = network(tmp_path, recording)
    with pytest.raises(CannotTell, match="the account posted 103270200000000001 since"):
        mastodon.find(ACCOUNT, idempotency_key=KEY)
    again = replay("mastodon", "find_after_window_absent", token=TOKEN,
                   later=(began + timedelta(seconds=3)).isoformat())
    with pytest.raises(CannotTell, match="posted 103270200000000001 since"):  # looks, sends nothing
        network(tmp_path, again).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_a_key_never_sent_from_here_cannot_tell(tmp_path: Path) -> None:
    with pytest.raises(CannotTell, match="no attempt with this key"):
        MastodonNetwork(NetworkContext(data_dir=tmp_path)).find(ACCOUNT, idempotency_key=KEY)


def test_hints_answer_for_a_key_sent_from_another_machine(tmp_path: Path,
                                                         replay: Recorder) -> None:
    mastodon = MastodonNetwork(NetworkContext(data_dir=tmp_path))  # no client: nothing asked
    recent = datetime.now(UTC) - timedelta(minutes=10)
    # within the key's window: publishing again with the same key is answered with the first
    assert mastodon.find(ACCOUNT, idempotency_key=KEY, post=POST, sent_after=recent) is None
    linked = OutgoingPost(TEXT, link="https://lakeside.example/flu")
    long_ago = datetime.now(UTC) - KEY_WINDOW - timedelta(minutes=20)
    recording = replay("mastodon", "find_after_window", token=TOKEN,
                       later=(long_ago + timedelta(seconds=3)).isoformat())
    found = network(tmp_path, recording).find(ACCOUNT, idempotency_key=KEY, post=linked,
                                              sent_after=long_ago)
    assert found is not None and found.remote_id == "103270115826048975"


def test_too_many_images_or_long_alt_text_are_refused_before_sending(tmp_path: Path) -> None:
    mastodon = MastodonNetwork(NetworkContext(data_dir=tmp_path))  # no client: nothing sent
    five = OutgoingPost(TEXT, images=tuple(Image(PNG, "image/png", ALT) for _ in range(5)))
    with pytest.raises(PermanentError, match="at most 4 images"):
        mastodon.publish(ACCOUNT, five, idempotency_key=KEY)
    wordy = OutgoingPost(TEXT, images=(Image(PNG, "image/png", "x" * 1501),))
    with pytest.raises(PermanentError, match="alt text of at most 1500"):
        mastodon.publish(ACCOUNT, wordy, idempotency_key=KEY)


def test_delete_twice_is_fine(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("mastodon", "delete_gone", token=TOKEN)
    mastodon = network(tmp_path, recording)
    mastodon.delete(ACCOUNT, "103270115826048975")
    mastodon.delete(ACCOUNT, "103270115826048975")


def test_interactions_are_mentions_and_replies_oldest_first(tmp_path: Path,
                                                            replay: Recorder) -> None:
    recording = replay("mastodon", "interactions", token=TOKEN)
    since = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    found = network(tmp_path, recording).fetch_interactions(ACCOUNT, since=since)
    assert [(i.remote_id, i.kind, i.author_handle) for i in found] == [
        ("103270250000000001", "mention", "@sam"),
        ("103270300000000001", "reply", "@jo@other.example"),
        ("103270310000000001", "mention", "@kim@far.example"),  # in the thread, not to us
    ]
    assert found[1].in_reply_to == "103270115826048975"
    assert found[1].text == "@lakeside are you open Saturday?"
    assert found[2].text == "Same question, and the line\nis long?"
    assert found[0].author_name == "sam"  # no display name: the handle


def test_metrics_leave_out_a_deleted_post(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("mastodon", "metrics", token=TOKEN)
    metrics = network(tmp_path, recording).fetch_metrics(ACCOUNT, ["103270115826048975", "999"])
    assert [(m.remote_id, m.likes, m.replies, m.reposts, m.impressions) for m in metrics] == [
        ("103270115826048975", 17, 2, 5, None)]


def test_account_metrics_and_followers(tmp_path: Path, replay: Recorder) -> None:
    counts = network(tmp_path, replay("mastodon", "metrics_account", token=TOKEN))
    assert counts.account_metrics(ACCOUNT).followers == 412
    recording = replay("mastodon", "followers", token=TOKEN)
    followers = network(tmp_path, recording).sample_followers(ACCOUNT)
    assert [(f.handle, f.has_avatar, f.following, f.bio) for f in followers] == [
        ("@jo@other.example", True, 120, "Runner, \ndad."),
        ("@deals4u", False, 4980, ""),
    ]


def test_profile_update_sends_the_avatar_with_its_description(tmp_path: Path,
                                                              replay: Recorder) -> None:
    recording = replay("mastodon", "profile_update", token=TOKEN)
    profile = network(tmp_path, recording).update_profile(
        ACCOUNT, bio="Family medicine in Lakeside.",
        avatar=Image(PNG, "image/png", "Our clinic's front door"))
    assert profile.bio == "Family medicine in Lakeside."
    assert profile.handle == "@lakeside@social.example"
    assert profile.website == "https://lakeside.example"


def test_profile_limits_are_checked_first_then_the_server_has_its_say(
        tmp_path: Path, replay: Recorder) -> None:
    with pytest.raises(PermanentError, match="at most 30 characters"):
        MastodonNetwork(NetworkContext(data_dir=tmp_path)).update_profile(
            ACCOUNT, display_name="Lakeside Family Medicine and Urgent Care")
    recording = replay("mastodon", "profile_too_long", token=TOKEN)
    with pytest.raises(PermanentError, match="Display name is too long"):
        network(tmp_path, recording).update_profile(ACCOUNT, display_name="Lakeside")


def test_oauth_registers_the_app_uses_pkce_and_keeps_the_token(tmp_path: Path,
                                                               replay: Recorder) -> None:
    redirect, state = "http://127.0.0.1:8765/callback", "st4te-0123456789abcdef"
    start = replay("mastodon", "oauth_start", redirect=redirect)
    url = httpx.URL(network(tmp_path, start).authorization_url(
        state=state, redirect_uri=redirect, handle="@lakeside@social.example"))
    assert (url.host, url.path) == ("social.example", "/oauth/authorize")
    assert url.params["state"] == state and url.params["code_challenge_method"] == "S256"
    pending = oauth_pending.take(tmp_path, state, network="test")  # read what the callback gets
    assert url.params["code_challenge"] == oauth_pending.challenge(pending["code_verifier"])
    oauth_pending.put(tmp_path, state, pending)

    finish = replay("mastodon", "oauth_finish", redirect=redirect, code="c0de",
                    verifier=pending["code_verifier"])
    credentials = network(tmp_path, finish).complete_authorization(
        code="c0de", state=state, redirect_uri=redirect)
    assert credentials["access_token"] == "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    assert credentials["handle"] == "@lakeside@social.example"
    assert credentials["instance"] == "https://social.example"
    assert "expires_at" not in credentials  # Mastodon tokens do not expire
    assert network(tmp_path, finish).refresh(credentials) is None
    check = replay("mastodon", "connect_token", token=credentials["access_token"])
    kept = network(tmp_path, check).connect("@lakeside@social.example", credentials)
    assert set(kept) == {"instance", "access_token", "client_id", "client_secret", "scope",
                         "token_endpoint"}
    with pytest.raises(PermanentError, match="unknown or more than an hour old"):
        network(tmp_path, finish).complete_authorization(
            code="c0de", state=state, redirect_uri=redirect)  # a callback works once


def test_connect_refuses_a_token_of_another_account(tmp_path: Path, replay: Recorder) -> None:
    recording = replay("mastodon", "connect_token", token=TOKEN)
    with pytest.raises(PermanentError, match="belongs to @lakeside on https://social.example"):
        network(tmp_path, recording).connect("@drkim@social.example", {"access_token": TOKEN})


def test_oauth_needs_the_handle_and_a_valid_code(tmp_path: Path, replay: Recorder) -> None:
    mastodon = MastodonNetwork(NetworkContext(data_dir=tmp_path, http=httpx.Client()))
    with pytest.raises(UsageError, match="@name@server"):
        mastodon.authorization_url(state="st4te-0123456789abcdef", redirect_uri="http://x/cb",
                                   handle="")
    with pytest.raises(UsageError, match="looks like @name@server"):
        mastodon.authorization_url(state="st4te-0123456789abcdef", redirect_uri="http://x/cb",
                                   handle="lakeside")
    state = "st4te-0123456789abcdef"
    oauth_pending.put(tmp_path, state, {
        "instance": "https://social.example", "client_id": "a", "client_secret": "b",
        "redirect_uri": "http://x/cb", "token_endpoint": "https://social.example/oauth/token"})
    recording = replay("mastodon", "oauth_bad_code")
    with pytest.raises(PermanentError, match="refused the sign-in"):
        network(tmp_path, recording).complete_authorization(
            code="used", state=state, redirect_uri="http://x/cb")


def test_an_unreachable_server_is_transient_and_a_retry_stays_safe(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    mastodon = MastodonNetwork(NetworkContext(
        data_dir=tmp_path, http=httpx.Client(transport=httpx.MockTransport(refuse))))
    plain = OutgoingPost(TEXT)
    with pytest.raises(TransientError, match="cannot be reached \\(ConnectError\\)"):
        mastodon.publish(ACCOUNT, plain, idempotency_key=KEY)
    # the request may have reached the server: within the key's hour, sending again is safe
    assert mastodon.find(ACCOUNT, idempotency_key=KEY) is None
    assert mastodon.journal.get(ACCOUNT.handle, KEY).state == "began"  # type: ignore[union-attr]
