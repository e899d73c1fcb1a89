"""Anchors: the literal prefixes that let a lexicon rule skip positions where it cannot match."""

from __future__ import annotations

import pytest

from bedside.guard.anchors import END, Starts, anchors, gates
from bedside.guard.lexicon import STEM, load_rules, stems
from bedside.guard.normalize import normalize

# (pattern, its anchors; END marks a word known to end there)
ANCHORS = [
    ("guarantee[sd]?", {"guaran"}),
    ("money[\\s-]?back", {"money" + END, "moneyb"}),  # space or dash: the word ends
    ("(?:i|we)(?:'ll|\\s+will)?\\s+promise", {"i'll" + END, "i" + END, "we'll" + END, "we" + END}),
    ("co-?pays?", {"co-pay", "copay"}),
    ("#?before", {"#befor", "before"}),
    ("(?<=[.!?]\\s)ma'?am[.!]", {"ma'am!", "ma'am.", "maam!", "maam."}),
    ("\\$\\s?\\d+", {"$"}),
    ("(?:★|⭐){2}", {"★★", "★⭐", "⭐★", "⭐⭐"}),
]

# Patterns whose start cannot be told from literals: no anchors, the rule is searched plainly.
UNKNOWN = ["\\d+\\s*%", "\\w+\\s+review", ".?cure", "(?i)cure", "x*", "[^a]bc", "(?:a|\\w)b"]


@pytest.mark.parametrize(("pattern", "expected"), ANCHORS)
def test_anchors_of_a_pattern(pattern: str, expected: set[str]) -> None:
    assert anchors(pattern) == frozenset(expected)


@pytest.mark.parametrize("pattern", UNKNOWN)
def test_unknown_start_has_no_anchors(pattern: str) -> None:
    assert anchors(pattern) is None


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("guaran", {"guar", "'gua"}),  # a word opened by a quote keeps the quote in its stem
        ("i" + END, {"i", "'i"}),
        ("no.", {"no", "'no"}),
        ("i", None),  # "i" may go on ("in", "it"): no stem can stand for it
        ("#befor", None),
    ],
)
def test_gates(key: str, expected: set[str] | None) -> None:
    got = gates(key, STEM)
    assert got == (None if expected is None else frozenset(expected))


def test_starts_only_where_a_gated_anchor_begins_a_word() -> None:
    starts = Starts.build(["guarantee[sd]?", "(?:i|we)\\s+promise"], STEM)
    assert starts is not None
    text = "we guarantee it. skin we promise"
    assert starts.find(text, stems(text)) == [0, 3, 22]
    assert starts.find("nothing here", stems("nothing here")) == []


# Fresh sentences in messy styles: every rule must give the same spans whether it searches
# every position or only its anchors.
SENTENCES = [
    "Results GUARANTEED or ur money back!! we promise u'll love it",
    "i promise, no side effects & zero downtime. 100% safe",
    "'guaranteed' results... said no honest doc ever",
    "before & after pics 😍 #beforeandafter #transformationtuesday",
    "voted #1 derm in town, the best dermatologist around, top-notch care",
    "book now: link in bio, call us at 555-123-4567 to schedule, $99/unit botox",
    "20% off all fillers this week only!! spots are limited, dm us",
    "my wife and i are off to cabo for the week 🍹🍹🍹 go bears",
    "this lady rolled in demanding an mri lmao 🙄 sorry not sorry",
    "wtf is this ehr, s**t's broken again, the idiots in IT",
    "don't tell my attending i'm still hungover at clinic",
    "Flu shots are available; talk to your doctor about side effects.",
    "ma'am. you're not welcome back. shame on you",
    "thanks to @brand for gifting me this, use my code DERM10",
]


@pytest.mark.parametrize("name", ["claims", "promotion", "voice"])
def test_anchored_rules_match_like_a_plain_search(name: str) -> None:
    checked = 0
    for rule in load_rules(name):
        if rule.starts is None:
            continue
        for sentence in SENTENCES:
            text = normalize(sentence).skeleton.text
            assert list(rule.spans(text)) == list(rule._searched(text)), (rule.id, sentence)
            checked += 1
    assert checked > 100
