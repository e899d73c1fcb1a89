"""Street addresses and postal codes: geography smaller than a state (45 CFR 164.514(b)(2)(i)(B)).

See ../shared/domain/hipaa.md. An address is found from its parts: a street line (US "418 Birch
Lane", Romance "Rue de Piétrain 371", compound "Hammarvägen 15", or a house number and name after
a phrase that introduces an address), a secondary unit ("Suite 727"), a PO or military box, a
postal code where one is expected. Parts that follow each other (city, state, country, postal
code on the next lines) grow into one block. Each pattern is tried only where a part can start
(address_starts.py); a text with a digit the shared scan cannot see is scanned in full.
"""

from __future__ import annotations

import re
from functools import cache

import regex

from bedside.guard.address_starts import Starts, starts, vocab
from bedside.guard.lexicon import load_data
from bedside.guard.spans import matches_at, scan, trie

Span = tuple[str, int, int]

_W = r"[\p{L}][\p{L}\p{M}'’-]*\.?"  # a word, any case, may end in an abbreviation dot
_CAPW = r"[\p{Lu}][\p{L}\p{M}'’-]*\.?"
_NUM = r"\d{1,6}[A-Za-z]?"
_HNUM = r"\d{1,5}(?:[A-Za-z]\b|/\d{1,3})?\.?"
_PARTICLES = (
    r"(?:de|del|della|dei|des|do|da|dos|das|du|la|le|les|di|van|von|der|den|y|e|el|nad|na|pod|am"
    r"|im|an|sur|sous|upon|ter|ten|op|aan|bei)"
)
_UNIT_ANY = r"(?i:suite|ste\.?|apt\.?|apartment)"
_UNIT_CAP = r"(?:Unit|UNIT|Bldg\.?|Building|Floor|Fl\.|Flat)"
_END = r"(?![\w]|[.,/:-]\d)"
_STOP = regex.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|the|or|but|if|when|"
    r"then|dr|mr|mrs|ms|i|we|he|she|they|it|this|that|please|thanks|thank|call|mobile|desk|"
    r"fax|phone|email|e-mail|website|office)\.?$",
    regex.IGNORECASE,
)


# The street name and house numbers before a street-type ending: "28245 Puruntie" + " 82".
_BACK = regex.compile(r"(?:\d{1,6}[A-Za-z]?\s+){0,2}(?:[\p{Lu}][\p{L}\p{M}'’-]*\.?\s+)?"
                      r"[\p{L}\p{M}'’-]*$")


def _alt(words: list[str]) -> str:
    # a trie, not a flat alternation: `regex` tries each branch of a case-insensitive
    # alternation in turn, and 230 street suffixes made one failed match cost 15 microseconds
    return trie(words)


