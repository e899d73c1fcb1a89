"""Threads against exchanges written from the Threads API reference (fixtures/threads)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from replay import Replay, load

from bedside.networks.base import (
    AccountRef,
    CannotTell,
    Image,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from bedside.networks.meta import App
from bedside.networks.threads import ThreadsNetwork

UID, TOKEN, KEY = "7311220000000001", "th-t0ken", "post-7:acct-5"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
SHA = hashlib.sha256(PNG).hexdigest()
ALT1 = "The clinic's entrance with a flu-shot sign"
ALT2 = "A nurse's gloved hands holding a syringe"
TEXT = "Flu shots are in: walk in Tuesday 9-12."
POST = OutgoingPost(TEXT, link="https://lakeside.example/flu")
ACCOUNT = AccountRef("threads", "lakesideclinic",
                     credentials={"access_token": TOKEN, "threads_user_id": UID,
                                  "username": "lakesideclinic", "expires_at": ""},
                     options={"media_base_url": "https://media.lakeside.example/bedside"})
APP = App("th-app-1", "th-secret-1")


def case(name: str, **extra: str) -> Replay:
    return load("threads", name, uid=UID, token=TOKEN, sha=SHA, **extra)


def network(tmp_path: Path, replay: Replay) -> ThreadsNetwork:
    return ThreadsNetwork(NetworkContext(tmp_path, http=replay.client()), app=APP,
                          sleep=lambda _: None)


def test_text_post_with_a_link_attachment(tmp_path: Path) -> None:
    with case("publish_text") as replay:
        published = network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)
    assert published.remote_id == "18050206876707110"
    assert published.url == "https://www.threads.net/@lakesideclinic/post/DA1b2C3"


def test_an_image_reply_carries_alt_text_and_reply_to_id(tmp_path: Path) -> None:
    reply = OutgoingPost(TEXT, images=(Image(PNG, "image/png", ALT1),),
                         reply_to="18050206876700001")
    with case("publish_image_reply") as replay:
        network(tmp_path, replay).publish(ACCOUNT, reply, idempotency_key=KEY)


def test_several_images_make_a_carousel(tmp_path: Path) -> None:
    post = OutgoingPost(TEXT, images=(Image(PNG, "image/png", ALT1), Image(PNG, "image/png", ALT2)))
    with case("publish_carousel") as replay:
        network(tmp_path, replay).publish(ACCOUNT, post, idempotency_key=KEY)


def test_rate_limit_honours_retry_after(tmp_path: Path) -> None:
    with case("rate_limited") as replay:
        threads = network(tmp_path, replay)
        with pytest.raises(TransientError) as caught:
            threads.publish(ACCOUNT, POST, idempotency_key=KEY)
    assert caught.value.retry_after == 3600
    assert threads.find(ACCOUNT, idempotency_key=KEY) is None


def test_expired_token_and_rejected_content_are_permanent(tmp_path: Path) -> None:
    with case("expired_token") as replay, pytest.raises(PermanentError, match="reconnect"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)
    with case("content_rejected") as replay, pytest.raises(PermanentError,
                                                            match="more than 5 links"):
        network(tmp_path, replay).publish(ACCOUNT, POST, idempotency_key=KEY)


def test_a_lost_answer_is_found_and_not_published_twice(tmp_path: Path) -> None:
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    with case("lost_answer_then_found", created=created) as replay:
        threads = network(tmp_path, replay)
        with pytest.raises(CannotTell):
            threads.publish(ACCOUNT, POST, idempotency_key=KEY)
        found = threads.find(ACCOUNT, idempotency_key=KEY)
        assert threads.publish(ACCOUNT, POST, idempotency_key=KEY) == found
    assert found is not None and found.remote_id == "18050206876707110"


def test_replies_mentions_and_insights(tmp_path: Path) -> None:
    with case("interactions_metrics") as replay:
        threads = network(tmp_path, replay)
        found = threads.fetch_interactions(ACCOUNT)
        [metrics] = threads.fetch_metrics(ACCOUNT, ["18050206876707110"])
        followers = threads.account_metrics(ACCOUNT).followers
    assert [(i.kind, i.author_handle) for i in found] == [("mention", "sam.roe"),
                                                          ("reply", "pat.doe")]
    assert (metrics.impressions, metrics.likes, metrics.replies, metrics.reposts,
            metrics.quotes) == (900, 30, 2, 1, 0)
    assert followers == 310


def test_threads_login_and_refresh_in_the_last_week(tmp_path: Path) -> None:
    redirect = "https://bedside.example/callback"
    with case("oauth", client_id=APP.client_id, client_secret=APP.client_secret,
              code="c0de") as replay:
        threads = network(tmp_path, replay)
        credentials = threads.complete_authorization(code="c0de", state="s",
                                                     redirect_uri=redirect)
        soon = {**credentials, "expires_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}
        refreshed = threads.refresh(soon)
    assert credentials["threads_user_id"] == UID and credentials["username"] == "lakesideclinic"
    assert refreshed is not None and refreshed["access_token"] == "refreshed-th-token"
    assert "threads_content_publish" in threads.authorization_url(
        state="s", redirect_uri=redirect, handle="")
