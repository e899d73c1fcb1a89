"""Literal prefixes of a regex, read from its parse tree: every match starts with one of them.

A rule's big alternation ('g(?:ua|au)r(?:a|e)nte+|money[\\s-]?back|...') can only match where
one of a few short strings starts a word ('guara', 'gaura', 'money'...). One scan for the
prefixes of a whole rule set finds those few places in C, and each rule's own pattern is then
tried only there (lexicon.RuleSet), instead of one scan of the post per rule.

In a prefix, " " stands for a run of white space and "0" for a run of ASCII digits ("100 %",
"7%" and `\\d+\\s*%` all read "0 %" or "0%"): a text with another decimal digit ("٣") must be
scanned the old way when a pattern has `\\d`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from bedside.guard.spans import trie

try:  # the stdlib's own regex parser (private): without it, rules keep their own scans
    import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as _p  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover
    _c = _p = None

_LIMIT = 600  # most prefixes one pattern may have (fewer characters are read when it has more)
_RANGE = 12  # widest character range spelled out, by default
_DIGIT_RUN = re.compile("[0-9]+")
_SPACE_RUN = re.compile("  +")
_RUN_SYMBOLS = frozenset({" ", "0"})
# Every character `\s` matches (str.isspace, the same test as `re`), read as " ".
SPACES = {c: " " for c in range(0x3001) if chr(c).isspace()}
# A decimal digit `\d` matches that the prefixes do not spell out (one character class: `re`
# skips to it in C).
WIDE_DIGIT = re.compile(r"[^\D0-9]")

# (prefix, done): done when the prefix cannot grow (long enough, or a non-literal came next).
_Heads = set[tuple[str, bool]]
_STOPPED: _Heads = {("", True)}
_EMPTY: _Heads = {("", False)}


class Prefixes(NamedTuple):
    strings: frozenset[str]
    digit_class: bool  # a `\d` was read as ASCII digits


# literal_prefixes' answers by (pattern, k, widest). A pure function of its key, so a
# short-lived process (`bedside check TEXT`) may fill it from an earlier run's answers
# (bedside.guard_memo keeps them on disk) instead of reading every pattern again: the reading is
# most of the guard's start-up.
KNOWN: dict[tuple[str, int, int], Prefixes | None] = {}


def _char(ch: str) -> str:
    """How a character of a pattern reads in a prefix."""
    return " " if ch.isspace() else "0" if "0" <= ch <= "9" else ch


def read(text: str) -> str:
    """How a piece of text reads in a prefix: each run of white space " ", of digits "0"."""
    return _DIGIT_RUN.sub("0", _SPACE_RUN.sub(" ", text.translate(SPACES)))


class _Unknown(Exception):
    """Too many prefixes, even one character long."""


def _capped(heads: _Heads) -> _Heads:
    """`heads`, cut shorter (and so done) until there are at most _LIMIT of them: a prefix of a
    prefix is still one, only a weaker one."""
    width = max(len(s) for s, _ in heads)
    while len(heads) > _LIMIT:
        width -= 1
        if width < 1:
            raise _Unknown
        heads = {(s[:width], True) if len(s) > width else (s, d) for s, d in heads}
    return heads


def _repeats() -> set[Any]:
    return set() if _c is None else {
        _c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


_REPEATS = _repeats()


class _Reader:
    def __init__(self, widest: int) -> None:
        self.digit_class = False
        self.widest = widest  # widest character range spelled out

    def seq(self, items: Any, k: int) -> _Heads:
        heads: _Heads = {("", False)}
        for op, av in items:
            if all(done for _, done in heads):
                break
            new: _Heads = set()
            for s, done in heads:
                if done:
                    new.add((s, True))
                    continue
                for t, d in self.item(op, av, k - len(s)):
                    u = s + t
                    new.add((u, d or len(u) >= k))
            heads = _capped(new)
        return heads

    def chars(self, av: Any, k: int) -> _Heads:
        out: _Heads = set()
        for iop, iav in av:
            if iop is _c.LITERAL:
                out.add((_char(chr(iav)), k == 1))
            elif iop is _c.RANGE and iav[1] - iav[0] < self.widest:
                out.update((_char(chr(c)), k == 1) for c in range(iav[0], iav[1] + 1))
            elif iop is _c.CATEGORY and iav is _c.CATEGORY_SPACE:
                out.add((" ", k == 1))
            elif iop is _c.CATEGORY and iav is _c.CATEGORY_DIGIT:
                self.digit_class = True
                out.add(("0", k == 1))
            else:
                return _STOPPED  # another category, a negation, a wide range
        return out

    def item(self, op: Any, av: Any, k: int) -> _Heads:
        if k <= 0:
            return _STOPPED
        if op is _c.LITERAL:
            return {(_char(chr(av)), k == 1)}
        if op is _c.IN:
            return self.chars(av, k)
        if op is _c.SUBPATTERN:
            _group, add, delete, sub = av
            return _STOPPED if add or delete else self.seq(sub.data, k)
        if op is _c.BRANCH:
            out: _Heads = set()
            for sub in av[1]:
                out |= self.seq(sub.data, k)
            return out
        if op in _REPEATS:
            return self.repeat(av, k)
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            return _EMPTY  # zero width: the prefix goes on with the next item
        return _STOPPED  # any character, a category, a back reference

    def repeat(self, av: Any, k: int) -> _Heads:
        lo, hi, sub = av
        out: _Heads = set(_EMPTY) if lo == 0 else set()
        body = self.seq(sub.data, k)
        if {t for t, _ in body} <= _RUN_SYMBOLS and len(body) == 1:
            return out | body  # "\\s+", "\\d*": one run, however long
        heads: _Heads = {("", False)}
        for n in range(1, min(hi, k) + 1):
            grown: _Heads = {h for h in heads if h[1]}
            for s, done in heads:
                if not done:
                    grown |= {(s + t, d or len(s) + len(t) >= k)
                              for t, d in self.seq(sub.data, k - len(s))}
            heads = _capped(grown)
            if n >= lo:
                out |= heads
        if hi > k or lo > k:  # more repeats than characters wanted: stop where the loop ended
            out |= {(s, True) for s, _ in heads}
        return out


def literal_prefixes(pattern: str, k: int = 8, widest: int = _RANGE) -> Prefixes | None:
    """Strings of up to `k` characters one of which starts every match of `pattern`; None when
    a match can start with no known character (a category first, an empty match, flags)."""
    key = (pattern, k, widest)
    if key in KNOWN:
        return KNOWN[key]
    got = _literal_prefixes(pattern, k, widest)
    KNOWN[key] = got
    return got


def _literal_prefixes(pattern: str, k: int, widest: int) -> Prefixes | None:
    if _c is None or _p is None:
        return None
    try:
        parsed = _p.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.I | re.X):
        return None
    reader = _Reader(widest)
    try:
        heads = _capped(reader.seq(parsed.data, k))
    except _Unknown:
        return None
    found = frozenset(read(s) for s, _ in heads)
    return None if "" in found else Prefixes(found, reader.digit_class)


def hint(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that finds one of `pattern`'s prefixes anywhere: where it finds none, `pattern`
    has no match either, so a text can skip `pattern`. None when there is no such test."""
    got = literal_prefixes(pattern.pattern, widest=26)
    if got is None:
        return None
    return re.compile(alternation(got.strings, digits=r"\d+"))  # "٣" too


