"""The content calendar as an RFC 5545 iCalendar feed a phone or calendar app can subscribe to.

Privacy: a subscribed feed leaves the machine and sits in someone else's calendar service, and
post texts can hold patient details. So each event carries only a short excerpt of the post
(`excerpt_chars`, default 40; 0 for none), never the whole text.

Each post on an account is one 15-minute VEVENT: a stable UID (so an edited post updates the
event rather than adding one), DTSTART on the practice's clock with its VTIMEZONE, DURATION
(an exact 15 minutes, RFC 5545 3.3.6, even across a clock change), TRANSP:TRANSPARENT (a post
does not make the doctor busy) and STATUS mapped from the post's state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex
from icalendar import STATUS, TRANSP, Calendar, Event, Timezone, vDuration

from bedside.errors import BedsideError

__all__ = ["DEFAULT_EXCERPT_CHARS", "EVENT_LENGTH", "CalendarEvent", "CalendarFeedError",
           "calendar_ics", "excerpt"]

DEFAULT_EXCERPT_CHARS = 40
EVENT_LENGTH = timedelta(minutes=15)
PRODID = "-//bedside//content calendar//EN"

# Post and ledger states (store.models) to VEVENT STATUS (RFC 5545 3.8.1.11). States that need
# a person's attention keep CONFIRMED but are named in the summary.
_STATUS = {
    "draft": STATUS.TENTATIVE,
    "scheduled": STATUS.CONFIRMED, "publishing": STATUS.CONFIRMED, "published": STATUS.CONFIRMED,
    "failed": STATUS.CONFIRMED, "uncertain": STATUS.CONFIRMED, "expired": STATUS.CONFIRMED,
    "cancelled": STATUS.CANCELLED,
}
_QUIET_STATES = {"scheduled", "publishing", "published"}  # not worth a word in the summary


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One post on one account. `summary` is the post's text (or title) and `description`
    any further text: both are cut to a short excerpt in the feed."""

    uid: str
    start: datetime
    network: str
    account: str
    status: str
    summary: str
    description: str = ""
    url: str | None = None


class CalendarFeedError(BedsideError):
    """A calendar feed that cannot be built (bad time zone, two events with one UID)."""


def excerpt(text: str, limit: int = DEFAULT_EXCERPT_CHARS) -> str:
    """At most `limit` characters of `text` on one line (user-perceived characters, so an emoji
    or accented letter is never split), cut at a word where one is near, with "…" if cut."""
    if limit <= 0:
        return ""
    flat = " ".join(text.split())
    graphemes = regex.findall(r"\X", flat)
    if len(graphemes) <= limit:
        return flat
    cut = "".join(graphemes[: limit - 1])
    space = cut.rfind(" ")
    if space >= len(cut) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + "…"


def calendar_ics(events: Iterable[CalendarEvent], *, name: str, timezone: str,
                 excerpt_chars: int = DEFAULT_EXCERPT_CHARS, stamp: datetime | None = None,
                 uid_domain: str = "bedside", refresh: timedelta = timedelta(hours=1)) -> bytes:
    """The events as an iCalendar feed (bytes, CRLF lines folded at 75 octets).

    `timezone` is the practice's IANA zone: events are written on its clock with a VTIMEZONE.
    `stamp` is the DTSTAMP of every event (default: now). `refresh` is how often subscribers
    should fetch the feed again. Raises CalendarFeedError for an unknown zone or a repeated UID.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarFeedError(f'"{timezone}" is not a time zone bedside knows') from None
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    items = sorted(events, key=lambda e: (_aware(e.start).astimezone(UTC), e.uid))
    uids = [e.uid for e in items]
    repeated = next((u for i, u in enumerate(uids) if u in uids[:i]), None)
    if repeated is not None:
        raise CalendarFeedError(f'two calendar events share the uid "{repeated}"')

    cal = Calendar.new(
        name=name, prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
        refresh_interval=refresh,
        # A stable calendar UID: the same feed gives the same bytes for the same posts.
        uid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bedside-calendar:{uid_domain}:{name}")),
    )
    # RFC 7986 5.7 requires VALUE=DURATION on REFRESH-INTERVAL; icalendar 7 leaves it out.
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    # Apple, Google and Outlook read the calendar's zone and refresh interval from these.
    cal.add("x-wr-timezone", zone.key)
    cal.add("x-published-ttl", vDuration(refresh))
    days = [_aware(e.start).date() for e in items] or [stamp.date()]
    cal.add_component(Timezone.from_tzid(zone.key, first_date=min(days) - timedelta(days=366),
                                         last_date=max(days) + timedelta(days=366)))
    for item in items:
        cal.add_component(_event(item, zone, excerpt_chars, stamp, uid_domain))
    data: bytes = cal.to_ical()
    return data


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar events need aware start times")
    return moment


def _event(item: CalendarEvent, zone: ZoneInfo, chars: int, stamp: datetime,
           domain: str) -> Event:
    local = _aware(item.start).astimezone(zone)
    # RFC 5545 3.3.5 reads a local time that happens twice as the first pass; a post in the
    # second pass of a fall-back hour is therefore written in UTC.
    start = local.astimezone(UTC) if local.fold and \
        local.replace(fold=0).utcoffset() != local.utcoffset() else local
    label = f"{item.network} {item.account}".strip()
    if item.status not in _QUIET_STATES:
        label += f", {item.status}"
    text = excerpt(item.summary, chars) or "post"
    lines = [excerpt(item.description, chars), f"Status: {item.status}"]
    if item.url:
        lines.append(item.url)
    event = Event.new(
        uid=f"{item.uid}@{domain}", start=start, stamp=stamp, summary=f"[{label}] {text}",
        description="\n".join(line for line in lines if line),
        status=_STATUS.get(item.status, STATUS.TENTATIVE), transparency=TRANSP.TRANSPARENT,
        url=item.url or None,
    )
    event.add("duration", EVENT_LENGTH)
    return event
