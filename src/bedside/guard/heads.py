"""One scan of the skeleton per check for the places where its patterns can match.

The lexicon rules (claims, promotion, voice), the claims' whole-post rules and the PHI cue lists
are regexes tried at word starts of the skeleton. The literal prefixes of all of them
(prefixes.py) are found in one pass, kept on the check's Normalized; each pattern is then tried
only at its own places. A pattern whose prefixes cannot be read is scanned by its owner, and so
is every pattern of a text with a digit the prefixes do not spell.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TypeAlias

import regex

from bedside.guard.normalize import Normalized
from bedside.guard.prefixes import PrefixIndex, literal_prefixes

Pattern: TypeAlias = "re.Pattern[str] | regex.Pattern[str]"


@cache
def _index() -> tuple[PrefixIndex, frozenset[int]]:
    """The index, keyed by pattern identity (the owners keep their compiled patterns for the
    process), and the patterns it covers."""
    # imported here: those modules import this one
    from bedside.guard.claims import post_patterns
    from bedside.guard.lexicon import LEXICONS, load_rules
    from bedside.guard.phi import cue_patterns

    patterns: list[Pattern] = [r.pattern for name in LEXICONS for r in load_rules(name)]
    patterns += [*post_patterns(), *cue_patterns()]
    heads = {id(p): got for p in patterns if (got := literal_prefixes(p.pattern)) is not None}
    return PrefixIndex(heads), frozenset(heads)


def covers(pattern: Pattern) -> bool:
    """Whether the shared scan finds where `pattern` can match."""
    return id(pattern) in _index()[1]


def starts(norm: Normalized) -> dict[int, list[int]] | None:
    """id(pattern) -> the word starts of the skeleton where it can match (absent: nowhere);
    None when the owners must scan the text themselves."""
    memo = norm.memo
    if "heads" not in memo:
        memo["heads"] = _index()[0].starts(norm.skeleton.text)
    found: dict[int, list[int]] | None = memo["heads"]
    return found


def at(norm: Normalized, pattern: Pattern) -> list[int] | None:
    """The word starts where `pattern` can match, or None: scan for it."""
    if not covers(pattern):
        return None
    found = starts(norm)
    return None if found is None else found.get(id(pattern), [])