@cache
def _patterns() -> dict[str, regex.Pattern[str]]:
    data = load_data("identifiers")["address"]
    suffix = _alt(data["suffixes"])
    prefix = _alt(data["prefixes"])
    morph = _alt(data["morphemes"])
    alone = _alt(data["standalone"])
    states = trie(data["states"])
    triggers = "|".join(data["triggers"])
    direction = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)"
    postal = (
        r"(?:\d{5}-\d{4}|\d{2}-\d{3}|\d{3,6}(?:[ -]\d{2,4})?(?:\s[A-Z]{2}\b)?"
        r"|[ABCEGHJ-NPRSTVXY]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
    )
    unit_word = rf"(?:(?:{_UNIT_ANY}|{_UNIT_CAP})\s*#?\s*\d{{1,6}}[A-Za-z]?{_END})"
    unit = rf"(?:{unit_word}|#\d{{1,5}}{_END})"
    box = (
        rf"(?:(?:\d{{1,6}}\s+)?(?i:P\.?\s?O\.?\s?Box|Post Office Box|Postbox"
        rf"|(?:PSC|Unit|CMR)\s+\d{{1,5}},?\s+Box)"
        rf"\s+\d{{1,6}}{_END}|(?i:APO|FPO|DPO)\s+(?i:AA|AE|AP)\s+\d{{5}}{_END}"
        rf"|(?i:USNS|USNV|USS|USCGC)\s+{_W}(?=\s*\n\s*(?i:FPO|APO|DPO)))"
    )
    street_us = (
        rf"(?<![\w.,/:-]){_NUM}(?:\s+\d{{1,5}})?\s+{direction}?(?:{_W}\s+){{1,3}}"
        rf"(?i:{suffix})\.?(?![\w])"
    )
    street_prefix = (
        rf"(?<![\w.-])(?:{_NUM},?\s+){{0,2}}(?i:{prefix})\.?\s+(?:{_W}\s+){{0,4}}(?:{_W}\s*,?\s+)"
        rf"{_HNUM}{_END}"
        rf"|(?<![\w.,/:-])(?:{_NUM},?\s+){{1,2}}(?i:{prefix})\.?\s+(?:{_PARTICLES}\s+)?{_W}(?:\s+{_W}){{0,3}}"
    )
    # anchored on the street-type ending and the house number; the name before it is added back
    # by _BACK (a leading pattern here would be tried at every position: too slow)
    street_morph = (
        rf"(?<=\p{{L}}{{2}})(?i:{morph})\.?\s+{_HNUM}{_END}"
        rf"|(?<=\p{{L}}\.?\s)(?i:{alone})\.?\s+{_HNUM}{_END}"
    )
    street_nums = (
        rf"(?<![\w.,/:$#-])\d{{1,6}}\s+(?:{_CAPW}\s+){{0,3}}[\p{{Lu}}][\p{{L}}\p{{M}}'’-]{{2,}}\.?\s+"
        rf"{_HNUM}{_END}(?!\s?(?i:mg|mcg|ml|g|kg|lbs?|units?|%|mm|cm|min|hrs?|am|pm)\b)"
    )
    after_trigger = (
        rf"(?i:\b(?:{triggers}))(?:\s*:)?[\s>]+(?:the\s+)?"
        rf"(?P<a>(?:{_NUM}\s+){{0,2}}(?:{_W}\s+){{0,5}}{_W}\s+{_HNUM}{_END}"
        rf"|(?:{_NUM}\s+){{1,2}}(?:{_W}\s+){{0,3}}{_W}(?=\n|,|\s*$|\s+(?:{_UNIT_ANY}|{_UNIT_CAP}))|{_W}\s+{_W}(?=\s+(?i:street|st\b)))"
    )
    corner = rf"(?i:the\s+)?(?i:corner of)\s+[^\n?!]{{3,60}}?\s+and\s+(?:{_W}\s+){{0,3}}{_W}"
    street_named = (
        rf"(?<=\b(?i:on|at|off|near|along|down|up|to|from|of|in|out|past|by|over)\s+)(?:{_CAPW}\s+){{1,3}}"
        rf"(?i:{_alt(data['strong_suffixes'])})\.?(?![\w])"
    )
    zip_context = (
        rf"(?i:\b(?:zip|zip code|zipcode|postal code|post ?code))(?:\s*(?:is|:|#|=))?\s*"
        rf"(?P<z>{postal}){_END}"
    )
    state_zip = (
        rf"(?<![\w])(?:{states})\.?,?\s+(?:\d{{5}}(?:-\d{{4}})?|[A-Z]\d[A-Z] ?\d[A-Z]\d){_END}"
    )
    city_zip = (
        rf"(?<=\bin\s+)(?:(?:{_W}|[A-Z])\s+){{1,4}}(?P<z>\d{{5}}|(?!(?:19|20)\d\d\b)\d{{4}}"
        rf"|\d{{3}} \d{{2}}|\d{{4}}-\d{{3}}|\d{{2}}-\d{{3}}){_END}(?=\s+(?:in|to|for|and|,|\.))"
    )
    city = rf"(?:{_W}|[A-Z]|\(\w+\))"
    line_break = r"[ \t]*(?:,[ \t]*)?(?:\n[\s>?]*){1,2}[ \t]*|[ \t]*,[ \t]*"
    city_end = rf"(?=[ \t]*(?:[,\n]|$|[.?!](?:\s|$)|\s\d|\s(?:{states})\b))"
    tail = (
        rf"(?:(?:{line_break}|[ \t]+)(?:{unit}|{box}|(?:{states}|nan)(?![\w])|{postal}{_END})"
        rf"|(?:{line_break})(?:{city})(?:[ -]{city}){{0,3}}{city_end}"
        rf"|[ \t]+{_CAPW}(?:[ -](?:{_CAPW}|{_PARTICLES})){{0,3}}"
        rf"(?=[ \t]*(?:[,\n]|\s\d|\s(?:{states})\b)))"
    )
    fac = "|".join(sorted((re.escape(f) for f in data["facilities"]), key=len, reverse=True))
    facility = regex.compile(
        rf"(?:(?:St\.?|Saint)\s+[\p{{Lu}}][\p{{L}}]+(?:['’]s)?"
        rf"|(?:[\p{{Lu}}][\p{{L}}'’.-]+\s+){{1,3}}(?:{fac}))(?:\s+\d{{1,3}})?(?![\w'’])"
    )
    return {
        "facility": facility,
        "morph": regex.compile(street_morph),
        "strict": regex.compile(rf"{street_us}|{street_nums}|{street_named}"),
        "free": regex.compile(
            rf"{street_prefix}|{corner}|(?<![\w#]){unit_word}|(?<![\w]){box}"
            rf"|{state_zip}"
        ),
        "trigger": regex.compile(after_trigger),
        "zip": regex.compile(rf"{zip_context}|{city_zip}"),
        "tail": regex.compile(tail),
    }


