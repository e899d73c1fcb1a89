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
from bedside.guard.phrases import expand
from bedside.guard.spans import Scan, matches_at, scan, trie

Span = tuple[str, int, int]

def _alt(words: list[str]) -> str:
    """An alternation, longest first, of words that may already hold regex syntax."""
    return "|".join(sorted(words, key=len, reverse=True))


def _grouped(entries: list[str]) -> str:
    """`_alt`, entries that open on the same letter grouped under it (fewer branches to try)."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for e in sorted(entries, key=len, reverse=True):
        if e[0].isalnum() and len(e) > 1 and e[1] not in "?*+{":
            groups.setdefault(e[0], []).append(e[1:])
        else:
            rest.append(e)
    return "|".join([f"{c}(?:{'|'.join(v)})" for c, v in groups.items()] + rest)


_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
# Ages over 89 in words: "ninety", "ninety-four", "a hundred and two".
# ...unless a unit or a plural noun follows: "turned ninety minutes", "is a hundred bucks"
_NOT_A_COUNT = r"\b(?![-\w])(?!\s+(?:[a-z]+s|percent|grand|degree|%)\b)"
_WORDS_AGE = rf"(?:ninety|one hundred|a hundred|hundred)(?:[- ](?:and[- ])?{_UNITS})?"


@cache
def _patterns() -> tuple[
    regex.Pattern[str], re.Pattern[str], re.Pattern[str], regex.Pattern[str], regex.Pattern[str]
]:
    data = load_data("identifiers")["date"]
    month = rf"(?:{trie(data['months'])})\.?"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    day_range = rf"{day}(?:\s?-\s?{day})?"
    year = r"(?:1[89]\d\d|20\d\d)"
    weekday = rf"(?:{trie(data['weekdays'])})\.?"
    # a clock time; seconds only before am/pm ("3:58:12" is a duration)
    time_digit = (
        r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?(?=\s?[apAP]\.?[mM]))?"
        r"(?:\s?(?:[ap]\.?m\.?|[AP]\.?M\.?))?"
        r"|(?:1[0-2]|0?[1-9])\s?(?:[ap]\.?m\.?|[AP]\.?M\.?)(?![\w])"
    )
    iso = (
        r"(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])"
        r"(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)?)?"
    )
    # written dates; each alternative sorted by what it starts with (a digit, or a word)
    w_both = rf"(?:{weekday},?\s+)?(?:the\s+)?{day}\s+(?:of\s+)?{month}(?:,?\s+{year})?"
    w_words = (
        rf"{month}\s+{day_range}(?:,?\s+{year})?(?![\d:])|{month},?\s+{year}"
        rf"|{month}-(?:{year}|\d\d)(?!\d)"
    )
    w_digit = rf"{day}-{month}(?:-(?:{year}|\d\d))?"
    part = r"(?:morning|afternoon|evening|night|a\.?m\.?|p\.?m\.?)"
    rel_digit = _grouped([w for w in data["relative"] if w[0].isdigit()])
    rel_word = _grouped([w for w in data["relative"] if not w[0].isdigit()])

    def piece(n: int) -> str:
        # Numeric dates with one separator used twice: 5/20/2021, 21.5.21, 5-20-2021.
        numeric = (
            rf"(?:\d{{1,2}}(?P<s{n}>[/.-])\d{{1,2}}(?P=s{n})(?:\d{{4}}|\d{{2}}))"
            r"|(?:(?:0?[1-9]|1[0-2])/(?:19|20)\d\d)"  # 05/2021
            r"|(?:(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))"  # 6/12 (US month/day)
        )
        # split on the first character so a match tries only the alternatives that can start
        return (
            rf"(?=\d)(?:{iso}|{numeric}|{w_both}|{w_digit}|(?:{rel_digit})|{time_digit})"
            rf"|(?!\d)(?:{w_both}|{w_words}|(?:{rel_word})|(?:{_grouped(data['holidays'])})"
            rf"|{weekday}(?:\s+{part})?|noon|midnight)"
        )

    def source(first: str) -> str:
        return (
            rf"(?<![\w/.:'’-])(?:{first})"
            rf"(?:(?:,?\s+|\s*,\s*|\s+(?:at|@|from|by|around|-|to|until)\s+)(?:{piece(1)}))*"
            r"(?![\w/]|[.:-]\d)"
        )

    # a month alone only after a word that makes it one: "in March", "since Dec."
    after = (
        r"in|since|during|until|till|by|before|after|early|late|mid|last|next|this|of|from|through"
    )
    date = regex.compile(
        source(rf"{piece(0)}|(?<=\b(?:{after})\s+){month}"), regex.IGNORECASE
    )
    # stdlib, case-sensitive, on the lower-cased text, at anchors: several times faster; the
    # second form is for a month whose lookbehind the caller has checked
    date_low = re.compile(source(piece(0)))
    date_alone = re.compile(source(rf"{piece(0)}|{month}"))
    bare_year = regex.compile(
        rf"(?<![\w/.,:$#-]|\d[ .,]){year}(?![\w%/:-]|[.,]\d|\s?(?:mg|mcg|ml|kg|lbs?|cal|kcal|"
        r"iu|cc)\b|\s(?:patients|people|persons|steps|calories|miles|kids|children|babies|visits|"
        r"cases|doses|pills|tablets|units|words|times|students|nurses|doctors|physicians|members|"
        r"employees|staff|beds|hours|minutes|days|weeks|months|years|dollars|pounds|meters|feet|"
        r"followers|likes|views|votes|deaths|births|residents|users|families)\b)",
    )
    age = regex.compile(
        r"(?<![\w.])(?:(?P<n>9\d|1[01]\d)(?:[- ]?(?:years?|yrs?|y)[- ]?(?:old|o\b)|[- ]?y/?o\b|"
        r"[- ]?(?:yo|y\.o\.)\b|(?-i:[MF])\b|(?:st|nd|rd|th)\s+(?:birthday|bday|b-day)\b)"
        r"|(?:aged?|age of|turned|turning|turns)\s+(?P<n>9\d|1[01]\d)(?![\d.])"
        rf"|(?P<w>{_WORDS_AGE})[- ]?(?:(?:years?|yrs?)[- ](?:old|young)|y/o\b|yo\b|y\.o\.)"
        # spelled out and standing alone ("mrs h (NINETY THREE!!)", ". ninety-four."): an age
        rf"|(?P<w>ninety[- ]{_UNITS})(?=\s*(?:[!?.,;:)]|$))"
        # "ms d is one hundred and two", "who's ninety-one": a person's age after a copula
        rf"|(?<=\b(?:is|was|who's|whos|she's|shes|he's|hes) )(?P<w>{_WORDS_AGE}){_NOT_A_COUNT}"
        rf"|(?:aged?|age of|turned|turning|turns)\s+(?P<w>{_WORDS_AGE}){_NOT_A_COUNT}"
        r"|(?P<w>ninety|hundred)(?:-?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
        r"ninth)|th)\s+(?:birthday|bday|b-day)\b)",
        regex.IGNORECASE,
    )
    return date, date_low, date_alone, bare_year, age


def _first_words(entry: str) -> set[str]:
    """Words a relative-day or holiday entry can start with ("(?:the )?fourth": the, fourth)."""
    m = re.match(r"\(\?:([^()|]*)\)\?\s*", entry)
    if m:
        return _first_words(m.group(1)) | _first_words(entry[m.end():])
    w = re.match(r"[^\W_]+", entry)
    return {w.group()} if w else set()


@cache
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str],
                      frozenset[str]]:
    """Anchor words by role: months, weekdays, relative/holiday openers, age words, and the
    words after "the" that open one ("the other day": "the" itself is too common to anchor on)."""
    data = load_data("identifiers")["date"]
    lead = set().union(*(_first_words(w) for w in data["holidays"] + data["relative"]))
    after_the = {w.split()[1] for w in data["holidays"] + data["relative"] if w.startswith("the ")}
    lead -= {"the"}
    always = {"noon", "midnight"}
    return (frozenset(data["months"]), frozenset(data["weekdays"]) | always, frozenset(lead),
            frozenset({"age", "aged", "turned", "turning", "turns", "ninety", "hundred"}),
            frozenset(after_the))


def anchor_words() -> list[str]:
    """Words a date or an age can start with (for the shared anchor scan in spans.py)."""
    return sorted(set().union(*_words()))


@cache
def _leads() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Cheap checks, on the lower-cased text at an anchor, that a date can start there."""
    data = load_data("identifiers")["date"]
    prefixes = "|".join(sorted({m[:3] for m in data["months"]}))
    digit = re.compile(
        rf"\d{{1,4}}[/.-]\d|\d{{1,2}}(?::\d|\s?[ap]\.?m|(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-)"
        rf"(?:{prefixes}))"
    )
    month = re.compile(r"[a-z]+\.?(?:,?\s+|-)\d")
    alone = re.compile(
        r"\b(?:in|since|during|until|till|by|before|after|early|late|mid|last|next|this|of|from"
        r"|through)\s+$"
    )
    rel = re.compile("|".join([*data["relative"], *data["holidays"], r"the\s+\d"]))
    return digit, month, alone, rel


