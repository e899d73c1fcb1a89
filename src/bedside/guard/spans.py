"""Cheap gating for the identifier recognisers: run slow patterns only near likely hits.

Most posts hold no address, account or long date; a fast `re` pattern of anchor words finds
where one could be, and the full patterns run on small windows around those anchors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import regex

Span = tuple[str, int, int]


def windows(text: str, gate: re.Pattern[str], before: int, after: int) -> list[tuple[int, int]]:
    """Merged [start, end) windows around each gate hit."""
    out: list[tuple[int, int]] = []
    for m in gate.finditer(text):
        s, e = max(0, m.start() - before), min(len(text), m.end() + after)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def finditer_in(
    pattern: regex.Pattern[str], text: str, wins: list[tuple[int, int]]
) -> Iterator[regex.Match[str]]:
    """Matches of `pattern` inside each window (positions stay those of `text`)."""
    for s, e in wins:
        yield from pattern.finditer(text, s, e)
