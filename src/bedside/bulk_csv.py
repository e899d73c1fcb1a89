"""Bulk import and export of scheduled posts in Hootsuite's bulk-composer CSV layout.

One post per row, no header row: `date-time, message, link`, the link optional. The date is
`mm/dd/yyyy hh:mm` or `dd/mm/yyyy hh:mm` (the uploader chooses which, as Hootsuite's form does)
on the 24-hour clock, read as wall-clock time in the practice's zone. Both are what Hootsuite's
uploader and its sample file describe, as reported by users' guides (e.g.
jycalcano.blogspot.com/2015/07/post-8-hootsuite-bulk-messaging.html: "mm/dd/yyyy hh:mm"; the
columns date-time, message, link: kim-iverson-headlee.blogspot.com/2016/08/...-hootsuite.html).

Minutes: Hootsuite's own bulk-composer article could not be checked. Its AutoSchedule article
says "Scheduled times use 5-minute increments" (help.hootsuite.com/hc/en-us/articles/
4406491608987) and similar tools require minutes ending in 0 or 5 (Friends+Me's bulk format).
bedside schedules to the minute, so import accepts any minute; an export with other minutes
may be refused if it is uploaded to Hootsuite itself.

Import is all or nothing: every bad row is reported, one line each (`line N: what is wrong`,
N being the line where the row starts), and no row is returned. Messages are never echoed in
errors: they may hold patient details.

Daylight saving: a wall-clock time that never happens (clocks jump forward) is an error; one
that happens twice (clocks fall back) means the first of the two, as RFC 5545 reads an
ambiguous local time (fold=0). Export therefore refuses a time in the second pass of that hour,
which this layout cannot write.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bedside.errors import BedsideError

__all__ = ["BulkExportError", "BulkImportError", "BulkRow", "ExportRow", "parse_bulk_csv",
           "write_bulk_csv"]

MAX_REPORTED = 20  # problems listed before "... and N more"


@dataclass(frozen=True, slots=True)
class BulkRow:
    """One imported post: the line its row starts on, when (aware, practice's zone), what."""

    line: int
    at: datetime
    message: str
    link: str | None


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One post to export: `at` must be aware; it is written on the practice's clock."""

    at: datetime
    message: str
    link: str | None = None


class BulkImportError(BedsideError):
    """A bulk file with bad rows: one `line N: ...` line per problem; nothing was imported."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        shown = list(self.problems[:MAX_REPORTED])
        if len(self.problems) > MAX_REPORTED:
            shown.append(f"... and {len(self.problems) - MAX_REPORTED} more")
        super().__init__("\n".join(shown))


class BulkExportError(BedsideError):
    """A post that this layout cannot hold faithfully."""


class _RowError(Exception):
    """A problem with one row (the message says what, without the line)."""


def parse_bulk_csv(text: str, *, day_first: bool, timezone: ZoneInfo) -> list[BulkRow]:
    """Read a bulk-composer CSV; raise BulkImportError listing every bad row, or return all."""
    rows: list[BulkRow] = []
    problems: list[str] = []
    first = True
    for line, cells in _records(text.removeprefix("\ufeff"), problems):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and rows of empty cells carry nothing
        if first and _is_header(cells):
            first = False
            continue
        first = False
        try:
            rows.append(_row(line, cells, day_first, timezone))
        except _RowError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise BulkImportError(problems)
    return rows


_HEADER_WORDS = re.compile(r"date|time|when|message|text|post|content|link|url", re.IGNORECASE)


def _is_header(cells: list[str]) -> bool:
    """A first row that names the columns ("Date,Message,Link"). It must have no digit in its
    first cell and a column-like word, so a first post with a mistyped date is an error rather
    than skipped as a header."""
    return bool(cells[0].strip()) and not re.search(r"\d", cells[0]) and \
        any(_HEADER_WORDS.search(cell) for cell in cells[:3])


def _records(text: str, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on; a structural error ends the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(f"line {start}: {_csv_problem(str(exc))}")
            return
        yield start, cells


def _csv_problem(detail: str) -> str:
    if "unexpected end of data" in detail:
        return 'a quoted message is never closed (a closing " is missing)'
    if "expected after" in detail:
        return 'text follows a closing quote; put the whole message in quotes and write any " ' \
            'inside it as ""'
    return f"this row cannot be read as CSV ({detail})"


def _row(line: int, cells: list[str], day_first: bool, zone: ZoneInfo) -> BulkRow:
    if len(cells) > 3 and any(cell.strip() for cell in cells[3:]):
        raise _RowError(f"{len(cells)} columns where 2 or 3 belong (date-time, message, link); "
                        "a message with commas must be in double quotes")
    at = _when(cells[0], day_first, zone)
    message = cells[1].replace("\r\n", "\n").replace("\r", "\n").strip() if len(cells) > 1 else ""
    if not message:
        raise _RowError("the message is empty")
    control = next((ch for ch in message if ord(ch) < 0x20 and ch not in "\n\t"), None)
    if control is not None:
        raise _RowError(f"the message holds a control character (U+{ord(control):04X})")
    link = _link(cells[2]) if len(cells) > 2 else None
    return BulkRow(line=line, at=at, message=message, link=link)


_WHEN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _when(cell: str, day_first: bool, zone: ZoneInfo) -> datetime:
    """The row's date-time as an aware datetime in `zone`, or _RowError saying what is wrong."""
    text = cell.strip()
    layout = "dd/mm/yyyy hh:mm" if day_first else "mm/dd/yyyy hh:mm"
    shown = f'"{text}"' if len(text) <= 40 else f'"{text[:39]}…"'
    if not text:
        raise _RowError(f"no date and time (expected {layout})")
    if re.search(r"\d\s*[ap]\.?m\.?\s*$", text, re.IGNORECASE):
        raise _RowError(f"{shown}: use the 24-hour clock ({layout}, e.g. 14:30 for 2:30 pm)")
    match = _WHEN.fullmatch(text)
    if not match:
        raise _RowError(f"{shown} is not a date and time (expected {layout})")
    first, second, year, hour, minute = (int(g) for g in match.groups()[:5])
    day, month = (first, second) if day_first else (second, first)
    if not 1 <= month <= 12:
        other = "month-first (mm/dd/yyyy)" if day_first else "day-first (dd/mm/yyyy)"
        hint = f"; is the file {other}?" if 1 <= day <= 12 else ""
        raise _RowError(f"{shown}: there is no month {month} ({layout}){hint}")
    if hour > 23 or minute > 59:
        raise _RowError(f"{shown}: {hour:02d}:{minute:02d} is not a time of day (24-hour clock)")
    if match[6] is not None and int(match[6]) != 0:
        raise _RowError(f"{shown}: seconds must be 00 (posts are scheduled to the minute)")
    try:
        naive = datetime(year, month, day, hour, minute)
    except ValueError:
        raise _RowError(f"{shown}: {_MONTHS[month - 1]} {year} has no day {day}") from None
    return _on_the_clock(naive, zone, shown)


def _on_the_clock(naive: datetime, zone: ZoneInfo, shown: str) -> datetime:
    """Attach the zone; a time skipped by a clock change is an error, a repeated one is the
    first pass (fold=0)."""
    at = naive.replace(tzinfo=zone)  # fold=0
    if at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        jump = (at.replace(fold=1).utcoffset() or timedelta()) - (at.utcoffset() or timedelta())
        raise _RowError(f"{shown} does not exist in {zone.key}: clocks jump forward "
                        f"{_duration(jump)} that night; choose another time")
    return at


def _duration(delta: timedelta) -> str:
    minutes = abs(int(delta.total_seconds())) // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes} minutes"


def _link(cell: str) -> str | None:
    link = cell.strip()
    if not link:
        return None
    shown = f'"{link}"' if len(link) <= 60 else f'"{link[:59]}…"'
    if any(ch.isspace() for ch in link):
        raise _RowError(f"the link {shown} has a space in it")
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise _RowError(f"the link {shown} is not a web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _RowError(f"the link {shown} must start with https:// (or http://)")
    host = parts.hostname or ""
    if "." not in host.strip(".") and host != "localhost":
        raise _RowError(f"the link {shown} has no site name after the //")
    return link


def write_bulk_csv(rows: Iterable[ExportRow], *, timezone: ZoneInfo,
                   day_first: bool = False) -> str:
    """Write posts in the same layout, on the practice's clock, so the file imports again (here
    or into Hootsuite). Rows end in CRLF (RFC 4180); no header; times to the minute.

    Note: a message starting with = + - or @ is written as is (it is the post's text); a
    spreadsheet may read it as a formula, so open exports in a text editor or import them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    pattern = "%d/%m/%Y %H:%M" if day_first else "%m/%d/%Y %H:%M"
    for index, row in enumerate(rows):
        if row.at.tzinfo is None or row.at.utcoffset() is None:
            raise ValueError(f"row {index}: the time must be aware")
        if not row.message.strip():
            raise BulkExportError(f"post {index + 1} has no text; it could not be imported again")
        local = row.at.astimezone(timezone)
        if local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset():
            raise BulkExportError(
                f"post {index + 1} is at {local:%Y-%m-%d %H:%M} {local.tzname()}, the second "
                f"{local:%H:%M} that night when clocks fall back; this layout cannot tell the "
                "two apart, so move the post out of that hour before exporting")
        writer.writerow([local.strftime(pattern), row.message, row.link or ""])
    return out.getvalue()
