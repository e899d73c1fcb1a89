"""Instagram against exchanges written from the Instagram Platform reference (fixtures)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from replay import Replay, load

from bedside.networks.base import (
    AccountRef,
    Image,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    TransientError,
    Unsupported,
)
from bedside.networks.instagram import InstagramNetwork
from bedside.networks.meta import App

IG, TOKEN, KEY = "17841400000000001", "ig-t0ken", "post-7:acct-4"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
SHA = hashlib.sha256(PNG).hexdigest()
ALT1 = "The clinic's entrance with a flu-shot sign"
ALT2 = "A nurse's gloved hands holding a syringe"
CAPTION = "Flu shots are in: walk in Tuesday 9-12. #FluShot"
ACCOUNT = AccountRef("instagram", "lakesideclinic",
                     credentials={"access_token": TOKEN, "ig_user_id": IG, "expires_at": "",
                                  "username": "lakesideclinic"},
                     options={"media_base_url": "https://media.lakeside.example/bedside/"})
APP = App("ig-app-1", "ig-secret-1")


def case(name: str, **extra: str) -> Replay:
    return load("instagram", name, ig=IG, token=TOKEN, sha=SHA, **extra)


def network(tmp_path: Path, replay: Replay, pauses: list[float] | None = None) -> InstagramNetwork:
    sleep = (pauses.append if pauses is not None else lambda _: None)
    return InstagramNetwork(NetworkContext(tmp_path, http=replay.client()), app=APP, sleep=sleep)


def post(*alts: str) -> OutgoingPost:
    return OutgoingPost(CAPTION, images=tuple(Image(PNG, "image/png", alt) for alt in alts))


def test_one_image_with_alt_text_then_publish(tmp_path: Path) -> None:
    with case("publish_image") as replay:
        instagram = network(tmp_path, replay)
        published = instagram.publish(ACCOUNT, post(ALT1), idempotency_key=KEY)
        assert instagram.publish(ACCOUNT, post(ALT1), idempotency_key=KEY) == published
    assert published.remote_id == "17920238422030506"
    assert published.url == "https://www.instagram.com/p/DA1b2C3d4E5/"
    assert (tmp_path / "media" / f"{SHA}.png").read_bytes() == PNG  # served at media_base_url


def test_several_images_make_a_carousel_and_wait_for_processing(tmp_path: Path) -> None:
    pauses: list[float] = []
    with case("publish_carousel") as replay:
        network(tmp_path, replay, pauses).publish(ACCOUNT, post(ALT1, ALT2), idempotency_key=KEY)
    assert pauses == [3.0]  # one IN_PROGRESS answer, one wait


def test_the_daily_publishing_limit_waits_an_hour(tmp_path: Path) -> None:
    with case("rate_limited") as replay:
        instagram = network(tmp_path, replay)
        with pytest.raises(TransientError, match="rate limit") as caught:
            instagram.publish(ACCOUNT, post(ALT1), idempotency_key=KEY)
    assert caught.value.retry_after == 3600
    assert instagram.find(ACCOUNT, idempotency_key=KEY) is None


def test_expired_token_asks_to_reconnect(tmp_path: Path) -> None:
    with case("expired_token") as replay, pytest.raises(PermanentError, match="reconnect"):
        network(tmp_path, replay).publish(ACCOUNT, post(ALT1), idempotency_key=KEY)


def test_a_container_in_error_is_rejected_content(tmp_path: Path) -> None:
    with case("content_rejected") as replay, pytest.raises(PermanentError,
                                                            match="could not be processed"):
        network(tmp_path, replay).publish(ACCOUNT, post(ALT1), idempotency_key=KEY)


def test_what_instagram_cannot_do_is_said_before_any_request(tmp_path: Path) -> None:
    instagram = InstagramNetwork(NetworkContext(tmp_path), app=APP)
    with pytest.raises(PermanentError, match="at least one image"):
        instagram.publish(ACCOUNT, OutgoingPost("words only"), idempotency_key=KEY)
    no_host = AccountRef("instagram", "x", credentials=ACCOUNT.credentials)
    with pytest.raises(PermanentError, match="media_base_url"):
        instagram.publish(no_host, post(ALT1), idempotency_key="k2")
    with pytest.raises(Unsupported):
        instagram.update_profile(ACCOUNT, bio="new")
    with pytest.raises(Unsupported):
        instagram.sample_followers(ACCOUNT)


def test_reply_to_a_comment_and_read_others_comments(tmp_path: Path) -> None:
    reply = OutgoingPost("Thank you! No appointment needed.", reply_to="17858893269000001")
    with case("reply_and_interactions") as replay:
        instagram = network(tmp_path, replay)
        assert instagram.publish(ACCOUNT, reply, idempotency_key=KEY).url is None
        found = instagram.fetch_interactions(ACCOUNT)
    assert [(i.remote_id, i.author_handle, i.in_reply_to) for i in found] == [
        ("17858893269000001", "pat.doe", "17920238422030506")]


def test_metrics_counts_and_profile(tmp_path: Path) -> None:
    with case("metrics_profile") as replay:
        instagram = network(tmp_path, replay)
        [metrics] = instagram.fetch_metrics(ACCOUNT, ["17920238422030506"])
        counts = instagram.account_metrics(ACCOUNT)
        profile = instagram.get_profile(ACCOUNT)
    assert (metrics.likes, metrics.replies, metrics.reposts, metrics.impressions) == (
        40, 5, 2, 1200)
    assert (counts.followers, counts.following, counts.posts) == (870, 120, 64)
    assert (profile.handle, profile.bio) == ("lakesideclinic", "Family medicine.")


def test_instagram_login_long_lived_token_and_refresh(tmp_path: Path) -> None:
    redirect = "https://bedside.example/callback"
    with case("oauth", client_id=APP.client_id, client_secret=APP.client_secret,
              code="c0de") as replay:
        instagram = network(tmp_path, replay)
        url = instagram.authorization_url(state="st4te", redirect_uri=redirect, handle="")
        credentials = instagram.complete_authorization(code="c0de", state="st4te",
                                                       redirect_uri=redirect)
        connected = instagram.connect("@LakesideClinic", credentials)
        assert instagram.refresh(connected) is None  # 60 days left
        soon = {**connected, "expires_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}
        refreshed = instagram.refresh(soon)
    assert parse_qs(urlsplit(url).query)["scope"] == [
        "instagram_business_basic,instagram_business_content_publish,"
        "instagram_business_manage_comments,instagram_business_manage_insights"]
    assert connected["ig_user_id"] == IG and connected["access_token"] == "long-ig-token"
    assert refreshed is not None and refreshed["access_token"] == "refreshed-ig-token"
    assert datetime.fromisoformat(refreshed["expires_at"]) > datetime.now(UTC) + timedelta(days=59)
