"""Facebook Pages against exchanges written from the Graph API reference (fixtures/facebook)."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from replay import load

from bedside.networks.base import (
    AccountRef,
    ArchiveError,
    CannotTell,
    Image,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    TransientError,
    Unsupported,
)
from bedside.networks.facebook import FacebookNetwork
from bedside.networks.facebook_export import unmangle
from bedside.networks.meta import App

PAGE, TOKEN, KEY = "104857600", "page-t0ken", "post-7:acct-3"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
POST = OutgoingPost("Flu shots are in: walk in Tuesday 9-12.", link="https://lakeside.example/flu")
ACCOUNT = AccountRef("facebook", "lakesideclinic",
                     credentials={"access_token": TOKEN, "page_id": PAGE, "expires_at": ""})
APP = App("app-id-42", "app-secret-42")


def network(tmp_path: Path, recording: object) -> FacebookNetwork:
    return FacebookNetwork(NetworkContext(tmp_path, http=recording.client()),  # type: ignore[attr-defined]
                           app=APP)


def case(name: str, **extra: str):  # type: ignore[no-untyped-def]
    return load("facebook", name, page=PAGE, token=TOKEN, **extra)


def test_publish_sends_message_and_link_once_per_key(tmp_path: Path) -> None:
    with case("publish_link") as replay:
        facebook = network(tmp_path, replay)
        first = facebook.publish(ACCOUNT, POST, idempotency_key=KEY)
        again = facebook.publish(ACCOUNT, POST, idempotency_key=KEY)  # no second request
        found = facebook.find(ACCOUNT, idempotency_key=KEY)
    assert first.remote_id == f"{PAGE}_801" and again == first and found == first
    assert first.url == f"https://www.facebook.com/{PAGE}_801"
    assert "access_token" not in replay.requests[0].url  # the token travels in a header
    with pytest.raises(CannotTell, match="no attempt with this key"):  # maybe another machine's
        facebook.find(ACCOUNT, idempotency_key="never-sent")


def test_photos_go_up_unpublished_with_alt_text_then_one_post(tmp_path: Path) -> None:
    post = OutgoingPost(POST.text, link=POST.link, images=(
        Image(PNG, "image/png", "The clinic's entrance with a flu-shot sign"),
        Image(PNG, "image/png", "A nurse's gloved hands holding a syringe")))
    with case("publish_photos") as replay:
        published = network(tmp_path, replay).publish(ACCOUNT, post, idempotency_key=KEY)
    assert published.remote_id == f"{PAGE}_802"
    assert len(replay.requests) == 3


def test_a_reply_is_a_comment_and_refuses_images(tmp_path: Path) -> None:
    reply = OutgoingPost("Thank you! See you Tuesday.", reply_to=f"{PAGE}_801")
    with case("reply_comment") as replay:
        facebook = network(tmp_path, replay)
        assert facebook.publish(ACCOUNT, reply, idempotency_key=KEY).remote_id.endswith("_4455")
    with_image = OutgoingPost("Look", reply_to=f"{PAGE}_801",
                              images=(Image(PNG, "image/png", "a chart"),))
    with pytest.raises(PermanentError, match="comments take no image"):
        facebook.publish(ACCOUNT, with_image, idempotency_key="other")


def test_rate_limit_is_transient_with_the_wait_meta_gives_and_nothing_recorded(
        tmp_path: Path) -> None:
    with case("rate_limited") as replay:
        facebook = network(tmp_path, replay)
        with pytest.raises(TransientError, match="rate limit") as caught:
            facebook.publish(ACCOUNT, POST, idempotency_key=KEY)
    assert caught.value.retry_after == 7 * 60
    assert facebook.find(ACCOUNT, idempotency_key=KEY) is None  # a 4xx created nothing


def test_expired_token_asks_to_reconnect(tmp_path: Path) -> None:
    with case("expired_token") as replay, pytest.raises(PermanentError, match="reconnect"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_rejected_content_keeps_facebooks_words(tmp_path: Path) -> None:
    with case("content_rejected") as replay, pytest.raises(
            PermanentError, match="The link you entered is not allowed"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_a_lost_answer_is_found_by_its_exact_text_and_not_sent_again(tmp_path: Path) -> None:
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    with case("lost_answer_then_found", created=created) as replay:
        facebook = network(tmp_path, replay)
        with pytest.raises(CannotTell):
            facebook.publish(ACCOUNT, POST, idempotency_key=KEY)
        found = facebook.find(ACCOUNT, idempotency_key=KEY)
        again = facebook.publish(ACCOUNT, POST, idempotency_key=KEY)  # no request: known now
    assert found is not None and found.remote_id == f"{PAGE}_810" and again == found
    since = int(parse_qs(urlsplit(replay.requests[1].url).query)["since"][0])
    assert abs(since - (datetime.now(UTC) - timedelta(minutes=2)).timestamp()) < 60


def _sent_long_ago(tmp_path: Path, facebook: FacebookNetwork) -> None:
    facebook.journal.begin(ACCOUNT.handle, KEY, text=POST.text, reply_to=None,
                           now=datetime.now(UTC) - timedelta(minutes=10))


def test_find_cannot_tell_when_the_page_posted_something_else_since(tmp_path: Path) -> None:
    created = (datetime.now(UTC) - timedelta(minutes=9)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    with case("find_others_since", created=created) as replay:
        facebook = network(tmp_path, replay)
        _sent_long_ago(tmp_path, facebook)
        with pytest.raises(CannotTell, match=f"{PAGE}_812"):
            facebook.find(ACCOUNT, idempotency_key=KEY)


def test_find_says_none_when_nothing_appeared_after_the_settle_time(tmp_path: Path) -> None:
    with case("find_nothing_since") as replay:
        facebook = network(tmp_path, replay)
        _sent_long_ago(tmp_path, facebook)
        assert facebook.find(ACCOUNT, idempotency_key=KEY) is None


def test_a_key_sent_from_another_machine_is_looked_for_with_the_hints(tmp_path: Path) -> None:
    """No row in this data directory: the post and the claim's start let find search anyway."""
    sent_after = datetime.now(UTC) - timedelta(minutes=10)
    created = (sent_after + timedelta(seconds=20)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    with case("lost_answer_then_found", created=created) as replay:
        with pytest.raises(CannotTell):  # machine A sends; its answer is lost
            network(tmp_path / "a", replay).publish(ACCOUNT, POST, idempotency_key=KEY)
        found = network(tmp_path / "b", replay).find(ACCOUNT, idempotency_key=KEY, post=POST,
                                                     sent_after=sent_after)
    assert found is not None and found.remote_id == f"{PAGE}_810"
    since = int(parse_qs(urlsplit(replay.requests[1].url).query)["since"][0])
    assert since == int((sent_after - timedelta(minutes=2)).timestamp())


def test_hints_without_a_match_say_none_only_when_the_page_posted_nothing(
        tmp_path: Path) -> None:
    sent_after = datetime.now(UTC) - timedelta(minutes=10)
    with case("find_nothing_since") as replay:
        assert network(tmp_path, replay).find(ACCOUNT, idempotency_key=KEY, post=POST,
                                              sent_after=sent_after) is None
    created = (sent_after + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    with case("find_others_since", created=created) as replay, pytest.raises(
            CannotTell, match=f"{PAGE}_812"):
        network(tmp_path, replay).find(ACCOUNT, idempotency_key=KEY, post=POST,
                                       sent_after=sent_after)


def test_find_too_soon_is_transient(tmp_path: Path) -> None:
    with case("find_nothing_since") as replay:
        facebook = network(tmp_path, replay)
        facebook.journal.begin(ACCOUNT.handle, KEY, text=POST.text, reply_to=None)
        with pytest.raises(TransientError, match="too soon") as caught:
            facebook.find(ACCOUNT, idempotency_key=KEY)
    assert caught.value.retry_after is not None and 200 < caught.value.retry_after <= 300


def test_interactions_are_others_comments_and_recommendations_oldest_first(
        tmp_path: Path) -> None:
    with case("interactions") as replay:
        found = network(tmp_path, replay).fetch_interactions(
            ACCOUNT, since=datetime.fromtimestamp(1764000000, UTC))
    assert [(i.kind, i.remote_id, i.author_name) for i in found] == [
        ("review", "3141", "Sam Roe"), ("comment", f"{PAGE}_801_1", "Pat Doe")]
    assert found[1].in_reply_to == f"{PAGE}_801" and found[0].rating is None
    assert "Waited" not in repr(found[0])  # texts never reach a log through repr


def test_metrics_leave_out_a_deleted_post(tmp_path: Path) -> None:
    with case("metrics") as replay:
        metrics = network(tmp_path, replay).fetch_metrics(ACCOUNT, [f"{PAGE}_801", f"{PAGE}_799"])
    [only] = metrics
    assert (only.likes, only.replies, only.reposts, only.impressions, only.clicks) == (
        12, 3, 2, 480, 31)


def test_profile_about_changes_the_rest_is_unsupported(tmp_path: Path) -> None:
    with case("profile") as replay:
        facebook = network(tmp_path, replay)
        profile = facebook.update_profile(ACCOUNT, bio="Family medicine in Lakeside since 1998.")
        followers = facebook.account_metrics(ACCOUNT).followers
    assert (profile.handle, profile.display_name, followers) == (
        "lakesideclinic", "Lakeside Clinic", 1520)
    with pytest.raises(Unsupported):
        facebook.update_profile(ACCOUNT, display_name="New name")
    with pytest.raises(Unsupported):
        facebook.sample_followers(ACCOUNT)


def test_facebook_login_then_connect_picks_the_page(tmp_path: Path) -> None:
    redirect = "https://bedside.example/callback"
    with case("oauth", client_id=APP.client_id, client_secret=APP.client_secret,
              code="c0de") as replay:
        facebook = network(tmp_path, replay)
        url = facebook.authorization_url(state="st4te", redirect_uri=redirect, handle="x")
        user = facebook.complete_authorization(code="c0de", state="st4te", redirect_uri=redirect)
        page = facebook.connect("lakesideclinic", user)
    query = parse_qs(urlsplit(url).query)
    assert query["state"] == ["st4te"] and query["client_id"] == [APP.client_id]
    assert "pages_manage_posts" in query["scope"][0]
    assert user["user_token"] == "long-user-token" and user["expires_at"]
    assert page == {"access_token": "page-token-lakeside", "page_id": PAGE, "expires_at": ""}
    assert all("secret" not in r.url for r in replay.requests)
    assert facebook.refresh(page) is None


def test_missing_app_keys_say_which_variables_to_set(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BEDSIDE_FACEBOOK_CLIENT_ID", raising=False)
    facebook = FacebookNetwork(NetworkContext(tmp_path))
    with pytest.raises(PermanentError, match="BEDSIDE_FACEBOOK_CLIENT_ID"):
        facebook.authorization_url(state="s", redirect_uri="https://x.example/cb", handle="")


def test_delete_is_fine_when_already_gone(tmp_path: Path) -> None:
    with case("delete") as replay:
        facebook = network(tmp_path, replay)
        facebook.delete(ACCOUNT, f"{PAGE}_801")
        facebook.delete(ACCOUNT, f"{PAGE}_799")


# The export

MANGLED = "Caf\u00c3\u00a9 \u00e2\u0080\u0094 \u00f0\u009f\u0092\u0089 flu shots"


def test_unmangle_restores_utf8_and_leaves_clean_text_alone() -> None:
    assert unmangle(MANGLED) == "Café — 💉 flu shots"
    assert unmangle("Café") == "Café" and unmangle("plain") == "plain"


def test_read_archive_from_the_json_and_from_the_zip(tmp_path: Path) -> None:
    posts = [
        {"timestamp": 1700000500, "data": [{"post": MANGLED}], "title": "Lakeside updated"},
        {"timestamp": 1700000000, "data": [{"update_timestamp": 1700000001}],
         "attachments": [{"data": [{"external_context": {"url": "https://lakeside.example"}}]}]},
        {"timestamp": 1700000900, "attachments": [{"data": [{"media": {"uri": "a.jpg"}}]}]},
    ]
    raw = json.dumps(posts)  # json.dumps writes \u00c3… as Facebook does
    path = tmp_path / "your_posts_1.json"
    path.write_text(raw)
    read = list(FacebookNetwork(NetworkContext(tmp_path)).read_archive(path))
    assert [p.text for p in read] == ["https://lakeside.example", "Café — 💉 flu shots"]
    assert read[1].created_at == datetime.fromtimestamp(1700000500, UTC)
    zipped = tmp_path / "facebook-lakeside.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1"
                         ".json", raw)
    again = list(FacebookNetwork(NetworkContext(tmp_path)).read_archive(zipped))
    assert [p.remote_id for p in again] == [p.remote_id for p in read]  # stable ids


@pytest.mark.parametrize(("content", "where"), [
    ('[{"timestamp": 1700000000, "data": []},\n {"timestamp": ', "line 2, column"),
    ('{"posts": []}', "expected a list"),
    ('[{"timestamp": 1}, {"data": [{"post": "x"}]}]', "post 2: no valid 'timestamp'"),
])
def test_a_damaged_export_names_the_file_and_position(tmp_path: Path, content: str,
                                                      where: str) -> None:
    path = tmp_path / "your_posts_1.json"
    path.write_text(content)
    with pytest.raises(ArchiveError, match=f"your_posts_1.json: .*{where}"):
        list(FacebookNetwork(NetworkContext(tmp_path)).read_archive(path))