@cache
def _after_space() -> frozenset[bytes]:
    """What can follow the space after a day number in a date (the flat byte after the spaces):
    "am"/"pm", "of" or a month's first letter; no other letter can, so the digit lead's regex
    is not tried there ("30 days")."""
    months = load_data("identifiers")["date"]["months"]
    return frozenset({b"a", b"p", b"o"} | {m[:1].encode("latin-1") for m in months})


_FRACTION_DENOMINATORS = frozenset({2, 3, 4, 8, 10, 16})
_SLASH = regex.compile(r"^(\d{1,2})/(\d{1,2})$")
_IDIOMS = frozenset({"24/7", "9/11", "50/50"})
_RATED = ("would", "recommend", "stars", "rating", "do recommend", "\u2b50")
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
    # each `regex` call costs; cheap tests first that each pattern needs: a slash, a first
    # letter a-z, at most "midnight" and a newline
    m = _SLASH.match(s) if "/" in s else None
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if s in _IDIOMS or (a < b and b in _FRACTION_DENOMINATORS):
            return False
        if b == 10 and a <= 10 and text[end:end + 12].lstrip(" !").lower().startswith(_RATED):
            return False  # "10/10 would go again": a rating
    if ("a" <= s[:1] <= "z" and _MONTH_ONLY.match(s) and s.rstrip(".").lower() in _months()
            and not s[0].isupper()):
        return False  # "in may", "by march": a month alone must be capitalised
    if len(s) <= 9 and _LONE_WEAK.match(s):
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


