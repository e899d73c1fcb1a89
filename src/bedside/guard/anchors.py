"""Literal prefixes ("anchors") that every match of a regex starts with, found by reading its parse.

Python's `re` scans fast only for a pattern that begins with a literal or a character set; a rule
of several patterns that begin with groups is tried at every position of the text, which made
lexicon rules cost 15-40 microseconds each. An alternation of the rules' anchors does begin with
literals, so `re` finds the few positions worth trying and the rule is matched only there.

The parse comes from `re._parser`, the standard library's own reader of the syntax, so the anchors
agree with what `re` compiles. Anything this walk does not understand (or a future Python that
changes the module) makes the answer None, and the caller falls back to a plain search: slower,
never wrong.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - a Python without the module: no anchors
    _parser = None

END = "\0"  # marks an anchor whose word is known to end right after it ("go" before \s+)
_STEM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
MAX_LEN = 6  # anchor characters: longer ones rule out more positions, but expand more
MAX_KEYS = 128  # anchors per pattern before they are shortened
_Prefixes = tuple[set[str], set[str]]  # (still growing, complete)


def anchors(pattern: str) -> frozenset[str] | None:
    """Literal strings one of which starts every match of `pattern`, or None when unknown."""
    if _parser is None:
        return None
    try:
        parsed: Any = _parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        growing, done = _walk(list(parsed.data), {""})
    except (re.error, _Unknown, AttributeError, TypeError, ValueError):
        return None
    keys = _minimal(growing | done)
    while len(keys) > MAX_KEYS:  # shorten the longest until few enough
        cut = max(map(len, keys)) - 1
        keys = _minimal({k[:cut] for k in keys})
    return None if "" in keys else frozenset(keys)


class _Unknown(Exception):
    """A construct whose effect on the start of a match this walk does not model."""


def _minimal(keys: set[str]) -> set[str]:
    """Drop every key that another key is a prefix of (the shorter one already covers it)."""
    out: set[str] = set()
    for key in sorted(keys, key=len):
        if not any(key.startswith(k) for k in out):
            out.add(key)
    return out


def _walk(items: list[Any], growing: set[str]) -> _Prefixes:
    """Extend `growing` prefixes through a sequence of parsed items."""
    done: set[str] = set()
    for op, av in items:
        if not growing:
            break
        growing, more = _step(str(op), av, growing)
        done |= more
        if len(growing) > MAX_KEYS * 4:  # too many spellings: stop extending here
            done |= growing
            growing = set()
    return growing, done


def _step(op: str, av: Any, growing: set[str]) -> _Prefixes:
    if op == "LITERAL":
        return _extend(growing, [chr(av)])
    if op == "IN":
        chars = _chars(av)
        if chars is not None:
            return _extend(growing, chars)
        if _ends_word(av):  # e.g. \s: the word read so far ends here
            return set(), {p + END if p else p for p in growing}
        return set(), set(growing)
    if op in {"AT", "ASSERT", "ASSERT_NOT"}:  # zero width: the next item starts the match
        return growing, set()
    if op in {"SUBPATTERN", "ATOMIC_GROUP"}:
        inner = av[-1] if op == "SUBPATTERN" else av
        if op == "SUBPATTERN" and av[1] & re.IGNORECASE:
            raise _Unknown(op)
        return _walk(list(inner.data), growing)
    if op == "BRANCH":
        out_growing: set[str] = set()
        out_done: set[str] = set()
        for alternative in av[1]:
            g, d = _walk(list(alternative.data), set(growing))
            out_growing |= g
            out_done |= d
        return out_growing, out_done
    if op in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
        return _repeat(av[0], av[1], list(av[2].data), growing)
    if op in {"NOT_LITERAL", "ANY", "CATEGORY", "GROUPREF", "GROUPREF_EXISTS"}:
        return set(), set(growing)  # any character may come next: the prefixes end here
    raise _Unknown(op)


def _repeat(low: int, high: int, items: list[Any], growing: set[str]) -> _Prefixes:
    """Prefixes after `low` to `high` repetitions of `items`."""
    growing_out: set[str] = set()
    done: set[str] = set()
    current = set(growing)
    for count in range(min(high, low + MAX_LEN + 1) + 1):
        if count >= low:
            growing_out |= current
        if count == high or not current:
            return growing_out, done
        current, more = _walk(items, current)
        done |= more
    return growing_out, done | current  # more repetitions may follow: these end here


def _extend(growing: set[str], chars: list[str]) -> _Prefixes:
    grown = {p + c for p in growing for c in chars}
    full = {p for p in grown if len(p) >= MAX_LEN}
    return grown - full, full


def _ends_word(items: list[Any]) -> bool:
    """Whether a set matches only characters that cannot be in a word's stem (see `gates`)."""
    return all(
        (str(op) == "CATEGORY" and str(av) == "CATEGORY_SPACE")
        or (str(op) == "LITERAL" and chr(av) not in _STEM_CHARS)
        for op, av in items
    )


