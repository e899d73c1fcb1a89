"""Lexicon rules: the first-character finder gives exactly the matches of the plain search."""

from __future__ import annotations

import dataclasses

import pytest

from bedside.guard.lexicon import _compile_rule
from bedside.guard.rule_regex import first_chars as _first_chars


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", "[\\U00000061]"),
        ("(?:x|y)z", "[\\U00000078\\U00000079]"),
        ("a?b", "[\\U00000061\\U00000062]"),
        ("(?<=[.!?]\\s)ma'?am", "[\\U0000006d]"),
        ("\\d+ off", "[\\d]"),
        ("a*", None),            # can match the empty string
        ("[^a]b", None),         # a negated class is not read
        ("(?i)ab", None),        # flags change what a character matches
        ("(a)\\1", None),        # a capture group would be renumbered
        ("x|", None),
    ],
)
def test_first_chars(pattern: str, expected: str | None) -> None:
    assert _first_chars(pattern) == expected


_RULE = {
    "id": "t.rule", "category": "claims", "severity": "warn",
    "patterns": ["cure[sd]?", "(?:no|zero)\\s+side\\s+effects?", "#1", "\\d+\\s*%\\s+off"],
    "unless": ["rate"], "window": 12,
}


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("a cure today", [(2, 6)]),
        ("secure cures", [(7, 12)]),                      # not inside a word
        ("no side effect, zero side effects", [(0, 14), (16, 33)]),
        ("we are #1 and 20 % off", [(7, 9), (14, 22)]),
        ("the cure rate", []),                             # `unless` nearby
        ("x#1 cured (#1)", [(4, 9), (11, 13)]),            # no match right after a letter
        ("", []),
        ("procured", []),
    ],
)
def test_finder_matches_plain_search(text: str, spans: list[tuple[int, int]]) -> None:
    rule = _compile_rule(dict(_RULE), "test")
    assert rule.finder is not None
    plain = dataclasses.replace(rule, finder=None)
    assert list(plain.spans(text)) == spans
    assert list(rule.spans(text)) == spans
