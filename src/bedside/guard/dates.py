"""Dates, times and ages over 89 (Safe Harbor 45 CFR 164.514(b)(2)(i)(C), see hipaa.md).

A date element is anything that pins a day: numeric and written dates, weekdays, holidays,
relative days ("yesterday", "this morning") and clock times; adjacent pieces merge into one span
("Thursday 3/21 at 10:15am"). A bare year is also emitted as DATE (years are identifiers in
Presidio's and the corpus's sense); `is_year_only` lets the judgement layer tell it apart,
since Safe Harbor allows the year alone.
"""

from __future__ import annotations

import re
from functools import cache

import regex

from bedside.guard.lexicon import load_data
from bedside.guard.spans import finditer_in, windows

Span = tuple[str, int, int]

def _alt(words: list[str]) -> str:
    """An alternation, longest first, of words that may already hold regex syntax."""
    return "|".join(sorted(words, key=len, reverse=True))


@cache
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    data = load_data("identifiers")["date"]
    month = rf"(?:{_alt([regex.escape(m) for m in data['months']])})\.?"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    day_range = rf"{day}(?:\s?-\s?{day})?"
    year = r"(?:1[89]\d\d|20\d\d)"
    weekday = rf"(?:{_alt([regex.escape(w) for w in data['weekdays']])})\.?"
    time = (
        r"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s?(?:[ap]\.?m\.?|[AP]\.?M\.?))?"
        r"|(?:1[0-2]|0?[1-9])\s?(?:[ap]\.?m\.?|[AP]\.?M\.?)(?![\w])"
        r"|noon|midnight)"
    )
    iso = (
        r"(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])"
        r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
    )
    # Numeric dates with one separator used twice: 5/20/2021, 21.5.21, 5-20-2021.
    numeric = (
        r"(?:\d{1,2}(?P<s>[/.-])\d{1,2}(?P=s)(?:\d{4}|\d{2}))"
        r"|(?:(?:0?[1-9]|1[0-2])/(?:19|20)\d\d)"  # 05/2021
        r"|(?:(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))"  # 6/12 (US month/day)
    )
    written = (
        rf"(?:{weekday},?\s+)?(?:the\s+)?{day}\s+(?:of\s+)?{month}(?:,?\s+{year})?"
        rf"|{month}\s+{day_range}(?:,?\s+{year})?(?![\d:])"
        rf"|{month},?\s+{year}"
        rf"|{day}-{month}(?:-(?:{year}|\d\d))?|{month}-(?:{year}|\d\d)(?!\d)"
    )
    month_alone = (
        rf"(?<=\b(?:in|since|during|until|till|by|before|after|early|late|mid|last|next|this|"
        rf"of|from|through)\s+){month}"
    )
    part = r"(?:morning|afternoon|evening|night|a\.?m\.?|p\.?m\.?)"
    piece = (
        rf"{iso}|{numeric}|{written}|(?:{data['relative'] and _alt(data['relative'])})"
        rf"|(?:{_alt(data['holidays'])})|{weekday}(?:\s+{part})?|{time}"
    )
    date = regex.compile(
        rf"(?<![\w/.:'’-])(?:{piece}|{month_alone})"
        rf"(?:(?:,?\s+|\s*,\s*|\s+(?:at|@|from|by|around|-|to|until)\s+)(?:{piece}))*"
        r"(?![\w/]|[.:-]\d)",
        regex.IGNORECASE,
    )
    bare_year = regex.compile(
        rf"(?<![\w/.,:$#-]|\d[ .,]){year}(?![\w%/:-]|[.,]\d|\s?(?:mg|mcg|ml|kg|lbs?|cal|kcal|"
        r"iu|cc)\b|\s(?:patients|people|persons|steps|calories|miles|kids|children|babies|visits|"
        r"cases|doses|pills|tablets|units|words|times|students|nurses|doctors|physicians|members|"
        r"employees|staff|beds|hours|minutes|days|weeks|months|years|dollars|pounds|meters|feet|"
        r"followers|likes|views|votes|deaths|births|residents|users|families)\b)",
    )
    age = regex.compile(
        r"(?<![\w.])(?:(?P<n>9\d|1[01]\d)(?:[- ]?(?:years?|yrs?|y)[- ]?(?:old|o\b)|[- ]?y/?o\b|"
        r"[- ]?(?:yo|y\.o\.)\b|(?-i:[MF])\b|(?:st|nd|rd|th)\s+birthday)"
        r"|(?:aged?|age of)\s+(?P<n>9\d|1[01]\d)(?![\d.])"
        r"|(?P<w>(?:ninety|one hundred|a hundred|hundred)(?:[- ](?:and[- ])?(?:one|two|three|four|"
        r"five|six|seven|eight|nine))?)[- ](?:years?[- ]old|yrs?[- ]old)"
        r"|(?P<w>ninety|hundred)(?:-?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
        r"ninth)|th)\s+birthday)",
        regex.IGNORECASE,
    )
    return date, bare_year, age


