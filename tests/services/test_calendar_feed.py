"""The ICS feed reads a window: posts planned from FEED_HISTORY ago on, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar

from bedside.services import publish
from bedside.services.calendar import FEED_HISTORY, calendar_feed

from .conftest import NOW, SAFE, Practice


def _events(feed: bytes) -> dict[str, list[bytes]]:
    """Each event's lines by UID, without DTSTAMP (the moment the feed was made)."""
    return {str(event["UID"]): [line for line in event.to_ical().splitlines()
                                if not line.startswith(b"DTSTAMP")]
            for event in Calendar.from_ical(feed).walk("VEVENT")}


def _planned(p: Practice, text: str, at: datetime) -> int:
    post = publish.compose(p.store, p.owner, text, to=["lakeside", "dr.patel"])
    publish.schedule(p.store, p.owner, post.id, at, now=NOW)
    return post.id


def test_a_post_planned_before_the_window_is_left_out_and_the_rest_is_unchanged(
        practice: Practice) -> None:
    p = practice
    soon = NOW + timedelta(days=1)
    first = _planned(p, SAFE, soon)
    second = _planned(p, "Five signs of dehydration in toddlers.", NOW + timedelta(days=120))
    everything = _events(calendar_feed(p.store, p.owner, now=NOW))
    assert {uid.split("-account-")[0] for uid in everything} == {f"post-{first}",
                                                                 f"post-{second}"}
    assert len(everything) == 4  # two posts on two accounts

    still_in = _events(calendar_feed(p.store, p.owner, now=soon + FEED_HISTORY
                                     - timedelta(minutes=1)))
    assert still_in == everything

    later = _events(calendar_feed(p.store, p.owner, now=soon + FEED_HISTORY
                                  + timedelta(minutes=1)))
    assert sorted(later) == sorted(uid for uid in everything
                                   if uid.startswith(f"post-{second}-"))
    assert later == {uid: lines for uid, lines in everything.items() if uid in later}