_PLAIN_SUFFIXES = frozenset(
    {"street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "blvd", "boulevard"}
)


_WORDS = regex.compile(r"[\p{L}][\p{L}\p{M}'’-]*")


def _plausible(text: str, s: int, e: int, *, cased: bool = True) -> bool:
    """Reject street-shaped phrases that are sentences ("3 patients walk")."""
    words = _WORDS.findall(text, s, e)
    if not words:
        return True
    if any(_STOP.match(w) for w in words[:-1]):
        return False
    if not cased or any(w[0].isupper() or not w.isascii() for w in words):
        return True
    return len(words) >= 2 and words[-1].lower() in _PLAIN_SUFFIXES


def _grow(text: str, end: int) -> int:
    """Extend an address over the city, state, country and postal code lines after it."""
    tail = _patterns()["tail"]
    for _ in range(8):
        m = tail.match(text, end)
        if not m or m.end() <= end:
            break
        word = text[m.start():m.end()].strip(" \t\n,>?")
        if _STOP.match(word) or word.lower() == "and":
            break
        end = m.end()
    return end


def find_addresses(text: str) -> list[Span]:
    """GEO spans for addresses and postal codes, merged into blocks."""
    if not text:
        return []
    sc = scan(text)
    if sc.exotic:  # digits the flat copy cannot see: try every position
        return _blocks(text, _parts(text, None, True))
    if not sc.runs and vocab().wordless.isdisjoint(sc.words):
        return []  # every address pattern needs a digit or one of those words
    at = starts(text, sc)
    return _blocks(text, _parts(text, at, bool(sc.runs))) if at else []


_KEYS = ("facility", "strict", "free", "morph", "trigger", "zip")


def _parts(text: str, at: Starts | None, digits: bool) -> list[tuple[int, int]]:
    """Spans of every address part, from a match of each pattern at its possible starts."""
    pats = _patterns()
    spans: list[tuple[int, int]] = []
    for key in _KEYS if at is None else at:
        if not digits and key in ("trigger", "zip"):
            continue
        pat = pats[key]
        found = pat.finditer(text) if at is None else matches_at(pat.match, text, at[key])
        for m in found:
            if key == "morph":  # add back the name before the street-type ending
                head = text[max(0, m.start() - 40) : m.start()]
                back = _BACK.search(head)
                spans.append((m.start() - (len(head) - back.start() if back else 0), m.end()))
            elif key in ("trigger", "zip"):
                group = "a" if key == "trigger" else "z"
                if key == "zip" or _plausible(text, m.start(group), m.end(group), cased=False):
                    spans.append((m.start(group), m.end(group)))
            elif key != "strict" or _plausible(text, m.start(), m.end()):
                spans.append((m.start(), m.end()))
    return spans


def _blocks(text: str, spans: list[tuple[int, int]]) -> list[Span]:
    """Merge parts that follow each other into one GEO block, grown over the lines after it."""
    if not spans:
        return []
    spans.sort()
    out: list[Span] = []
    cur_s, cur_e = spans[0][0], _grow(text, spans[0][1])
    for s, e in spans[1:]:
        if s <= cur_e + 2 or _GAP.fullmatch(text, cur_e, max(cur_e, s)):
            cur_e = max(cur_e, _grow(text, e))
        else:
            out.append(("GEO", cur_s, cur_e))
            cur_s, cur_e = s, _grow(text, e)
    out.append(("GEO", cur_s, cur_e))
    return out


_GAP = regex.compile(r"[\s,>?]*")


def anchor_words() -> list[str]:
    """Words an address part can start with (for the shared anchor scan in spans.py)."""
    return sorted(vocab().roles)
