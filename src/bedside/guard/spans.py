"""Cheap gating for the identifier recognisers: try the slow patterns only where a hit can start.

Most posts hold no identifier, and the full patterns cost about a microsecond per character when
scanned over a whole post. So one pass over a flat byte copy of the text (ASCII letters
lower-cased, Latin-1 letters kept, everything else a space; one byte per character, so offsets
stay those of the text) finds digit runs and anchor words, and each recogniser then calls its
full pattern with `match` at the few positions where a hit can start. `match` sees the whole
text, lookbehinds and lookaheads included, so the result is the same as a scan of the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

Span = tuple[str, int, int]

_LATIN1_UPPER = [c for c in range(0xC0, 0xDF) if c != 0xD7]
_LATIN1_LOWER = [c for c in range(0xDF, 0x100) if c != 0xF7]


def _flat_table() -> bytes:
    table = bytearray(b" " * 256)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789":
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    for c in _LATIN1_LOWER:
        table[c] = c
    for c in _LATIN1_UPPER:
        table[c] = c + 32
    return bytes(table)


_FLAT = _flat_table()
_ZEROS = bytes(0x30 if chr(c).isdigit() and c < 128 else 0x20 for c in range(256))


class Scan(NamedTuple):
    """What the recognisers need to know about a text before trying a full pattern."""

    flat: bytes  # padded with one space each side: flat[i + 1] is text[i]
    exotic: bool  # a digit the flat copy cannot see ("٣"): scan the whole text instead
    wide: bool  # characters outside Latin-1 (emoji, Greek...), which the flat copy blanks
    runs: tuple[tuple[int, int], ...]  # (start, end) of each run of ASCII digits
    digits: int  # how many ASCII digits
    words: dict[str, list[int]]  # anchor word -> start of each whole-word occurrence
    starts: tuple[int, ...] = ()  # the start of each run, for bisect
    raw: bytes = b""  # the text as Latin-1, "?" for the rest: counts ASCII marks at C speed


@lru_cache(maxsize=8)
def scan(text: str) -> Scan:
    """Flat copy, digit runs and anchor words of `text`, with C-speed string methods only."""
    exotic = wide = False
    if text.isascii():  # nothing outside Latin-1, no digit the flat copy cannot see
        enc = text.encode("ascii")
    else:
        enc = text.encode("latin-1", "replace")
        wide = enc.count(b"?") != text.count("?")
        if wide:
            i = enc.find(b"?")
            while i >= 0 and not exotic:
                exotic = text[i].isdecimal()
                i = enc.find(b"?", i + 1)
    fl = b" " + enc.translate(_FLAT) + b" "
    runs: list[tuple[int, int]] = []
    starts: list[int] = []
    digits = 0
    zeros = fl.translate(_ZEROS)
    i = zeros.find(b"0")
    while i >= 0:
        j = zeros.find(b" ", i)
        runs.append((i - 1, j - 1))
        starts.append(i - 1)
        digits += j - i
        i = zeros.find(b"0", j)
    words: dict[str, list[int]] = {}
    anchors, keys = _ANCHORS or _load_anchors()
    for w in keys.intersection(fl.split()):
        word, key, step = anchors[w]
        i = fl.find(key)
        at = [i]
        i = fl.find(key, i + step)
        while i >= 0:
            at.append(i)
            i = fl.find(key, i + step)
        words[word] = at
    # tuple.__new__: the generated Scan.__new__ is one more Python call per check
    return tuple.__new__(Scan, (fl, exotic, wide, tuple(runs), digits, words, tuple(starts), enc))


def flat(text: str) -> bytes:
    """The text as bytes, padded with one space each side: flat[i + 1] is text[i]."""
    return scan(text).flat


def word_start(fl: bytes, pos: int) -> bool:
    """Whether no letter or digit comes right before text position `pos` (`fl` its flat copy)."""
    return fl[pos] == 32


def trie(words: Iterable[str], symbols: Mapping[str, str] | None = None) -> str:
    """A regex alternation of `words` factored by prefix (one branch tried per character, so
    the longest word that matches is the one found). `symbols`: characters that stand for a
    regex of their own (" " for any run of spaces, say); any other character is itself."""
    symbols = symbols or {}
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [(symbols.get(ch) or re.escape(ch)) + emit(sub)
                for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:  # an empty last branch, not "(?:...)?": `re` runs no repeat for it
            return "(?:" + "|".join(alts) + "|)"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


_Anchors = tuple[dict[bytes, tuple[str, bytes, int]], frozenset[bytes]]
_ANCHORS: _Anchors | None = None


def _load_anchors() -> _Anchors:
    """Anchor word as flat bytes -> (the word, the word padded with spaces to find it, the step
    to the next try: one less than its length, so neighbours share a space); and those keys."""
    global _ANCHORS
    # imported here: those modules import this one
    from bedside.guard.addresses import anchor_words as address_words
    from bedside.guard.dates import anchor_words as date_words
    from bedside.guard.numbers import anchor_words as number_words

    words = {w for w in [*date_words(), *number_words(), *address_words()] if w}
    table = {w.encode("latin-1"): (w, b" " + w.encode("latin-1") + b" ", len(w) + 1)
             for w in words if all(ord(c) < 256 for c in w)}
    _ANCHORS = (table, frozenset(table))
    return _ANCHORS


def matches_at(
    match: Callable[[str, int], Any], text: str, starts: Iterable[int]
) -> list[Any]:
    """Non-overlapping matches of `match(text, pos)` tried at `starts`, left to right.

    Equal to a `finditer` over the whole text when `starts` holds every position where the
    pattern can match.
    """
    if not isinstance(starts, list) or len(starts) != 1:
        starts = sorted(set(starts))
    out: list[Any] = []
    end = -1
    for pos in starts:
        if pos < end:
            continue
        m = match(text, pos)
        if m is not None and m.end() > m.start():
            end = m.end()
            out.append(m)
    return out


def token_bounds(text: str, pos: int) -> tuple[int, int]:
    """The whitespace-delimited token around `pos` (a window exact for patterns with no space)."""
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1
    end = len(text)
    for ch in " \n\t":
        i = text.find(ch, pos)
        if 0 <= i < end:
            end = i
    return start, end
