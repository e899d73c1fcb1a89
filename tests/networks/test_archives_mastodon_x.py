"""The Mastodon and X data exports read back: posts with dates, links and counts, and a clear
error naming the file and the place for a damaged or wrong file.

The sample exports under tests/fixtures/networks/{mastodon,x}/archive/ follow the layout of
the networks' own archives (Mastodon's outbox.json, X's data/tweets.js and data/account.js).
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from replay import FIXTURES

from bedside.networks.base import ArchiveError, NetworkContext
from bedside.networks.mastodon import MastodonNetwork
from bedside.networks.x import XNetwork

OUTBOX = FIXTURES / "mastodon" / "archive" / "outbox.json"
X_DATA = FIXTURES / "x" / "archive" / "data"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_mastodon_outbox_alone_or_in_the_export_zip(tmp_path: Path) -> None:
    mastodon = MastodonNetwork(NetworkContext(data_dir=tmp_path))
    export = _zip(tmp_path / "archive-20261127.zip", {
        "actor.json": b"{}", "outbox.json": OUTBOX.read_bytes(), "likes.json": b"{}"})
    for source in (OUTBOX, export):
        posts = list(mastodon.read_archive(source))
        assert [p.remote_id for p in posts] == [
            "109800000000000000", "103270115826048975", "103270320000000001"]  # oldest first
        first, flu, reply = posts
        assert first.created_at == datetime(2023, 2, 1, 15, 30, tzinfo=UTC)
        assert first.text == "February is here: walk with us #HeartHealthMonth"
        assert flu.text == ("Flu shots are in: walk in Tuesday 9 to 12.\n\n"
                            "https://lakeside.example/flu")  # the whole link, not the shown part
        assert flu.url == "https://social.example/@lakeside/103270115826048975"
        assert reply.reply_to == "https://other.example/users/jo/statuses/103270300000000001"
        assert reply.text == "@jo Yes, 9 to 12 & no appointment\nneeded."
        assert all(p.network == "mastodon" and not p.metrics for p in posts)


@pytest.mark.parametrize(("content", "error"), [
    (b'{"orderedItems": [\n  {"type": "Create",\n  "object": }\n]}',
     r"outbox.json: damaged JSON at line 3, column 13"),
    (b'{"type": "OrderedCollection"}', r"not a Mastodon outbox"),
    (b'{"orderedItems": [{"type": "Create", "object": {"type": "Note", "id": "https://s/1"}}]}',
     r"item 1: the post has no 'published' date"),
    (b'{"orderedItems": [{"type": "Create", "object": {"type": "Note", "id": "https://s/1",'
     b' "published": "yesterday"}}]}', r"item 1: 'published' is not a date: 'yesterday'"),
    (b"\xff\xfe{}", r"not UTF-8 text \(byte 0\)"),
])
def test_a_damaged_outbox_names_the_file_and_the_place(tmp_path: Path, content: bytes,
                                                       error: str) -> None:
    damaged = tmp_path / "outbox.json"
    damaged.write_bytes(content)
    with pytest.raises(ArchiveError, match=error):
        MastodonNetwork(NetworkContext(data_dir=tmp_path)).read_archive(damaged)


def test_a_zip_without_an_outbox_is_not_a_mastodon_archive(tmp_path: Path) -> None:
    other = _zip(tmp_path / "photos.zip", {"a.jpg": b"\xff\xd8"})
    with pytest.raises(ArchiveError, match=r"photos.zip: this zip holds no outbox.json"):
        MastodonNetwork(NetworkContext(data_dir=tmp_path)).read_archive(other)


def test_x_archive_posts_with_links_put_back_and_counts(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "twitter-2026-11-27.zip", {
        "Your archive.html": b"<html></html>",
        "data/account.js": (X_DATA / "account.js").read_bytes(),
        "data/tweets.js": (X_DATA / "tweets.js").read_bytes(),
        "data/like.js": b"window.YTD.like.part0 = []",
    })
    posts = list(XNetwork(NetworkContext(data_dir=tmp_path)).read_archive(archive))
    assert [p.remote_id for p in posts] == [
        "1356000000000000000", "1445880548472328192", "1445891000000000001"]
    old, flu, reply = posts
    assert old.created_at == datetime(2021, 2, 1, 15, 30, tzinfo=UTC)
    assert dict(old.metrics) == {"likes": 40, "reposts": 9}
    assert flu.text == "Flu shots are in: walk in Tuesday 9 to 12.\n\nhttps://lakeside.example/flu"
    assert flu.url == "https://x.com/LakesideFM/status/1445880548472328192"
    assert reply.text == "@jo_runs Yes, 9 to 12 & no appointment needed."
    assert reply.reply_to == "1445890000000000001"


def test_a_lone_tweets_js_gets_addresses_without_a_username(tmp_path: Path) -> None:
    posts = list(XNetwork(NetworkContext(data_dir=tmp_path)).read_archive(X_DATA / "tweets.js"))
    assert posts[0].url == "https://x.com/i/web/status/1356000000000000000"


@pytest.mark.parametrize(("content", "error"), [
    (b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1",}} ]',
     r"tweets.js\): damaged JSON at line 1, column 54"),
    (b'[ {"tweet": {}} ]', r"does not start with 'window.YTD"),
    (b'window.YTD.tweets.part0 = [\n {"tweet": {"id_str": "7", "created_at": "2026-11-27",'
     b' "full_text": "x"}}\n]', r"item 1: 'created_at' is not a date: '2026-11-27'"),
    (b'window.YTD.tweets.part0 = [ {"tweet": {"created_at": "Fri Nov 27 09:00:00 +0000 2026"}}]',
     r"item 1: the post has no id"),
])
def test_a_damaged_x_archive_names_the_file_and_the_place(tmp_path: Path, content: bytes,
                                                          error: str) -> None:
    archive = _zip(tmp_path / "twitter.zip", {"data/tweets.js": content})
    with pytest.raises(ArchiveError, match=error):
        XNetwork(NetworkContext(data_dir=tmp_path)).read_archive(archive)


def test_a_zip_without_tweets_is_not_an_x_archive(tmp_path: Path) -> None:
    other = _zip(tmp_path / "backup.zip", {"data/account.js": b"window.YTD.account.part0 = []"})
    with pytest.raises(ArchiveError, match=r"backup.zip: this zip holds no data/tweets.js"):
        XNetwork(NetworkContext(data_dir=tmp_path)).read_archive(other)
