"""The calendar feed: RFC 5545 as icalendar reads it back, folding, escaping, daylight saving,
and short excerpts only (the feed leaves the machine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from bedside.errors import BedsideError
from bedside.ics import (
    DEFAULT_EXCERPT_CHARS,
    CalendarEvent,
    CalendarFeedError,
    calendar_ics,
    excerpt,
)

NY = ZoneInfo("America/New_York")
STAMP = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def post(uid: str = "p1", start: datetime = datetime(2026, 7, 6, 9, 30, tzinfo=NY), *,
         network: str = "linkedin", account: str = "@drlee", status: str = "scheduled",
         summary: str = "Flu shots start Monday", description: str = "",
         url: str | None = None) -> CalendarEvent:
    return CalendarEvent(uid=uid, start=start, network=network, account=account, status=status,
                         summary=summary, description=description, url=url)


def feed(*events: CalendarEvent, timezone: str = "America/New_York",
         excerpt_chars: int = DEFAULT_EXCERPT_CHARS) -> bytes:
    return calendar_ics(events, name="Lakeside posts", timezone=timezone, stamp=STAMP,
                        excerpt_chars=excerpt_chars)


def events_of(data: bytes) -> list[Event]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_calendar_properties() -> None:
    data = feed(post())
    cal = Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//bedside//content calendar//EN"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == "Lakeside posts"
    assert cal["X-WR-TIMEZONE"] == "America/New_York"
    assert cal.refresh_interval == timedelta(hours=1)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data
    [vtimezone] = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "America/New_York"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_event_fields() -> None:
    [event] = events_of(feed(post(description="Walk in 8-11, no appointment",
                                  url="https://lakesidefm.example/flu")))
    assert event["UID"] == "p1@bedside"
    assert event.start == datetime(2026, 7, 6, 9, 30, tzinfo=NY)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.duration == timedelta(minutes=15)
    assert event.end == datetime(2026, 7, 6, 9, 45, tzinfo=NY)
    assert event["DTSTAMP"].dt == STAMP
    assert event["SUMMARY"] == "[linkedin @drlee] Flu shots start Monday"
    assert event["DESCRIPTION"] == ("Walk in 8-11, no appointment\nStatus: scheduled\n"
                                    "https://lakesidefm.example/flu")
    assert event["URL"] == "https://lakesidefm.example/flu"
    assert event["STATUS"] == "CONFIRMED"
    assert event["TRANSP"] == "TRANSPARENT"


@pytest.mark.parametrize(("status", "vstatus", "summary"), [
    ("draft", "TENTATIVE", "[x @lakeside, draft] Hi"),
    ("scheduled", "CONFIRMED", "[x @lakeside] Hi"),
    ("publishing", "CONFIRMED", "[x @lakeside] Hi"),
    ("published", "CONFIRMED", "[x @lakeside] Hi"),
    ("failed", "CONFIRMED", "[x @lakeside, failed] Hi"),
    ("uncertain", "CONFIRMED", "[x @lakeside, uncertain] Hi"),
    ("expired", "CONFIRMED", "[x @lakeside, expired] Hi"),
    ("cancelled", "CANCELLED", "[x @lakeside, cancelled] Hi"),
    ("something-new", "TENTATIVE", "[x @lakeside, something-new] Hi"),
])
def test_status(status: str, vstatus: str, summary: str) -> None:
    [event] = events_of(feed(post(network="x", account="@lakeside", status=status,
                                  summary="Hi")))
    assert (event["STATUS"], event["SUMMARY"]) == (vstatus, summary)
    assert event["DESCRIPTION"] == f"Status: {status}"


def test_lines_end_in_crlf_and_fold_at_75_octets() -> None:
    long_text = "Café résumé naïve 👨‍👩‍👧 " * 20
    data = feed(post(summary=long_text, description=long_text,
                     url="https://lakesidefm.example/" + "a" * 120), excerpt_chars=300)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # a fold never splits a multi-octet character
    [event] = events_of(data)
    assert event["SUMMARY"] == "[linkedin @drlee] " + excerpt(long_text, 300)
    assert event["URL"] == "https://lakesidefm.example/" + "a" * 120


def test_text_is_escaped() -> None:
    text = 'Fever, cough; call us \\ or "walk in"'
    data = feed(post(summary=text, description="one;two,three\nfour"), excerpt_chars=100)
    assert b'SUMMARY:[linkedin @drlee] Fever\\, cough\\; call us \\\\ or "walk in"\r\n' in data
    assert b"DESCRIPTION:one\\;two\\,three four\\nStatus: scheduled\r\n" in data
    [event] = events_of(data)
    assert event["SUMMARY"] == f"[linkedin @drlee] {text}"
    assert event["DESCRIPTION"] == "one;two,three four\nStatus: scheduled"


def test_daylight_saving_keeps_the_wall_clock() -> None:
    # 9:00 the day before and the day after New York springs forward (8 March 2026).
    before = post("before", datetime(2026, 3, 7, 9, 0, tzinfo=NY))
    after = post("after", datetime(2026, 3, 9, 9, 0, tzinfo=NY))
    data = feed(before, after)
    assert b"DTSTART;TZID=America/New_York:20260307T090000\r\n" in data
    assert b"DTSTART;TZID=America/New_York:20260309T090000\r\n" in data
    first, second = events_of(data)
    assert (first.start.hour, second.start.hour) == (9, 9)
    assert first.start.utcoffset() == timedelta(hours=-5)
    assert second.start.utcoffset() == timedelta(hours=-4)
    assert second.start.astimezone(UTC) - first.start.astimezone(UTC) == timedelta(hours=47)


def test_an_event_across_fall_back_lasts_fifteen_real_minutes() -> None:
    # 01:50 EDT on 1 November 2026; ten minutes later the clocks go back to 01:00 EST.
    start = datetime(2026, 11, 1, 5, 50, tzinfo=UTC)
    [event] = events_of(feed(post(start=start)))
    assert event.start.astimezone(UTC) == start
    assert event.duration == timedelta(minutes=15)
    assert event.start.astimezone(UTC) + event.duration == start + timedelta(minutes=15)


def test_the_second_pass_of_a_repeated_hour_is_written_in_utc() -> None:
    first = post("first", datetime(2026, 11, 1, 5, 30, tzinfo=UTC))  # 01:30 EDT
    second = post("second", datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # 01:30 EST
    data = feed(first, second)
    assert b"DTSTART;TZID=America/New_York:20261101T013000\r\n" in data
    assert b"DTSTART:20261101T063000Z\r\n" in data
    parsed = {e["UID"]: e.start.astimezone(UTC) for e in events_of(data)}
    assert parsed == {"first@bedside": first.start, "second@bedside": second.start}


def test_a_utc_start_is_written_on_the_practice_clock() -> None:
    [event] = events_of(feed(post(start=datetime(2026, 7, 6, 13, 30, tzinfo=UTC))))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert (event.start.hour, event.start.minute) == (9, 30)


def test_only_short_excerpts_leave_the_machine() -> None:
    text = ("Thank you to everyone who came to the flu clinic today, and special thanks to "
            "Ruth Smith, 92, who was our oldest patient")
    data = feed(post(summary=text, description=text))
    assert b"Ruth" not in data and b"patient" not in data
    [event] = events_of(data)
    shown = event["SUMMARY"].removeprefix("[linkedin @drlee] ")
    assert shown == "Thank you to everyone who came to the…"
    assert len(shown) <= DEFAULT_EXCERPT_CHARS


def test_no_text_at_all_when_excerpts_are_off() -> None:
    data = feed(post(summary="Secret", description="More secret"), excerpt_chars=0)
    assert b"ecret" not in data
    [event] = events_of(data)
    assert event["SUMMARY"] == "[linkedin @drlee] post"
    assert event["DESCRIPTION"] == "Status: scheduled"


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Short", 40, "Short"),
    ("  spaced\n\nout\ttext ", 40, "spaced out text"),
    ("one two three four five six", 15, "one two three…"),
    ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"),  # no word break near: cut mid-word
    ("ab 👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 cd", 5, "ab 👨‍👩‍👧…"),  # a family emoji is one character
    ("e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"),  # accents stay on their letter
    ("anything", 0, ""),
    ("anything", 1, "…"),
    ("exactly ten", 11, "exactly ten"),
])
def test_excerpt(text: str, limit: int, expected: str) -> None:
    assert excerpt(text, limit) == expected


def test_same_posts_same_bytes_in_any_order() -> None:
    a = post("a", datetime(2026, 7, 6, 9, 0, tzinfo=NY))
    b = post("b", datetime(2026, 7, 5, 9, 0, tzinfo=NY))
    c = post("c", datetime(2026, 7, 5, 9, 0, tzinfo=NY))
    assert feed(a, b, c) == feed(c, a, b)
    assert [e["UID"] for e in events_of(feed(a, b, c))] == ["b@bedside", "c@bedside",
                                                            "a@bedside"]


def test_empty_feed_still_names_its_zone() -> None:
    cal = Calendar.from_ical(feed())
    assert list(cal.walk("VEVENT")) == []
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]


def test_stamp_defaults_to_now_and_uid_domain_is_a_parameter() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    [event] = events_of(calendar_ics([post()], name="A", timezone="Europe/London",
                                     uid_domain="lakeside.bedside"))
    assert before <= event["DTSTAMP"].dt <= datetime.now(UTC)
    assert event["UID"] == "p1@lakeside.bedside"
    assert event["DTSTART"].params["TZID"] == "Europe/London"


def test_bad_input() -> None:
    with pytest.raises(CalendarFeedError, match='"Eastern" is not a time zone') as caught:
        feed(post(), timezone="Eastern")
    assert isinstance(caught.value, BedsideError)
    with pytest.raises(CalendarFeedError, match='two calendar events share the uid "p1"'):
        feed(post(), post())
    with pytest.raises(ValueError, match="aware"):
        feed(post(start=datetime(2026, 7, 6, 9, 30)))
