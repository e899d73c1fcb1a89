"""Bulk import and export in Hootsuite's bulk-composer CSV layout: all or nothing, line numbers,
daylight saving, and a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bedside.bulk_csv import (
    MAX_REPORTED,
    BulkExportError,
    BulkImportError,
    BulkRow,
    ExportRow,
    parse_bulk_csv,
    write_bulk_csv,
)
from bedside.errors import BedsideError

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def parse(text: str, *, day_first: bool = False, zone: ZoneInfo = NY) -> list[BulkRow]:
    return parse_bulk_csv(text, day_first=day_first, timezone=zone)


def test_hootsuite_template_rows() -> None:
    text = ("07/04/2026 09:30,Happy Fourth from all of us,https://lakesidefm.example/july\r\n"
            "07/06/2026 14:05,Flu shots start Monday.\r\n")
    assert parse(text) == [
        BulkRow(line=1, at=datetime(2026, 7, 4, 9, 30, tzinfo=NY),
                message="Happy Fourth from all of us", link="https://lakesidefm.example/july"),
        BulkRow(line=2, at=datetime(2026, 7, 6, 14, 5, tzinfo=NY),
                message="Flu shots start Monday.", link=None),
    ]


def test_times_are_wall_clock_in_the_practice_zone() -> None:
    [row] = parse("01/15/2026 09:00,Winter\n", zone=LONDON)
    assert row.at.utcoffset() == timedelta(0)
    [row] = parse("07/15/2026 09:00,Summer\n", zone=LONDON)
    assert row.at.astimezone(UTC) == datetime(2026, 7, 15, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("cell", "day_first", "expected"), [
    ("07/04/2026 09:30", False, datetime(2026, 7, 4, 9, 30)),
    ("07/04/2026 09:30", True, datetime(2026, 4, 7, 9, 30)),
    ("7/4/2026 9:30", False, datetime(2026, 7, 4, 9, 30)),  # Excel's default m/d/yyyy h:mm
    ("31/12/2026 23:55", True, datetime(2026, 12, 31, 23, 55)),
    ("12/31/2026 00:00", False, datetime(2026, 12, 31, 0, 0)),
    ("02/29/2028 12:00", False, datetime(2028, 2, 29, 12, 0)),
    ("07/04/2026 09:30:00", False, datetime(2026, 7, 4, 9, 30)),
    ("  07/04/2026   09:31 ", False, datetime(2026, 7, 4, 9, 31)),  # any minute: see module
])
def test_date_formats(cell: str, day_first: bool, expected: datetime) -> None:
    [row] = parse(f"{cell},Hello\n", day_first=day_first)
    assert row.at == expected.replace(tzinfo=NY)


@pytest.mark.parametrize(("text", "expected_lines", "messages"), [
    # An optional header row: its first cell names a column.
    ("Date,Message,Link\n07/04/2026 09:30,Hi\n", [2], ["Hi"]),
    ("Date/Time,Post\r\n07/04/2026 09:30,Hi\r\n", [2], ["Hi"]),
    # A UTF-8 byte-order mark (Excel's "CSV UTF-8") before the first row.
    ("\ufeff07/04/2026 09:30,Hi\n", [1], ["Hi"]),
    ("\ufeffDate,Message\n07/04/2026 09:30,Hi\n", [2], ["Hi"]),
    # A quoted message over three lines: the next row starts on line 4.
    ('07/04/2026 09:30,"One\r\ntwo\r\nthree",https://a.example\r\n07/05/2026 09:30,Next\r\n',
     [1, 4], ["One\ntwo\nthree", "Next"]),
    # Blank lines and rows of empty cells are skipped; the numbering still counts them.
    ("\n07/04/2026 09:30,Hi\n\n,,\n07/05/2026 09:30,There\n", [2, 5], ["Hi", "There"]),
    # Quotes inside a quoted message are doubled; commas inside quotes are text.
    ('07/04/2026 09:30,"Say ""hello"", then wave"\n', [1], ['Say "hello", then wave']),
    # Trailing empty columns from a spreadsheet are harmless.
    ("07/04/2026 09:30,Hi,,,\n", [1], ["Hi"]),
    # Old Mac line endings.
    ("07/04/2026 09:30,Hi\r07/05/2026 09:30,There\r", [1, 2], ["Hi", "There"]),
    ("", [], []),
])
def test_layout_variants(text: str, expected_lines: list[int], messages: list[str]) -> None:
    rows = parse(text)
    assert [r.line for r in rows] == expected_lines
    assert [r.message for r in rows] == messages


BAD = [
    ("13/01/2026 10:00,Hi", False,
     'line 1: "13/01/2026 10:00": there is no month 13 (mm/dd/yyyy hh:mm); is the file '
     "day-first (dd/mm/yyyy)?"),
    ("01/13/2026 10:00,Hi", True,
     'line 1: "01/13/2026 10:00": there is no month 13 (dd/mm/yyyy hh:mm); is the file '
     "month-first (mm/dd/yyyy)?"),
    ("13/13/2026 10:00,Hi", False,
     'line 1: "13/13/2026 10:00": there is no month 13 (mm/dd/yyyy hh:mm)'),
    ("04/31/2026 10:00,Hi", False, 'line 1: "04/31/2026 10:00": April 2026 has no day 31'),
    ("02/29/2026 10:00,Hi", False, 'line 1: "02/29/2026 10:00": February 2026 has no day 29'),
    ("07/04/2026 24:00,Hi", False,
     'line 1: "07/04/2026 24:00": 24:00 is not a time of day (24-hour clock)'),
    ("07/04/2026 09:60,Hi", False,
     'line 1: "07/04/2026 09:60": 09:60 is not a time of day (24-hour clock)'),
    ("07/04/2026 2:30 PM,Hi", False,
     'line 1: "07/04/2026 2:30 PM": use the 24-hour clock (mm/dd/yyyy hh:mm, e.g. 14:30 for '
     "2:30 pm)"),
    ("07/04/2026 09:30:15,Hi", False,
     'line 1: "07/04/2026 09:30:15": seconds must be 00 (posts are scheduled to the minute)'),
    ("2026-07-04 09:30,Hi", False,
     'line 1: "2026-07-04 09:30" is not a date and time (expected mm/dd/yyyy hh:mm)'),
    ("07/04/26 09:30,Hi", True,
     'line 1: "07/04/26 09:30" is not a date and time (expected dd/mm/yyyy hh:mm)'),
    ("07/04/2026,Hi", False,
     'line 1: "07/04/2026" is not a date and time (expected mm/dd/yyyy hh:mm)'),
    (",Hi", False, "line 1: no date and time (expected mm/dd/yyyy hh:mm)"),
    # Not taken for a header: a post whose date is words must not vanish silently.
    ("tomorrow,Hi", False, 'line 1: "tomorrow" is not a date and time (expected mm/dd/yyyy '
     "hh:mm)"),
    ("07/04/2026 09:30", False, "line 1: the message is empty"),
    ("07/04/2026 09:30,   ", False, "line 1: the message is empty"),
    ("07/04/2026 09:30,a\x00b", False,
     "line 1: the message holds a control character (U+0000)"),
    ("07/04/2026 09:30,Hi,www.lakesidefm.example", False,
     'line 1: the link "www.lakesidefm.example" must start with https:// (or http://)'),
    ("07/04/2026 09:30,Hi,javascript:alert(1)", False,
     'line 1: the link "javascript:alert(1)" must start with https:// (or http://)'),
    ("07/04/2026 09:30,Hi,https://lakeside fm.example", False,
     'line 1: the link "https://lakeside fm.example" has a space in it'),
    ("07/04/2026 09:30,Hi,https://", False,
     'line 1: the link "https://" has no site name after the //'),
    ("07/04/2026 09:30,Hi,https://lakesidefm.example:port/", False,
     'line 1: the link "https://lakesidefm.example:port/" is not a web address'),
    ("07/04/2026 09:30,Hi, there,https://a.example", False,
     "line 1: 4 columns where 2 or 3 belong (date-time, message, link); a message with commas "
     "must be in double quotes"),
    ('07/04/2026 09:30,"Hi\nthere', False,
     'line 1: a quoted message is never closed (a closing " is missing)'),
    ('07/04/2026 09:30,"Hi" there', False,
     'line 1: text follows a closing quote; put the whole message in quotes and write any " '
     'inside it as ""'),
    # Spring forward: 02:30 on 8 March 2026 never happens in New York.
    ("03/08/2026 02:30,Hi", False, 'line 1: "03/08/2026 02:30" does not exist in '
     "America/New_York: clocks jump forward 1 hour that night; choose another time"),
]


@pytest.mark.parametrize(("row", "day_first", "line"), BAD, ids=[b[2][:60] for b in BAD])
def test_bad_rows_name_the_line_and_the_problem(row: str, day_first: bool, line: str) -> None:
    with pytest.raises(BulkImportError) as caught:
        parse(row + "\r\n", day_first=day_first)
    assert caught.value.problems == (line,)
    assert str(caught.value) == line
    assert isinstance(caught.value, BedsideError)


@pytest.mark.parametrize(("zone", "cell", "jump"), [
    (LONDON, "03/29/2026 01:30", "1 hour"),
    (ZoneInfo("Australia/Lord_Howe"), "10/04/2026 02:15", "30 minutes"),  # a half-hour shift
])
def test_skipped_times_in_other_zones(zone: ZoneInfo, cell: str, jump: str) -> None:
    with pytest.raises(BulkImportError, match=f"clocks jump forward {jump} that night"):
        parse(f"{cell},Hi\n", zone=zone)


def test_a_repeated_hour_means_the_first_pass() -> None:
    # 01:30 on 1 November 2026 happens twice in New York: first in EDT, then in EST.
    [row] = parse("11/01/2026 01:30,Hi\n")
    assert row.at.fold == 0
    assert row.at.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_all_or_nothing_with_every_bad_row_listed() -> None:
    text = ("07/04/2026 09:30,Fine\n"
            "07/32/2026 09:30,Patient Ruth Smith DOB 01/02/1950 came in\n"
            '07/05/2026 09:30,"Fine,\nover two lines"\n'
            "07/06/2026 09:30,\n"
            "07/07/2026 09:30,Fine too\n")
    with pytest.raises(BulkImportError) as caught:
        parse(text)
    assert caught.value.problems == (
        'line 2: "07/32/2026 09:30": July 2026 has no day 32',
        "line 5: the message is empty",
    )
    # Messages can hold patient details: errors quote dates and links, never the text.
    assert "Ruth" not in str(caught.value)


def test_a_broken_quote_is_reported_after_the_rows_before_it() -> None:
    text = '13/01/2026 10:00,Hi\n07/04/2026 09:30,"never closed\n07/05/2026 09:30,Hi\n'
    with pytest.raises(BulkImportError) as caught:
        parse(text)
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 1", "line 2"]


def test_long_lists_of_problems_are_cut() -> None:
    text = "".join(f"07/04/2026 09:{m:02d},\n" for m in range(MAX_REPORTED + 5))
    with pytest.raises(BulkImportError) as caught:
        parse(text)
    assert len(caught.value.problems) == MAX_REPORTED + 5
    lines = str(caught.value).split("\n")
    assert len(lines) == MAX_REPORTED + 1 and lines[-1] == "... and 5 more"


def test_export_layout() -> None:
    rows = [
        ExportRow(at=datetime(2026, 7, 4, 13, 30, tzinfo=UTC), message='Say "hi", then\nwave',
                  link="https://lakesidefm.example/july"),
        ExportRow(at=datetime(2026, 12, 24, 17, 5, tzinfo=UTC), message="Closed tomorrow"),
    ]
    assert write_bulk_csv(rows, timezone=NY) == (
        '07/04/2026 09:30,"Say ""hi"", then\nwave",https://lakesidefm.example/july\r\n'
        "12/24/2026 12:05,Closed tomorrow,\r\n"
    )
    assert write_bulk_csv(rows, timezone=NY, day_first=True).startswith("04/07/2026 09:30,")
    assert write_bulk_csv([], timezone=NY) == ""


def test_export_refuses_what_it_cannot_write_faithfully() -> None:
    with pytest.raises(ValueError, match="aware"):
        write_bulk_csv([ExportRow(at=datetime(2026, 7, 4, 9, 30), message="Hi")], timezone=NY)
    with pytest.raises(BulkExportError, match="post 2 has no text"):
        write_bulk_csv([ExportRow(at=datetime(2026, 7, 4, 9, 30, tzinfo=NY), message="Hi"),
                        ExportRow(at=datetime(2026, 7, 4, 9, 30, tzinfo=NY), message=" ")],
                       timezone=NY)
    # 06:30 UTC on 1 November 2026 is the second 01:30 in New York (EST).
    second_pass = ExportRow(at=datetime(2026, 11, 1, 6, 30, tzinfo=UTC), message="Hi")
    with pytest.raises(BulkExportError, match="the second 01:30 that night"):
        write_bulk_csv([second_pass], timezone=NY)
    # The first 01:30 (EDT) is fine and comes back as the same instant. (Compare in UTC: by
    # PEP 495, a time in a repeated hour never equals a datetime of another zone.)
    first_pass = ExportRow(at=datetime(2026, 11, 1, 5, 30, tzinfo=UTC), message="Hi")
    [row] = parse(write_bulk_csv([first_pass], timezone=NY))
    assert row.at.astimezone(UTC) == first_pass.at


ZONES = [NY, LONDON, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")]
MESSAGE = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from('\n\t",'),
                  min_size=1, max_size=80).map(str.strip).filter(bool)
LINK = st.none() | st.sampled_from(["https://lakesidefm.example/flu?x=1,2&y=\"3\"",
                                    "http://localhost:8000/p/1", "https://a.example"])


@settings(max_examples=200, deadline=None)
@example(posts=[(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "First 01:30", None),
                (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "London springs forward", None)],
         zone=NY, day_first=False)
@example(posts=[(datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "Second 01:30", None)],
         zone=NY, day_first=True)
@example(posts=[(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "First 01:30", None)],
         zone=LONDON, day_first=True)
@given(
    posts=st.lists(st.tuples(
        st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31)).map(
            lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)),
        MESSAGE, LINK), max_size=8),
    zone=st.sampled_from(ZONES),
    day_first=st.booleans(),
)
def test_export_imports_again(posts: list[tuple[datetime, str, str | None]], zone: ZoneInfo,
                              day_first: bool) -> None:
    rows = [ExportRow(at=at, message=message, link=link) for at, message, link in posts]
    try:
        text = write_bulk_csv(rows, timezone=zone, day_first=day_first)
    except BulkExportError:
        # Only a time in the repeated hour of a fall-back night may be refused.
        assert any(r.at.astimezone(zone).fold == 1 for r in rows)
        return
    back = parse_bulk_csv(text, day_first=day_first, timezone=zone)
    assert [(r.at.astimezone(UTC), r.message, r.link) for r in back] == \
        [(r.at, r.message, r.link) for r in rows]
    assert all(r.at.tzinfo is zone for r in back)