@cache
def _gate() -> re.Pattern[str]:
    """Where a date could start, on the lower-cased text (case-sensitive re is fast)."""
    data = load_data("identifiers")["date"]
    words = {w.split()[0].split("(")[0].rstrip("'?") for w in data["holidays"] + data["relative"]}
    words |= set(data["months"]) | set(data["weekdays"])
    words |= {"morning", "afternoon", "evening", "night", "noon", "midnight", "age", "aged",
              "ninety", "hundred", "this", "last"}
    alt = "|".join(sorted((re.escape(w) for w in words if w), key=len, reverse=True))
    return re.compile(rf"\d+|\b(?:{alt})")


_FRACTION_DENOMINATORS = frozenset({2, 3, 4, 8, 10, 16})
_SLASH = regex.compile(r"^(\d{1,2})/(\d{1,2})$")
_IDIOMS = frozenset({"24/7", "9/11", "50/50"})
_LONE_WEAK = regex.compile(
    r"^(?:sun|sat|wed|weds|mon|tue|tues|thu|thur|thurs|fri|mar|may|jan|dec|tmr|noon|midnight|(?:[01]?\d|2[0-3]):[0-5]\d)$",
    regex.IGNORECASE,
)
_TIME_CONTEXT = regex.compile(
    r"(?:\b(?:at|by|around|from|until|till|before|after|since|@|~)\s*)$", regex.IGNORECASE
)
_MONTH_ONLY = regex.compile(r"^[a-z]+\.?$")
_YEAR_ONLY = regex.compile(r"^(?:in |since )?(?:1[89]|20)\d\d$")


@cache
def _months() -> frozenset[str]:
    return frozenset(load_data("identifiers")["date"]["months"])


def is_year_only(text: str) -> bool:
    """Whether a DATE span is a bare year, which Safe Harbor lets stay."""
    return bool(_YEAR_ONLY.match(text.strip()))


def _keep(text: str, start: int, end: int) -> bool:
    """Drop look-alikes: fractions, ratings, idioms and lone weak words."""
    s = text[start:end]
    m = _SLASH.match(s)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if s in _IDIOMS or (a < b and b in _FRACTION_DENOMINATORS):
            return False
    if _MONTH_ONLY.match(s) and s.rstrip(".").lower() in _months() and not s[0].isupper():
        return False  # "in may", "by march": a month alone must be capitalised
    if _LONE_WEAK.match(s):
        low = s.lower()
        if low in {"may", "mar", "jan", "dec"}:
            return s[0].isupper()  # only reached after "in", "since", "by"...
        if ":" in s:  # a bare clock time needs a time word before it
            return bool(_TIME_CONTEXT.search(text[max(0, start - 8) : start]))
        # "sat", "wed", "may" alone are words, not dates, unless capitalised and not "May"
        return low in {"noon", "midnight"} and bool(
            _TIME_CONTEXT.search(text[max(0, start - 8) : start])
        )
    return True


def find_dates(text: str) -> list[Span]:
    """DATE and AGE_OVER_89 spans in `text` (normalised layer offsets)."""
    if not text:
        return []
    date, bare_year, age = _patterns()
    wins = windows(text.lower(), _gate(), 24, 48)
    if not wins:
        return []
    wins = [(max(0, s - 1), e) for s, e in wins]
    out: list[Span] = []
    for m in finditer_in(age, text, wins):
        out.append(("AGE_OVER_89", m.start(), m.end()))
    for m in finditer_in(date, text, wins):
        s, e = m.start(), m.end()
        raw = text[s:e]
        # trailing joiners ("Tuesday at") are not part of the date
        while raw and raw[-1] in " ,-":
            raw = raw[:-1]
            e -= 1
        if raw.endswith(".") and "." not in raw[-5:-1]:
            e -= 1  # a full stop, not the dot of "a.m." or "Sept."
        if _keep(text, s, e):
            out.append(("DATE", s, e))
    for m in finditer_in(bare_year, text, wins):
        out.append(("DATE", m.start(), m.end()))
    return out
