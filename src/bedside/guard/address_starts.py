"""Where an address part can start, found from the shared scan (spans.py) without a regex pass.

The address patterns in addresses.py cost about two microseconds per character when scanned over
a whole post. Every one of them needs a digit run or a street word, so each is tried only where
those make it possible: a house number followed by a street suffix ("418 Birch Lane"), a digit
run after a compound street name ("Hammarvägen 15"), a Romance prefix, unit or box word followed
by a number, a state code before a ZIP, a phrase that introduces an address. The positions
found hold every one where a pattern can match (parts of an address lie within the reach
constants below), so the result is that of a whole-text scan at a fraction of the cost
(tests/guard/test_identifiers.py compares the two).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from bedside.guard.lexicon import load_data
from bedside.guard.phrases import expand
from bedside.guard.spans import Scan

# How far a pattern's parts can lie apart, in characters: a word, three or five words.
_WORD = 40
_WORDS = 80
_AHEAD = 160
_BEHIND = 120
# street_named's look-behind: "on Maple St", "a client out Smithfield Rd"
_PREP = re.compile(r"\b(?i:on|at|off|near|along|down|up|to|from|of|in|out|past|by|over)\s+")
_IN = re.compile(r"\bin\s+")  # city_zip's look-behind, case as in the pattern
_ZIP_AFTER = re.compile(r"(?:[ -]\d{2,3})?\s+(?:in|to|for|and|,|\.)")
_TOKEN = re.compile(rb"[^ ]+")
# street_nums after its first number: capitalised words, then a number (a loose superset)
_NAMED_NUMBER = re.compile(r"\s+[^\W\d_a-z]\S*(?:\s+[^\W\d_a-z]\S*){0,3}\s+\d")


# Roles of an anchor word (bits of Vocab.roles).
_STRONG, _PREFIX, _UNIT, _BOX, _MILITARY, _CORNER, _FACILITY, _TRIGGER, _ZIP, _SUFFIX = (
    1 << i for i in range(10)
)
_NEEDS_DIGIT = _PREFIX | _UNIT | _TRIGGER | _ZIP

Starts = dict[str, list[int]]  # pattern (a key of addresses._patterns) -> positions to try


class Vocab(NamedTuple):
    """Address words, lower-case as in the flat copy."""

    roles: dict[str, int]  # anchor word -> the parts it can open or close (bits above)
    facilities: dict[str, tuple[str, ...]]  # anchor word -> the facility names it opens
    wide_prefixes: tuple[str, ...]  # prefixes that open outside Latin-1 ("οδός")
    wide_first: re.Pattern[str]  # the first letters of those
    morphs: tuple[bytes, ...]  # end a compound street name ("-vägen")
    alone: frozenset[bytes]  # street-type words after a name ("tér")
    tails: frozenset[bytes]  # last two bytes of each of those (" u" for "u.")
    wordless: frozenset[str]  # words without which an address needs a digit


def _latin1(word: str) -> bool:
    return all(ord(c) < 256 for c in word)


def _openers(entry: str) -> set[str]:
    """First words of a trigger phrase ("(?:sent|send) (?:\\w+ )?to": sent, send)."""
    depth, head = 0, entry
    for i, ch in enumerate(entry):
        depth += (ch == "(") - (ch == ")")
        if ch == " " and depth == 0:
            head = entry[:i]
            break
    phrases = expand(head)
    if not phrases:
        raise ValueError(f"address trigger with no finite first word: {entry!r}")
    return {p.split()[0] for p in phrases}


@cache
def vocab() -> Vocab:
    """The word sets, from identifiers.toml."""
    data = load_data("identifiers")["address"]
    prefixes = {w.rstrip("./").lower() for w in data["prefixes"]}
    # a prefix that leaves Latin-1 after its first letters ("náměstí") is found by those
    narrow = {"".join(c for c in p[: next((i for i, c in enumerate(p) if ord(c) > 255),
                                         len(p))]) for p in prefixes}
    wide = tuple(sorted(p for p in prefixes if ord(p[0]) > 255))
    narrow.discard("")
    facilities: dict[str, tuple[str, ...]] = {"st": ("St",), "saint": ("Saint",)}
    for f in data["facilities"]:
        key = f.split()[0].lower()
        facilities[key] = (*facilities.get(key, ()), f)
    strong = {w.lower() for w in data["strong_suffixes"]}
    groups = (
        (_STRONG, strong),
        (_SUFFIX, {w.lower() for w in data["suffixes"]}),
        (_PREFIX, narrow),
        (_UNIT, {w.rstrip(".").lower() for w in data["units"]}),
        (_BOX, {"box", "pobox", "postbox"}),
        (_MILITARY, {"apo", "fpo", "dpo", "usns", "usnv", "uss", "uscgc"}),
        (_CORNER, {"corner"}),
        (_FACILITY, set(facilities)),
        (_TRIGGER, set().union(*(_openers(t) for t in data["triggers"]))),
        (_ZIP, {"zip", "zipcode", "postal", "post", "postcode"}),
    )
    roles: dict[str, int] = {}
    for bit, words in groups:
        for w in words:
            roles[w] = roles.get(w, 0) | bit
    morphs = tuple(m.lower().encode("latin-1") for m in data["morphemes"])
    alone = frozenset(w.rstrip(".").lower().encode("latin-1") for w in data["standalone"])
    first = "".join(sorted({c for p in wide for c in (p[0], p[0].upper())}))
    return Vocab(
        roles=roles,
        facilities=facilities,
        wide_prefixes=wide,
        wide_first=re.compile(f"[{re.escape(first)}]" if first else "(?!)"),
        morphs=morphs,
        alone=alone,
        tails=frozenset((b" " + w)[-2:] for w in (*morphs, *alone)),
        wordless=frozenset(strong | set(facilities) | {"corner", "usns", "usnv", "uss", "uscgc"}),
    )


def _prev_token(fl: bytes, pos: int) -> tuple[int, int]:
    """(start, end) of the flat token that ends before text position `pos`; (-1, -1) if none."""
    end = len(fl[: pos + 1].rstrip())
    return (fl.rfind(b" ", 0, end), end - 1) if end else (-1, -1)


def _token_starts(fl: bytes, lo: int, hi: int) -> list[int]:
    """Text positions of the flat tokens starting in [lo, hi]."""
    return [m.start() - 1 for m in _TOKEN.finditer(fl, max(lo, 0) + 1, hi + 2)]


def _any_in(points: Sequence[int], lo: int, hi: int) -> bool:
    """Whether a sorted list has a point in (lo, hi)."""
    i = bisect_right(points, lo)
    return i < len(points) and points[i] < hi


def starts(text: str, sc: Scan) -> Starts:
    """Every position where an address pattern can match in `text`."""
    v = vocab()
    fl = sc.flat
    out: Starts = {}
    runs = sc.starts
    roles = v.roles
    suffixes: list[int] = []  # where a street suffix or a prefix is
    prefixes: list[int] = []
    for word, at in sc.words.items():
        role = roles.get(word)
        if not role:
            continue
        if role & _SUFFIX:
            suffixes += at
        if role & _PREFIX:
            prefixes += at
        if role & _NEEDS_DIGIT and not runs:
            role &= ~_NEEDS_DIGIT
        if role & ~_SUFFIX and not (
            role == _FACILITY and not text.startswith(v.facilities[word], at[0])
            and len(at) == 1
        ):
            for p in at:
                _from_word(text, fl, word, role, p, runs, v, out, sc)
    if runs:
        suffixes.sort()
        prefixes.sort()
        for s, e in sc.runs:
            _from_run(text, fl, s, e, runs, (suffixes, prefixes), v, out)
        if sc.wide and v.wide_first.search(text):
            low = text.lower()
            for w in v.wide_prefixes if len(low) == len(text) else ():
                i = low.find(w)
                while i >= 0:
                    out.setdefault("free", []).append(i)
                    i = low.find(w, i + 1)
    return out


def _from_run(text: str, fl: bytes, s: int, e: int, runs: Sequence[int],
              after: tuple[list[int], list[int]], v: Vocab, out: Starts) -> None:
    """Patterns a digit run can open or close: house numbers, ZIPs, compound streets."""
    n = e - s
    opens = fl[s] == 32
    if opens and n <= 6:
        # street_us ("418 Birch Lane"), street_nums ("28245 Puruntie 82")
        if (after[0] and _any_in(after[0], e - 1, e + _WORDS)) or (
                text[e : e + 1].isspace() and _any_in(runs, e, e + _WORDS)
                and _NAMED_NUMBER.match(text, e)):
            out.setdefault("strict", []).append(s)
        if after[1] and _any_in(after[1], e - 1, e + _WORD):  # "371 Rue de ..."
            out.setdefault("free", []).append(s)
    # a state or province code before a ZIP or postal code: "IL 62704", "ON K1A 0B1"
    if (n == 5 and opens) or (n == 1 and "A" <= text[s - 1 : s] <= "Z"):
        pt, pe = _prev_token(fl, fl.rfind(b" ", 0, s + 1))
        if pe - pt == 2 and text[pt:pe].isupper():
            out.setdefault("free", []).append(pt)
    if not opens or not text[s - 1 : s].isspace():
        return
    # a compound or stand-alone street name before the house number: "Hammarvägen 15"
    head = fl[max(0, s - 60) : s + 1].rstrip()
    if head[-2:] in v.tails:
        pt, pe = _prev_token(fl, s)
        name = fl[pt + 1 : pe + 1]
        if name.endswith(v.morphs):
            out.setdefault("morph", []).extend(
                pe - len(m) for m in v.morphs if name.endswith(m))
        if name in v.alone:
            out.setdefault("morph", []).append(pt)
    # a city and postal code after "in": "in Fitzroy 3065, ..."
    if 2 <= n <= 5 and _ZIP_AFTER.match(text, e):
        out.setdefault("zip", []).extend(
            m.end() for m in _IN.finditer(text, max(0, s - _BEHIND), s))


def _from_word(text: str, fl: bytes, word: str, role: int, p: int, runs: Sequence[int], v: Vocab,
               out: Starts, sc: Scan) -> None:
    """Patterns an anchor word can open or close."""
    if role & _STRONG:  # "on Maple Street": the street starts after the preposition
        out.setdefault("strict", []).extend(
            m.end() for m in _PREP.finditer(text, max(0, p - _BEHIND), p))
    if role & _FACILITY and text.startswith(v.facilities[word], p):
        if word in ("st", "saint"):
            out.setdefault("facility", []).append(p)
        out.setdefault("facility", []).extend(
            t for t in _token_starts(fl, p - 80, p - 1) if text[t].isupper())
    if role & _BOX:  # "P.O. Box", "PSC 1234, Box", "12 Post Office Box"
        out.setdefault("free", []).extend(_token_starts(fl, p - 40, p))
    if role & (_MILITARY | _CORNER):
        out.setdefault("free", []).append(p)
        pt, pe = _prev_token(fl, p)
        if fl[pt + 1 : pe + 1] == b"the":  # "the corner of"
            out.setdefault("free", []).append(pt)
    if role & _PREFIX and _any_in(runs, p, p + 200):
        free = out.setdefault("free", [])
        free.append(p)
        i = bisect_left(runs, p - 40)
        while i < len(runs) and runs[i] < p:
            free.append(runs[i])
            i += 1
    if role & _UNIT and _any_in(runs, p, p + len(word) + 12):
        out.setdefault("free", []).append(p)
    if role & _TRIGGER and (_any_in(runs, p, p + _AHEAD) or any(
            p < q < p + 100 for w in ("street", "st") for q in sc.words.get(w, ()))):
        out.setdefault("trigger", []).append(p)
    if role & _ZIP and _any_in(runs, p, p + 40):
        out.setdefault("zip", []).append(p)
