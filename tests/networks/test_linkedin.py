"""LinkedIn against exchanges written from LinkedIn's API reference (fixtures/linkedin)."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from replay import Replay, load

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
from bedside.networks.linkedin import LinkedInNetwork, escape, unescape
from bedside.networks.meta import App

ORG, TOKEN, KEY = "urn:li:organization:5515715", "li-t0ken", "post-7:acct-6"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
ALT1 = "The clinic's entrance with a flu-shot sign"
ALT2 = "A nurse's gloved hands holding a syringe"
POST = OutgoingPost("Flu shots are in (walk in Tuesday 9-12)! #FluShot",
                    link="https://lakeside.example/flu_shots")
SHARE = "urn:li:share:7140000000000000001"
ACCOUNT = AccountRef("linkedin", ORG, credentials={"access_token": TOKEN, "author": ORG,
                                                   "expires_at": ""})
APP = App("li-app-1", "li-secret-1")


def case(name: str, **extra: str) -> Replay:
    return load("linkedin", name, token=TOKEN, **extra)


def network(tmp_path: Path, replay: Replay) -> LinkedInNetwork:
    return LinkedInNetwork(NetworkContext(tmp_path, http=replay.client()), app=APP)


def test_little_text_escapes_markup_but_keeps_hashtags_and_links() -> None:
    text = "Hi (all) @you [x] #FluShot # alone *b* https://a.example/x_(y)"
    assert escape(text) == ("Hi \\(all\\) \\@you \\[x\\] #FluShot \\# alone \\*b\\* "
                            "https://a.example/x_(y)")
    assert unescape(escape(text)) == text


def test_text_post_with_versioned_headers_and_the_urn_from_x_restli_id(tmp_path: Path) -> None:
    with case("publish_text") as replay:
        linkedin = network(tmp_path, replay)
        published = linkedin.publish(ACCOUNT, POST, idempotency_key=KEY)
        assert linkedin.publish(ACCOUNT, POST, idempotency_key=KEY) == published
    assert published.remote_id == SHARE
    assert published.url == f"https://www.linkedin.com/feed/update/{SHARE}/"


def test_one_image_goes_through_the_images_api_with_alt_text(tmp_path: Path) -> None:
    post = OutgoingPost(POST.text, link=POST.link, images=(Image(PNG, "image/png", ALT1),))
    with case("publish_image") as replay:
        network(tmp_path, replay).publish(ACCOUNT, post, idempotency_key=KEY)
    assert replay.requests[1].body == PNG


def test_several_images_make_a_multi_image_post(tmp_path: Path) -> None:
    post = OutgoingPost(POST.text, link=POST.link, images=(
        Image(PNG, "image/png", ALT1), Image(PNG, "image/png", ALT2)))
    with case("publish_images") as replay:
        network(tmp_path, replay).publish(ACCOUNT, post, idempotency_key=KEY)


def test_the_daily_limit_waits_until_midnight_utc(tmp_path: Path) -> None:
    with case("rate_limited") as replay:
        linkedin = network(tmp_path, replay)
        with pytest.raises(TransientError, match="daily limit") as caught:
            linkedin.publish(ACCOUNT, POST, idempotency_key=KEY)
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert caught.value.retry_after is not None
    assert abs(caught.value.retry_after - (midnight - now).total_seconds()) < 5
    assert linkedin.find(ACCOUNT, idempotency_key=KEY) is None


def test_expired_token_and_duplicate_are_permanent(tmp_path: Path) -> None:
    with case("expired_token") as replay, pytest.raises(PermanentError, match="reconnect"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)
    with case("content_rejected") as replay, pytest.raises(PermanentError,
                                                            match="duplicate of urn:li:share"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_a_lost_answer_is_found_by_the_author_finder(tmp_path: Path) -> None:
    posted_at = datetime.fromtimestamp(1764200000, UTC)
    with case("lost_answer_then_found") as replay:
        with pytest.raises(CannotTell):  # sent from machine A, a minute before posted_at
            network(tmp_path / "a", replay).publish(ACCOUNT, POST, idempotency_key=KEY)
        # machine B has no row: the reconciler's hints (the post, the claim's start) suffice
        linkedin = network(tmp_path / "b", replay)
        found = linkedin.find(ACCOUNT, idempotency_key=KEY, post=POST,
                              sent_after=posted_at - timedelta(minutes=1))
    assert found is not None and found.remote_id == SHARE and found.published_at == posted_at


def test_find_cannot_tell_without_permission_to_read_posts(tmp_path: Path) -> None:
    with case("find_forbidden") as replay:
        linkedin = network(tmp_path, replay)
        linkedin.journal.begin(ORG, KEY, text=POST.text, reply_to=None)
        with pytest.raises(CannotTell, match="cannot list"):
            linkedin.find(ACCOUNT, idempotency_key=KEY)


def test_comment_inbox_and_delete(tmp_path: Path) -> None:
    reply = OutgoingPost("Thank you! No appointment needed.", reply_to=SHARE)
    with case("comment_and_inbox") as replay:
        linkedin = network(tmp_path, replay)
        comment = linkedin.publish(ACCOUNT, reply, idempotency_key=KEY)
        found = linkedin.fetch_interactions(ACCOUNT)
        linkedin.delete(ACCOUNT, comment.remote_id)
        linkedin.delete(ACCOUNT, SHARE)
        linkedin.delete(ACCOUNT, SHARE)  # already gone: fine
    assert comment.remote_id.startswith("urn:li:comment:(") and comment.url is None
    [only] = found
    assert only.text == "Is it free (with insurance)?" and only.in_reply_to == SHARE


def test_organization_statistics_followers_and_page(tmp_path: Path) -> None:
    with case("statistics") as replay:
        linkedin = network(tmp_path, replay)
        [metrics] = linkedin.fetch_metrics(ACCOUNT, [SHARE])
        followers = linkedin.account_metrics(ACCOUNT).followers
        profile = linkedin.get_profile(ACCOUNT)
    assert (metrics.likes, metrics.replies, metrics.reposts, metrics.impressions,
            metrics.clicks) == (17, 3, 4, 450, 22)
    assert followers == 2380 and profile.handle == "lakeside-clinic"
    with pytest.raises(Unsupported):
        linkedin.update_profile(ACCOUNT, bio="x")


def test_oauth_then_connect_an_organization_then_refresh(tmp_path: Path) -> None:
    redirect = "https://bedside.example/callback"
    with case("oauth", client_id=APP.client_id, client_secret=APP.client_secret,
              code="c0de") as replay:
        linkedin = network(tmp_path, replay)
        url = linkedin.authorization_url(state="st4te", redirect_uri=redirect, handle=ORG)
        member = linkedin.complete_authorization(code="c0de", state="st4te",
                                                 redirect_uri=redirect)
        org = linkedin.connect(ORG, member)
        assert linkedin.refresh(org) is None  # 60 days left
        soon = {**org, "expires_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}
        refreshed = linkedin.refresh(soon)
    assert "w_organization_social" in parse_qs(urlsplit(url).query)["scope"][0].split()
    assert member["author"] == "urn:li:person:kIm4567" and org["author"] == ORG
    assert refreshed is not None and refreshed["access_token"] == "li-access-2"
    assert refreshed["refresh_token"] == "li-refresh-1"


def test_without_a_refresh_token_an_expiring_token_asks_to_reconnect(tmp_path: Path) -> None:
    linkedin = LinkedInNetwork(NetworkContext(tmp_path), app=APP)
    soon = {"access_token": "t", "author": ORG,
            "expires_at": (datetime.now(UTC) + timedelta(minutes=20)).isoformat()}
    with pytest.raises(PermanentError, match="reconnect"):
        linkedin.refresh(soon)
    week = {**soon, "expires_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}
    assert linkedin.refresh(week) is None


# The export

SHARES = (
    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
    '2024-03-05 14:03:22,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7170000000000000001,'
    '"Flu season: ""walk in"" hours.\nSee you!",https://lakeside.example/flu,,MEMBER_NETWORK\n'
    "2023-01-02 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7010000000000000002,"
    "New year hours,,,MEMBER_NETWORK\n"
)


def test_read_shares_csv_alone_and_in_the_zip(tmp_path: Path) -> None:
    path = tmp_path / "Shares.csv"
    path.write_text(SHARES, encoding="utf-8")
    posts = list(LinkedInNetwork(NetworkContext(tmp_path)).read_archive(path))
    assert [p.remote_id for p in posts] == ["urn:li:ugcPost:7010000000000000002",
                                            "urn:li:share:7170000000000000001"]
    assert posts[1].text == 'Flu season: "walk in" hours.\nSee you!\nhttps://lakeside.example/flu'
    assert posts[1].created_at == datetime(2024, 3, 5, 14, 3, 22, tzinfo=UTC)
    zipped = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("Shares.csv", SHARES)
    assert list(LinkedInNetwork(NetworkContext(tmp_path)).read_archive(zipped)) == posts


@pytest.mark.parametrize(("content", "where"), [
    ("Date,Text\n2024-01-01 00:00:00,x\n", "line 1: columns ShareLink, ShareCommentary missing"),
    ("Date,ShareLink,ShareCommentary\n2024-01-01 00:00:00,,ok\n05/03/2024,,bad\n",
     "line 3: unreadable date"),
])
def test_a_wrong_shares_file_names_the_line(tmp_path: Path, content: str, where: str) -> None:
    path = tmp_path / "Shares.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ArchiveError, match=f"Shares.csv: {where}"):
        list(LinkedInNetwork(NetworkContext(tmp_path)).read_archive(path))