def _chars(items: list[Any]) -> list[str] | None:
    """The characters a set matches, or None when it is negated, a category or a wide range."""
    out: list[str] = []
    for op, av in items:
        if str(op) == "LITERAL":
            out.append(chr(av))
        elif str(op) == "RANGE" and av[1] - av[0] < 16:
            out.extend(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return out


_RUN = re.compile(r"[a-z0-9']*")


def gates(key: str, stem_len: int) -> frozenset[str] | None:
    """Word stems (first `stem_len` characters of a run of [a-z0-9']) one of which a text has
    wherever `key` starts a word; None when the key cannot be told from the stems."""
    run = _RUN.match(key)
    word = run.group() if run else ""
    if len(word) >= stem_len:
        stem = word[:stem_len]
    elif word and len(word) < len(key):  # the key's next character (or END) ends the word
        stem = word
    else:  # a key that starts with a symbol, or a short word that may go on
        return None
    # A word opened by a quote ('cure') has the quote in its stem.
    return frozenset({stem, ("'" + word)[:stem_len]} if word[0] != "'" else {stem})


@lru_cache(maxsize=2048)
def finder(keys: frozenset[str]) -> re.Pattern[str]:
    """Find the keys where they start a word (no word character before them).

    Every alternative begins with its literal, so `re` skips ahead to their first characters;
    the look-behind after the literal rules out hits inside words ("i" in "skin") in C.
    """
    ordered = sorted({k.rstrip(END) for k in keys}, key=lambda k: (-len(k), k))
    return re.compile("|".join(f"{re.escape(k)}(?<!\\w{re.escape(k)})" for k in ordered))


@dataclass(frozen=True, slots=True)
class Starts:
    """Where a match of one of a rule's patterns can start, found without trying every position.

    Each pattern's anchors are gated by the word stems that must be in the text for them to be
    there; the anchors left are searched as one alternation of literals.
    """

    stems: frozenset[str]                   # every gating stem
    by_stem: dict[str, frozenset[str]]      # gating stem -> the anchors it lets through
    free: frozenset[str]                    # anchors with no gating stem: always searched
    loose: tuple[re.Pattern[str], ...]      # patterns with no anchors: searched on their own

    @classmethod
    def build(cls, patterns: list[str], stem_len: int) -> Starts | None:
        """Starts for `patterns`, or None when none has anchors (plain search is as good)."""
        keys = [anchors(p) for p in patterns]
        if not any(keys):
            return None
        by_stem: dict[str, set[str]] = {}
        free: set[str] = set()
        loose: list[re.Pattern[str]] = []
        for pattern, pattern_keys in zip(patterns, keys, strict=True):
            if pattern_keys is None:
                try:
                    loose.append(re.compile(pattern))
                except re.error:
                    return None  # only `regex` reads it: leave the rule to plain search
                continue
            for key in pattern_keys:
                stems = gates(key, stem_len)
                if stems is None:
                    free.add(key)
                for stem in stems or ():
                    by_stem.setdefault(stem, set()).add(key)
        return cls(frozenset(by_stem), {s: frozenset(k) for s, k in by_stem.items()},
                   frozenset(free), tuple(loose))

    def keys(self, stems: frozenset[str]) -> frozenset[str]:
        """The anchors worth searching for in a text with these word stems."""
        hit = self.stems & stems
        return self.free.union(*(self.by_stem[s] for s in hit)) if hit else self.free

    def find(self, text: str, stems: frozenset[str]) -> list[int]:
        """Ascending positions of `text` where a match can start, given the text's stems."""
        keys = self.keys(stems)
        found = _all_starts(finder(keys), text) if keys else []
        if self.loose:
            found = sorted(set(found).union(self.find_loose(text)))
        return found

    def find_loose(self, text: str) -> list[int]:
        """Positions where a pattern with no anchors matches."""
        return [p for pattern in self.loose for p in _all_starts(pattern, text)]


def _all_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Every position where `pattern` matches, overlapping ones included, ascending."""
    found: list[int] = []
    search = pattern.search
    m = search(text)
    while m is not None:
        found.append(m.start())
        m = search(text, m.start() + 1)
    return found