@cache
def _roles() -> dict[str, int]:
    """Anchor word -> roles: 1 weekday, 2 relative/holiday, 4 month, 8 age, 16 after "the"."""
    months, weekdays, lead, ages, after_the = _words()
    roles: dict[str, int] = {}
    for bit, words in ((1, weekdays), (2, lead), (4, months), (8, ages), (16, after_the)):
        for w in words:
            roles[w] = roles.get(w, 0) | bit
    return roles


@cache
def _rel_next() -> tuple[dict[str, frozenset[bytes] | None], bool]:
    """Relative-day and holiday openers -> the words that can come next (None: any, or none);
    and whether an entry opens with a digit ("2day")."""
    data = load_data("identifiers")["date"]
    nexts: dict[str, set[bytes]] = {}
    anything: set[str] = set()
    for entry in data["relative"] + data["holidays"]:
        phrases = expand(entry)
        if phrases is None:
            anything |= _first_words(entry)
            continue
        for phrase in phrases:
            first, _, rest = phrase.partition(" ")
            if rest:
                nexts.setdefault(first, set()).add(rest.split()[0].encode())
            else:
                anything.add(first)
    digit = any(w[0].isdigit() for w in data["relative"])
    table: dict[str, frozenset[bytes] | None] = {w: frozenset(n) for w, n in nexts.items()}
    return table | dict.fromkeys(anything), digit