def alternation(strings: set[str] | frozenset[str], digits: str = "[0-9]+") -> str:
    """A regex alternation of `strings` (as `read` gives them) factored by prefix: at most one
    branch goes on at each character, and the longest string that matches is the one found.
    `digits` is what "0" stands for."""
    return trie(strings, symbols={" ": r"\s+", "0": digits})


class PrefixIndex:
    """Where each of several patterns can match at a word start: one scan of a text for all
    their prefixes; a pattern is then tried only at its own places."""

    __slots__ = ("_scan", "_head", "_keys", "_digit_class")

    def __init__(self, prefixes: dict[int, Prefixes]) -> None:
        owners: dict[str, set[int]] = {}
        for key, found in prefixes.items():
            for s in found.strings:
                owners.setdefault(s, set()).add(key)
        # the scan finds the longest prefix at a place; every shorter one there counts too
        self._keys = {s: tuple(sorted(set().union(*(owners.get(s[:n], ()) for n in range(
            1, len(s) + 1))))) for s in owners}
        alt = alternation(set(owners)) if owners else "(?!)"
        self._scan = re.compile(r"[\W](?=(" + alt + "))")
        self._head = re.compile(alt)
        self._digit_class = any(p.digit_class for p in prefixes.values())

    def starts(self, text: str) -> dict[int, list[int]] | None:
        """Pattern key -> the word starts (ascending) where it can match; None when the text
        holds a decimal digit the prefixes do not spell (scan it the slow way)."""
        if self._digit_class and not text.isascii() and WIDE_DIGIT.search(text):
            return None
        keys = self._keys
        out: dict[int, list[int]] = {}
        head = self._head.match(text)
        if head is not None:
            for k in keys.get(head.group()) or keys[_read(head.group())]:
                out[k] = [0]
        for m in self._scan.finditer(text):  # word starts after the first: never 0
            cap = m.group(1)
            p = m.end()  # the match is the one character before the word
            for k in keys.get(cap) or keys[_read(cap)]:
                if k in out:
                    out[k].append(p)
                else:
                    out[k] = [p]
        return out


# A prefix found with more white space or digits than one (read once per such prefix).
_read = lru_cache(maxsize=1024)(read)
