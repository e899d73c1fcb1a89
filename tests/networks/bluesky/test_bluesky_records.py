"""The pure rules of the Bluesky connector: record keys, AT URIs, times (no server)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bedside.networks.bluesky_records import AtUri, is_tid, parse_time, record_key

_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid_time(tid: str) -> datetime:
    value = 0
    for char in tid:
        value = value * 32 + _B32.index(char)
    return datetime.fromtimestamp((value >> 10) / 1_000_000, UTC)


@given(st.text(min_size=1, max_size=200))
def test_record_keys_are_tids_in_2023_and_the_same_for_the_same_key(key: str) -> None:
    rkey = record_key(key)
    assert is_tid(rkey) and rkey == record_key(key)
    assert datetime(2023, 1, 1, tzinfo=UTC) <= tid_time(rkey) < datetime(2024, 1, 1, tzinfo=UTC)


def test_record_keys_differ_between_keys() -> None:
    keys = {record_key(f"publication-{n}") for n in range(20_000)}
    assert len(keys) == 20_000
    with pytest.raises(ValueError):
        record_key("")


def test_at_uris() -> None:
    uri = AtUri.parse("at://did:plc:abc123/app.bsky.feed.post/3k2la3b4c5d6e")
    assert (uri.did, uri.collection, uri.rkey) == ("did:plc:abc123", "app.bsky.feed.post",
                                                   "3k2la3b4c5d6e")
    assert str(uri) == "at://did:plc:abc123/app.bsky.feed.post/3k2la3b4c5d6e"
    for wrong in ("https://bsky.app/profile/x/post/y", "at://alice.test/app.bsky.feed.post/x",
                  "at://did:plc:abc/app.bsky.feed.post"):
        with pytest.raises(ValueError, match="not the address of a Bluesky record"):
            AtUri.parse(wrong)


def test_times_are_aware_utc() -> None:
    assert parse_time("2024-05-01T10:00:00.123Z") == datetime(2024, 5, 1, 10, 0, 0, 123000,
                                                              tzinfo=UTC)
    paris = parse_time("2024-05-01T12:00:00+02:00")
    assert paris == datetime(2024, 5, 1, 10, tzinfo=UTC) and paris.tzinfo == UTC
    assert parse_time("2024-05-01T10:00:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
