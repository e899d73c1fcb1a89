"""Health observances (awareness days, weeks and months) on the days they fall, as post ideas.

The list is the package's copy of the team's domain notes (data/observances.tsv, source named in
its header). Rules: `month=M`, `date=MM-DD`, `range=MM-DD..MM-DD`, `last_day_of_month=M`,
`nth_weekday=N,DAY,M`, `week_start=<day rule>` and `week_end=<day rule>` (seven days from or to
that day), `first_full_week=M` (the first Monday-to-Sunday week inside the month). A rule marked
`[U]` or `variable` has no fixed date in the source: it is computed where the rule allows and
skipped otherwise.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class Observance:
    name: str
    when: str  # as the source says it: "2nd Thu Mar"
    first: date
    last: date

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    @property
    def kind(self) -> str:
        days = (self.last - self.first).days + 1
        return "day" if days == 1 else "week" if days <= 8 else "month"


@cache
def _rules() -> tuple[tuple[str, str, str], ...]:
    text = files("bedside.web").joinpath("data/observances.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        name, when, rule = line.split("\t")
        rows.append((name.strip(), when.strip(), rule.strip()))
    return tuple(rows)


def _nth_weekday(spec: str, year: int) -> date:
    n, day, month = spec.split(",")
    weekday, m = WEEKDAYS.index(day.upper()), int(month)
    first = date(year, m, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (int(n) - 1))


def _span(rule: str, year: int) -> tuple[date, date] | None:
    """The first and last day of a rule in a year; None when the source gives no date."""
    rule = rule.replace("[U]", "").strip()
    key, _, value = rule.partition("=")
    if key == "month":
        m = int(value)
        return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1])
    if key == "date":
        day = date.fromisoformat(f"{year}-{value}")
        return day, day
    if key == "range":
        a, b = value.split("..")
        return date.fromisoformat(f"{year}-{a}"), date.fromisoformat(f"{year}-{b}")
    if key == "last_day_of_month":
        m = int(value)
        day = date(year, m, calendar.monthrange(year, m)[1])
        return day, day
    if key == "nth_weekday":
        day = _nth_weekday(value, year)
        return day, day
    if key in ("week_start", "week_end"):
        inner = _span(value, year)
        if inner is None:
            return None
        anchor = inner[0]
        return (anchor, anchor + timedelta(days=6)) if key == "week_start" \
            else (anchor - timedelta(days=6), anchor)
    if key == "first_full_week":
        first = date(year, int(value), 1)
        monday = first + timedelta(days=(0 - first.weekday()) % 7)
        return monday, monday + timedelta(days=6)
    return None  # "variable": no date to compute


def observances_between(first: date, last: date) -> list[Observance]:
    """Every observance overlapping first..last (inclusive), in date order."""
    found = []
    for year in range(first.year, last.year + 1):
        for name, when, rule in _rules():
            span = _span(rule, year)
            if span and span[0] <= last and span[1] >= first:
                found.append(Observance(name, when, *span))
    return sorted(found, key=lambda o: (o.first, o.last, o.name))

