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
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

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
_DIGITS = re.compile(rb"[0-9]+")
# a decimal digit outside ASCII ("٣"): the flat copy cannot see it, so such text takes the slow path
_OTHER_DIGIT = re.compile(r"[^\W\D0-9]")


@lru_cache(maxsize=8)
def flat(text: str) -> bytes:
    """The text as bytes, padded with one space each side: flat[i + 1] is text[i]."""
    return b" " + text.encode("latin-1", "replace").translate(_FLAT) + b" "


@lru_cache(maxsize=8)
def exotic(text: str) -> bool:
    """Whether the text has a digit the flat copy cannot see (then scan it all)."""
    return not text.isascii() and bool(_OTHER_DIGIT.search(text))


@lru_cache(maxsize=8)
def digit_runs(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each run of ASCII digits."""
    return tuple((m.start() - 1, m.end() - 1) for m in _DIGITS.finditer(flat(text)))


def digit_count(text: str) -> int:
    """How many ASCII digits the text holds."""
    return sum(e - s for s, e in digit_runs(text))


def word_start(text: str, pos: int) -> bool:
    """Whether no letter or digit comes right before `pos`."""
    return flat(text)[pos] == 32


def trie(words: Iterable[str]) -> str:
    """A regex alternation of `words` factored by prefix (one branch tried per character)."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


@cache
def _anchor_pattern() -> re.Pattern[bytes]:
    # imported here: those modules import this one
    from bedside.guard.addresses import anchor_words as address_words
    from bedside.guard.dates import anchor_words as date_words
    from bedside.guard.numbers import anchor_words as number_words

    words = {w for w in [*date_words(), *number_words(), *address_words()] if w}
    latin = sorted(w for w in words if all(ord(c) < 256 for c in w))
    return re.compile(b" (" + trie(latin).encode("latin-1") + b")")


@lru_cache(maxsize=8)
def anchors(text: str) -> dict[str, list[tuple[int, bool]]]:
    """Anchor word -> (start, whether the word is whole) for each word start that begins with one.

    A word is "whole" when it ends where the anchor ends ("may" in "may", not in "maybe").
    """
    fl = flat(text)
    out: dict[str, list[tuple[int, bool]]] = {}
    for m in _anchor_pattern().finditer(fl):
        out.setdefault(m.group(1).decode("latin-1"), []).append((m.start(), fl[m.end()] == 32))
    return out


def matches_at(
    match: Callable[[str, int], Any], text: str, starts: Iterable[int]
) -> Iterator[Any]:
    """Non-overlapping matches of `match(text, pos)` tried at `starts`, left to right.

    Equal to a `finditer` over the whole text when `starts` holds every position where the
    pattern can match.
    """
    end = -1
    for pos in sorted(set(starts)):
        if pos < end:
            continue
        m = match(text, pos)
        if m is not None and m.end() > m.start():
            end = m.end()
            yield m


def token_bounds(text: str, pos: int) -> tuple[int, int]:
    """The whitespace-delimited token around `pos` (a window exact for patterns with no space)."""
    start = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1
    end = len(text)
    for ch in " \n\t":
        i = text.find(ch, pos)
        if 0 <= i < end:
            end = i
    return start, end