def _next_ok(fl: bytes, word: str, pos: int, nexts: dict[str, frozenset[bytes] | None]) -> bool:
    """Whether the word after `word` at `pos` can continue a relative day or holiday."""
    allowed = nexts.get(word)
    if allowed is None:
        return True
    after = fl[pos + len(word) + 1 : pos + len(word) + 41].split(None, 1)
    return bool(after) and after[0] in allowed


def _starts(text: str, low: str, sc: Scan) -> tuple[list[int], set[int], list[int], list[int]]:
    """Where a date (and which of them a lone month), a bare year and an age over 89 can start."""
    digit, month, alone, rel = _leads()
    fl = sc.flat
    dates: list[int] = []
    lone: set[int] = set()
    years: list[int] = []
    age: list[int] = []
    rel_digit = _rel_next()[1]
    after_space = _after_space()
    for s, e in sc.runs:
        if fl[s] != 32:  # a date starts a word
            continue
        n, c = e - s, low[e : e + 1]
        # what can follow the digits of a date: a separator, a clock, an ordinal or a month
        lead = (n <= 4 and c in ("/", ".", "-")) or (n <= 2 and c != "" and (
            c in ":-apsnrt" or (c.isspace() and fl[e + 1 :].lstrip()[:1] in after_space)))
        if (lead and digit.match(low, s)) or (rel_digit and fl[e + 1] != 32 and rel.match(low, s)):
            dates.append(s)
            if low[s - 4 : s] == "the ":  # "the 3rd of May"
                dates.append(s - 4)
        head = text[s : s + 2]
        if n == 4 and head in ("18", "19", "20"):
            years.append(s)
        elif (n == 2 and head[0] == "9") or (n == 3 and head in ("10", "11")):
            age.append(s)
    if not sc.words:
        return dates, lone, years, age
    roles = _roles()
    nexts = _rel_next()[0]
    for word, hits in sc.words.items():
        role = roles.get(word, 0)
        if not role:
            continue
        for pos in hits:
            if role & 8:
                age.append(pos)
                if word == "hundred":  # "a hundred", "one hundred"
                    age += [p for p, w in ((pos - 2, "a "), (pos - 4, "one ")) if low[p:pos] == w]
            if role & 16 and low[pos - 4 : pos] == "the ":
                dates.append(pos - 4)
            if role & 4 and alone.search(low, max(0, pos - 40), pos):
                lone.add(pos)
                dates.append(pos)
            elif role & 1 or (role & 2 and _next_ok(fl, word, pos, nexts) and rel.match(
                low, pos)) or (
                role & 4 and month.match(low, pos)
            ):
                dates.append(pos)
    return dates, lone, years, age


def _slow(text: str) -> tuple[list[regex.Match[str]], list[regex.Match[str]], list[
        regex.Match[str]]]:
    date, _, _, bare_year, age = _patterns()
    return list(date.finditer(text)), list(bare_year.finditer(text)), list(age.finditer(text))


def find_dates(text: str) -> list[Span]:
    """DATE and AGE_OVER_89 spans in `text` (normalised layer offsets)."""
    if not text:
        return []
    sc = scan(text)
    if not sc.runs and not sc.exotic and _roles().keys().isdisjoint(sc.words):
        return []  # a date needs a digit or a date word
    _, date_low, date_alone, bare_year, age = _patterns()
    found: list[regex.Match[str]] = []
    years: list[regex.Match[str]] = []
    ages: list[regex.Match[str]] = []
    if sc.exotic or "\u0130" in text:  # the one letter lower() makes two: offsets would shift
        found, years, ages = _slow(text)
    else:
        low = text.lower()
        date_starts, lone, year_starts, age_starts = _starts(text, low, sc)
        if date_starts:
            found = matches_at(
                lambda t, p: (date_alone if p in lone else date_low).match(t, p), low,
                date_starts) if lone else matches_at(date_low.match, low, date_starts)
        if year_starts:
            years = matches_at(bare_year.match, text, year_starts)
        if age_starts:
            ages = matches_at(age.match, text, age_starts)
    out: list[Span] = [("AGE_OVER_89", m.start(), m.end()) for m in ages]
    for m in found:
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
    out += [("DATE", m.start(), m.end()) for m in years]
    return out
