"""Replies, mentions, counts and followers through a real AppView (@atproto/dev-env).

The AppView indexes what the PDS emits a moment later: reads are retried for a few seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from atproto import models

from bedside.networks.base import Image, OutgoingPost
from bedside.networks.bluesky import BlueskyNetwork

T = TypeVar("T")


def eventually(read: Callable[[], T], done: Callable[[T], bool], *, seconds: float = 20) -> T:
    """Read until `done` holds (the AppView catches up), else return the last reading."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def test_replies_and_mentions_arrive_oldest_first(
        network: BlueskyNetwork, appview_accounts: Any, bluesky_appview: Any, raw: Any) -> None:
    doctor, member = appview_accounts("doctor")
    patient_account, patient = appview_accounts("patient")
    ours = network.publish(doctor, OutgoingPost(text="Flu shots this week"),
                           idempotency_key="ours-1")
    # A person replies to a post they have seen: wait until the AppView shows it (it indexes
    # each account's events on its own, so a reply indexed before its parent notifies no one).
    eventually(lambda: network.fetch_metrics(doctor, [ours.remote_id]), bool)
    # The other person writes through bedside's own connector too: replies and mention facets.
    reply = network.publish(patient_account, OutgoingPost(
        text="Do I need an appointment?", reply_to=ours.remote_id), idempotency_key="r-1")
    mention = network.publish(patient_account, OutgoingPost(
        text=f"Thank you @{member.handle} 🙏"), idempotency_key="m-1")

    found = eventually(lambda: network.fetch_interactions(doctor), lambda got: len(got) >= 2)
    assert [(i.kind, i.remote_id) for i in found] == [
        ("reply", reply.remote_id), ("mention", mention.remote_id)]
    first, second = found
    assert (first.author_handle, first.text, first.in_reply_to) == (
        patient.handle, "Do I need an appointment?", ours.remote_id)
    assert second.text == f"Thank you @{member.handle} 🙏" and second.in_reply_to is None
    assert first.url == reply.url and first.created_at == reply.published_at
    assert network.fetch_interactions(doctor, since=datetime.now(UTC)) == []
    assert [i.remote_id for i in network.fetch_interactions(
        doctor, since=first.created_at)] == [mention.remote_id]

    # Answering a patient's reply: a reply to someone else's post, in the same thread.
    eventually(lambda: network.fetch_metrics(doctor, [reply.remote_id]), bool)
    answer = network.publish(doctor, OutgoingPost(text="No, walk in.", reply_to=reply.remote_id),
                             idempotency_key="a-1")
    thread = raw(bluesky_appview, member).com.atproto.repo.get_record(
        models.ComAtprotoRepoGetRecord.Params(repo=member.did, collection="app.bsky.feed.post",
                                              rkey=answer.remote_id.rsplit("/", 1)[1]))
    assert (thread.value.reply.root.uri, thread.value.reply.parent.uri) == (
        ours.remote_id, reply.remote_id)


def test_counts_followers_and_account_metrics(
        network: BlueskyNetwork, appview_accounts: Any, bluesky_appview: Any, raw: Any) -> None:
    doctor, member = appview_accounts("clinic")
    fans = [appview_accounts(f"fan{n}")[1] for n in range(2)]
    post = network.publish(doctor, OutgoingPost(text="Open on Saturday"),
                           idempotency_key="c-1")
    gone = network.publish(doctor, OutgoingPost(text="Wrong day"), idempotency_key="c-2")
    network.delete(doctor, gone.remote_id)
    network.update_profile(doctor, bio="Walk-in clinic")
    cid = raw(bluesky_appview, member).com.atproto.repo.get_record(
        models.ComAtprotoRepoGetRecord.Params(repo=member.did, collection="app.bsky.feed.post",
                                              rkey=post.remote_id.rsplit("/", 1)[1])).cid
    subject = models.ComAtprotoRepoStrongRef.Main(uri=post.remote_id, cid=cid)
    eventually(lambda: network.fetch_metrics(doctor, [post.remote_id]), bool)
    for fan in fans:
        client = raw(bluesky_appview, fan)
        now = client.get_current_time_iso()
        client.app.bsky.feed.like.create(fan.did, models.AppBskyFeedLike.Record(
            subject=subject, created_at=now))
        client.app.bsky.graph.follow.create(fan.did, models.AppBskyGraphFollow.Record(
            subject=member.did, created_at=now))
    client.app.bsky.feed.repost.create(fans[-1].did, models.AppBskyFeedRepost.Record(
        subject=subject, created_at=now))

    metrics = eventually(lambda: network.fetch_metrics(doctor, [post.remote_id, gone.remote_id]),
                         lambda got: bool(got) and got[0].likes == 2 and got[0].reposts == 1)
    assert [(m.remote_id, m.likes, m.reposts, m.replies, m.quotes) for m in metrics] == [
        (post.remote_id, 2, 1, 0, 0)]
    account = eventually(lambda: network.account_metrics(doctor),
                         lambda got: got.followers == 2)
    assert (account.followers, account.following, account.posts) == (2, 0, 1)

    followers = network.sample_followers(doctor, limit=10)
    assert sorted(f.handle for f in followers) == sorted(fan.handle for fan in fans)
    assert all(f.has_avatar is False and f.following == 1 and f.posts == 0 for f in followers)
    assert [f.handle for f in network.sample_followers(doctor, limit=1)] in (
        [[fan.handle] for fan in fans])


def test_the_appview_indexes_the_profile_bedside_writes(
        network: BlueskyNetwork, appview_accounts: Any, bluesky_appview: Any, raw: Any) -> None:
    doctor, member = appview_accounts("profile")
    avatar = Image(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
        "d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"), "image/png", "Portrait")
    written = network.update_profile(doctor, display_name="Dr Lee", bio="GP", avatar=avatar)
    assert network.get_profile(doctor) == written
    client = raw(bluesky_appview, member)
    shown = eventually(lambda: client.get_profile(member.did),
                       lambda got: got.display_name == "Dr Lee" and got.avatar is not None)
    assert (shown.display_name, shown.description) == ("Dr Lee", "GP")
    assert shown.avatar is not None
