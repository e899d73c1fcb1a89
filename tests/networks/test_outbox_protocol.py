"""The outbox beyond publishing: interactions, metrics, profile, archive, all in its SQLite file."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bedside.errors import UsageError
from bedside.networks import (
    AccountRef,
    ArchiveError,
    Image,
    Network,
    NetworkContext,
    OAuthNetwork,
    OutgoingPost,
    PermanentError,
    Refreshable,
    TransientError,
    get_network,
)
from bedside.networks.outbox import OutboxNetwork

ACCOUNT = AccountRef(network="outbox", handle="dr.ng")
OTHER = AccountRef(network="outbox", handle="northside.clinic")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def outbox(tmp_path: Path) -> OutboxNetwork:
    return OutboxNetwork(NetworkContext(data_dir=tmp_path / "data"))


def publish(outbox: OutboxNetwork, key: str, account: AccountRef = ACCOUNT) -> str:
    return outbox.publish(account, OutgoingPost(text=f"post {key}"), idempotency_key=key).remote_id


def with_options(**options: Any) -> AccountRef:
    return AccountRef(network="outbox", handle="dr.ng", options=options)


def test_the_outbox_is_a_whole_network_without_oauth(tmp_path: Path) -> None:
    network = get_network("outbox", NetworkContext(data_dir=tmp_path))
    assert isinstance(network, Network)
    assert not isinstance(network, OAuthNetwork) and not isinstance(network, Refreshable)


def test_connect_keeps_what_it_is_given_and_needs_a_handle(outbox: OutboxNetwork) -> None:
    assert outbox.connect("dr.ng", {"token": "anything"}) == {"token": "anything"}
    with pytest.raises(PermanentError, match="needs a handle"):
        outbox.connect("  ", {})


# Interactions


def test_received_interactions_come_back_oldest_first_and_after_since(
    outbox: OutboxNetwork,
) -> None:
    post = publish(outbox, "k1")
    later = outbox.receive("dr.ng", kind="mention", author_handle="kim", text="@dr.ng thanks!",
                           created_at=T0 + timedelta(hours=2))
    first = outbox.receive("dr.ng", kind="reply", author_handle="ruth", author_name="Ruth",
                           text="Is Tuesday walk-in too?", in_reply_to=post, created_at=T0)
    outbox.receive("northside.clinic", kind="comment", author_handle="sam", text="Elsewhere",
                   created_at=T0)

    got = outbox.fetch_interactions(ACCOUNT)
    assert [i.remote_id for i in got] == [first.remote_id, later.remote_id]
    assert (got[0].kind, got[0].author_handle, got[0].author_name) == ("reply", "ruth", "Ruth")
    assert got[0].text == "Is Tuesday walk-in too?" and got[0].in_reply_to == post
    assert got[0].created_at == T0 and got[0].url == f"outbox://ruth/in/{first.remote_id[10:]}"
    assert outbox.fetch_interactions(ACCOUNT, since=T0) == [later]
    assert outbox.fetch_interactions(ACCOUNT, since=T0 + timedelta(hours=2)) == []
    assert [i.author_handle for i in outbox.fetch_interactions(OTHER)] == ["sam"]
    assert "Tuesday" not in repr(got[0]) and "23 chars" in repr(got[0])


def test_a_review_carries_its_stars_and_nothing_else_does(outbox: OutboxNetwork) -> None:
    review = outbox.receive("dr.ng", kind="review", author_handle="p1", text="Kind staff", rating=5)
    assert review.rating == 5
    with pytest.raises(UsageError, match="1 to 5 stars"):
        outbox.receive("dr.ng", kind="review", author_handle="p1", text="x", rating=6)
    with pytest.raises(UsageError, match="only a review"):
        outbox.receive("dr.ng", kind="reply", author_handle="p1", text="x", rating=3)
    with pytest.raises(UsageError, match="not an interaction kind"):
        outbox.receive("dr.ng", kind="like", author_handle="p1", text="x")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="author's handle"):
        outbox.receive("dr.ng", kind="mention", author_handle=" ", text="x")
    assert len(outbox.fetch_interactions(ACCOUNT)) == 1


def test_a_reply_must_answer_one_of_the_accounts_own_posts(outbox: OutboxNetwork) -> None:
    theirs = publish(outbox, "k1", OTHER)
    for target in (theirs, "outbox:99", "at://not/ours"):
        with pytest.raises(UsageError, match="is not a post of outbox account 'dr.ng'"):
            outbox.receive("dr.ng", kind="reply", author_handle="p", text="x", in_reply_to=target)
    assert outbox.fetch_interactions(ACCOUNT) == []


# Metrics


def test_metrics_count_replies_and_quotes_and_leave_unknowns_none(outbox: OutboxNetwork) -> None:
    one, two, gone = publish(outbox, "k1"), publish(outbox, "k2"), publish(outbox, "k3")
    theirs = publish(outbox, "k1", OTHER)
    for kind in ("reply", "reply", "quote"):
        outbox.receive("dr.ng", kind=kind, author_handle="p", text="x", in_reply_to=one)  # type: ignore[arg-type]
    outbox.delete(ACCOUNT, gone)

    before = datetime.now(UTC)
    metrics = outbox.fetch_metrics(ACCOUNT, [one, two, gone, theirs, "outbox:999", "junk"])
    assert [m.remote_id for m in metrics] == [one, two]
    assert (metrics[0].replies, metrics[0].quotes) == (2, 1)
    assert (metrics[1].replies, metrics[1].quotes) == (0, 0)
    assert metrics[0].likes is None and metrics[0].impressions is None
    assert metrics[0].fetched_at >= before

    account = outbox.account_metrics(ACCOUNT)
    assert (account.posts, account.followers, account.following) == (2, 0, 0)
    assert outbox.sample_followers(ACCOUNT) == []


# Profile


def test_the_profile_is_stored_changed_in_part_and_kept(outbox: OutboxNetwork,
                                                        tmp_path: Path) -> None:
    assert outbox.get_profile(ACCOUNT).display_name == ""
    avatar = Image(source=PNG, mime="image/png", alt="Dr Ng smiling")
    first = outbox.update_profile(ACCOUNT, display_name="Dr Ng", bio="Family medicine.",
                                  avatar=avatar)
    assert (first.handle, first.display_name, first.bio) == ("dr.ng", "Dr Ng", "Family medicine.")
    assert first.avatar_url is not None and first.avatar_url.startswith("outbox://dr.ng/avatar/")

    second = outbox.update_profile(ACCOUNT, bio="Family medicine in Lakeside.")
    assert (second.display_name, second.bio, second.avatar_url) == (
        "Dr Ng", "Family medicine in Lakeside.", first.avatar_url)
    again = OutboxNetwork(NetworkContext(data_dir=tmp_path / "data"))
    assert again.get_profile(ACCOUNT) == second
    assert again.get_profile(OTHER).bio == ""


def test_a_profile_past_the_limits_is_refused_and_nothing_changes(outbox: OutboxNetwork) -> None:
    outbox.update_profile(ACCOUNT, display_name="Dr Ng")
    limits = outbox.limits
    assert limits.bio_max is not None and limits.display_name_max is not None
    outbox.update_profile(ACCOUNT, bio="b" * limits.bio_max)
    with pytest.raises(PermanentError, match="the bio has 501 characters"):
        outbox.update_profile(ACCOUNT, display_name="Dr N", bio="b" * (limits.bio_max + 1))
    with pytest.raises(PermanentError, match="display name has 51"):
        outbox.update_profile(ACCOUNT, display_name="n" * (limits.display_name_max + 1))
    assert outbox.get_profile(ACCOUNT).display_name == "Dr Ng"


def test_the_knobs_reach_every_call(outbox: OutboxNetwork) -> None:
    limited = with_options(rate_limit_until=time.time() + 60)
    for call in (lambda: outbox.fetch_interactions(limited),
                 lambda: outbox.fetch_metrics(limited, []),
                 lambda: outbox.account_metrics(limited),
                 lambda: outbox.sample_followers(limited),
                 lambda: outbox.get_profile(limited),
                 lambda: outbox.update_profile(limited, bio="x")):
        with pytest.raises(TransientError) as caught:
            call()
        assert caught.value.retry_after is not None and 58 < caught.value.retry_after <= 60
    rejecting = with_options(reject="token revoked")
    assert outbox.fetch_interactions(rejecting) == []  # reading still works
    with pytest.raises(PermanentError, match="token revoked"):
        outbox.update_profile(rejecting, bio="x")


# Archive


def test_an_export_reads_back_as_the_accounts_posts_with_their_counts(
    outbox: OutboxNetwork, tmp_path: Path,
) -> None:
    one = publish(outbox, "k1")
    reply = outbox.publish(ACCOUNT, OutgoingPost(text="Yes, Tuesdays too.", reply_to=one),
                           idempotency_key="k2")
    gone = publish(outbox, "k3")
    outbox.delete(ACCOUNT, gone)
    publish(outbox, "k1", OTHER)
    outbox.receive("dr.ng", kind="reply", author_handle="p", text="x", in_reply_to=one)

    path = tmp_path / "export" / "outbox.json"
    assert outbox.export_archive("dr.ng", path) == 2
    assert path.stat().st_mode & 0o077 == 0
    posts = list(outbox.read_archive(path))
    assert [p.remote_id for p in posts] == [one, reply.remote_id]
    assert posts[0].text == "post k1" and posts[0].metrics == {"replies": 1, "quotes": 0}
    assert posts[1].reply_to == one and posts[1].created_at == reply.published_at
    assert posts[1].url == reply.url and posts[1].network == "outbox"
    assert "Tuesdays" not in repr(posts[1])


@pytest.mark.parametrize(("content", "problem"), [
    ('{"format": "bedside-outbox-archive",\n "posts": [}', r"damaged at line 2, column 12"),
    ('{"posts": []}', "is not an outbox archive"),
    ('{"format": "bedside-outbox-archive", "version": 9, "posts": []}', "version 9 is unknown"),
    ('{"format": "bedside-outbox-archive", "version": 1, "posts": {}}', '"posts" must be a list'),
])
def test_a_damaged_or_foreign_file_says_where(tmp_path: Path, outbox: OutboxNetwork,
                                              content: str, problem: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(ArchiveError, match=problem) as caught:
        list(outbox.read_archive(path))
    assert str(path) in str(caught.value)


def test_one_bad_post_fails_the_whole_file_naming_the_post(tmp_path: Path,
                                                           outbox: OutboxNetwork) -> None:
    good = {"id": "outbox:1", "published_at": "2026-11-27T09:00:00+00:00", "text": "Hello"}
    bad_posts: list[tuple[dict[str, Any], str]] = [
        ({**good, "published_at": "yesterday"}, "not a date and time"),
        ({**good, "published_at": "2026-11-27T09:00:00"}, "no time zone"),
        ({**good, "text": None}, '"text" is missing'),
        ({**good, "metrics": {"likes": -1}}, '"metrics" must map'),
        ({**good, "metrics": {"hugs": 3}}, '"metrics" must map'),
        ({**good, "reply_to": 7}, '"reply_to" must be text'),
    ]
    for bad, problem in bad_posts:
        path = tmp_path / "export.json"
        path.write_text(json.dumps({"format": "bedside-outbox-archive", "version": 1,
                                    "posts": [good, bad]}))
        with pytest.raises(ArchiveError, match=f"post 2: .*{problem}"):
            outbox.read_archive(path)  # raises before yielding the good first post
    with pytest.raises(ArchiveError, match="Cannot read"):
        outbox.read_archive(tmp_path / "missing.json")


def test_a_file_from_before_interactions_and_profiles_is_upgraded(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with closing(sqlite3.connect(data / "outbox.sqlite3", isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(
            "CREATE TABLE posts (n INTEGER PRIMARY KEY AUTOINCREMENT, handle TEXT NOT NULL,"
            " idempotency_key TEXT NOT NULL, text TEXT NOT NULL, link TEXT, reply_to TEXT,"
            " images TEXT NOT NULL, published_at TEXT NOT NULL, deleted_at TEXT)"
        )
        db.execute("CREATE UNIQUE INDEX posts_handle_key ON posts (handle, idempotency_key)")
        db.execute("INSERT INTO posts (handle, idempotency_key, text, images, published_at)"
                   " VALUES ('dr.ng', 'old', 'From before', '[]', '2026-01-01T00:00:00+00:00')")
    outbox = OutboxNetwork(NetworkContext(data_dir=data))
    received = outbox.receive("dr.ng", kind="reply", author_handle="p", text="x",
                              in_reply_to="outbox:1")
    assert outbox.fetch_interactions(ACCOUNT) == [received]
    assert outbox.update_profile(ACCOUNT, bio="Still here").bio == "Still here"
    assert [r.text for r in outbox.records()] == ["From before"]
