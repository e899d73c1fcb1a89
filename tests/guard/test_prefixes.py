"""Literal prefixes: every match starts with one, so a rule tried only there finds what a scan
of the whole text finds (lexicon.RuleSet)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedside.guard.lexicon import _compile_rule, load_ruleset, load_weighted
from bedside.guard.normalize import normalize
from bedside.guard.prefixes import PrefixIndex, hint, literal_prefixes


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", {"abc"}),
        ("g(?:ua|au)r", {"guar", "gaur"}),
        ("no\\s+side", {"no side"}),                 # " " stands for a run of white space
        ("a?b", {"ab", "b"}),
        ("(?<=[.!?]\\s)ma'?am", {"ma'am", "maam"}),  # a look-behind takes no character
        ("\\d+\\s*%", {"0%", "0 %"}),                 # "0" stands for a run of digits
        ("(?:100|one hundred)", {"0", "one hund"}),
        ("x\\w+y", {"x"}),                          # a category ends the prefix
        ("(?:abcdefghijk)", {"abcdefgh"}),           # at most k characters
    ],
)
def test_literal_prefixes(pattern: str, expected: set[str]) -> None:
    got = literal_prefixes(pattern)
    assert got is not None and set(got.strings) == expected


@pytest.mark.parametrize("pattern", ["a*", "x|", "\\w+", "(?i)ab", "[^a]b", ".x"])
def test_no_prefixes(pattern: str) -> None:
    assert literal_prefixes(pattern) is None


def test_many_alternatives_are_cut_shorter() -> None:
    words = [f"w{a}{b}{c}" for a in "abcdefghij" for b in "abcdefghij" for c in "abcdefghij"]
    got = literal_prefixes("(?:" + "|".join(words) + ")z")
    assert got is not None and len(got.strings) <= 600
    assert all(any(w.startswith(p) for p in got.strings) for w in words)


_PATTERNS = ["cure[sd]?", "(?:no|zero)\\s+side\\s+effects?", "#1", "\\d+\\s*%\\s+off", "ab|abc d"]
_ALPHABET = "abcdeinorsuz01 #%\n\t.-_é٣"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_index_finds_every_match_a_scan_finds(text: str) -> None:
    index = PrefixIndex({i: p for i, pat in enumerate(_PATTERNS)
                         if (p := literal_prefixes(pat)) is not None})
    starts = index.starts(text)
    if starts is None:  # a digit the prefixes do not spell: the caller scans
        assert "٣" in text
        return
    for i, pat in enumerate(_PATTERNS):
        found = {p for p in range(len(text) + 1)
                 if (p == 0 or not (text[p - 1].isalnum() or text[p - 1] == "_"))
                 and re.compile(pat).match(text, p) is not None}
        assert found <= set(starts.get(i, [])), (pat, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_rule_tried_at_its_starts_matches_its_scan(text: str) -> None:
    rule = _compile_rule({"id": "t.rule", "category": "claims", "severity": "warn",
                          "patterns": _PATTERNS, "unless": ["rate"], "window": 12}, "test")
    prefixes = literal_prefixes(rule.pattern.pattern)
    assert prefixes is not None
    starts = PrefixIndex({0: prefixes}).starts(text)
    if starts is not None:
        assert rule.spans_at(text, starts.get(0, [])) == list(rule.spans(text))


_TEXTS = [
    "Results guaranteed! 100% satisfaction, no side effects. Book now: call 555-0100 to book.",
    "We're the #1 dermatologist in town, better than any other clinic. 20% off Botox this week!",
    "Hung over at work lol 🍻🍻 the patients are so annoying smh",
    "Back from our family trip to Maui 🌴 go Cubs! Church on Sunday, then pizza night.",
    "n o side effects, guar4nteed c.u.r.e ٣٠% off",  # evasion, and a digit the index cannot see
    "",
]


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize("kind", ["post", "reply"])
def test_rule_sets_match_their_old_scan(text: str, kind: str) -> None:
    from bedside.guard.context import Context

    norm = normalize(text)
    ctx = Context(kind=kind)  # type: ignore[arg-type]
    sets = [load_ruleset("claims"), *load_weighted("promotion"), *load_weighted("voice")]
    for rules in sets:
        old = rules._scan_hits(norm, ctx, rules.active(norm.skeleton.text))
        assert rules.hits(norm, ctx) == old


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeinorsuzAB01 %\n.-'٣", max_size=40))
def test_hint_finds_a_prefix_wherever_the_pattern_matches(text: str) -> None:
    for pat in [*_PATTERNS, "[A-Z][a-z]+ from", "\\b(?:a|b)s?(?: of \\d+)? (?:in|on)\\b"]:
        pattern = re.compile(pat)
        test = hint(pattern)
        assert test is not None
        if pattern.search(text):
            assert test.search(text), (pat, text)
