"""The composer's live check, pure: segments, counters in each network's units, rewrites."""

from __future__ import annotations

import pytest

from bedside.guard import Practice
from bedside.guard.findings import Finding
from bedside.web.live_check import (
    Draft,
    apply_rewrite,
    check_draft,
    counter,
    replacement_for,
    segments,
)

PRACTICE = Practice(name="Lakeside Family Medicine", staff=("Dr. Anita Patel",))


def finding(start: int, end: int, severity: str = "block", rule: str = "phi.name",
            suggestion: str = "") -> Finding:
    return Finding(rule, "phi", severity, start, end, "", "m", suggestion)  # type: ignore[arg-type]


def test_segments_cover_the_text_and_carry_the_worst_severity() -> None:
    text = "abcdefghij"
    found = [finding(2, 6, "warn", "claims.x"), finding(4, 8, "block", "phi.name")]
    parts = segments(text, found)
    assert "".join(p.text for p in parts) == text
    assert [(p.text, p.severity) for p in parts] == [
        ("ab", None), ("cd", "warn"), ("ef", "block"), ("gh", "block"), ("ij", None)]
    assert parts[2].rules == ("claims.x", "phi.name")


def test_segments_ignore_spans_outside_the_text() -> None:
    assert [p.text for p in segments("abc", [finding(5, 9)])] == ["abc"]


def test_counters_use_each_networks_own_units() -> None:
    link = "https://example.com/" + "a" * 100
    x = counter(f"Flu shots {link}", "x")
    assert x is not None and x.used == len("Flu shots ") + 23 and x.limit == 280
    assert x.unit == "weighted characters"
    family = "👨‍👩‍👧‍👦"  # one grapheme, seven code points
    bluesky = counter(family * 3, "bluesky")
    assert bluesky is not None and bluesky.used == 3 and bluesky.bytes_used == 75
    assert counter("a" * 301, "bluesky").over  # type: ignore[union-attr]
    assert counter("hello", "outbox") is None and counter("hello", None) is None
    images = counter("hello", "x", images=5)
    assert images is not None and images.images_limit == 4 and images.over
    assert not counter("hello", "x", images=4).over  # type: ignore[union-attr]


def test_replacement_is_the_short_quoted_rewrite_of_the_suggestion() -> None:
    assert replacement_for(finding(0, 1, suggestion="Remove the name or say 'a patient'; "
                                                    "publish only with…")) == "a patient"
    assert replacement_for(finding(0, 1, suggestion="Drop it, or make it vague "
                                                    "('recently', 'a while ago').")) == "recently"
    assert replacement_for(finding(0, 1, suggestion="Say what you actually do.")) is None
    long_quote = 'Say: "' + "x" * 60 + '"'
    assert replacement_for(finding(0, 1, suggestion=long_quote)) is None
    assert replacement_for(finding(0, 1, suggestion="we'll see what's best")) is None


def test_apply_rewrite_refuses_a_stale_span() -> None:
    assert apply_rewrite("Ruth Smith came in", 0, 10, "Ruth Smith", "a patient") \
        == "A patient came in"
    assert apply_rewrite("We saw Ruth Smith", 7, 17, "Ruth Smith", "a patient") \
        == "We saw a patient"
    with pytest.raises(ValueError):
        apply_rewrite("Ruth Jones came in", 0, 10, "Ruth Smith", "A patient")
    with pytest.raises(ValueError):
        apply_rewrite("short", 3, 99, "rt", "x")


def test_a_patients_name_is_a_block_with_a_one_click_rewrite() -> None:
    draft = Draft(text="Ruth Smith, 92, came in for her flu shot.")
    [neutral] = check_draft(draft, [], PRACTICE)
    assert neutral.network is None and neutral.counter is None and neutral.worst == "block"
    name = next(s for s in neutral.findings if s.finding.rule == "phi.name")
    assert name.finding.excerpt == "Ruth Smith" and name.replacement == "a patient"
    assert name.field == "text" and name.finding.source
    marked = [p for p in neutral.segments if p.severity == "block"]
    assert "Ruth Smith" in [p.text for p in marked]


def test_each_channel_checks_its_own_variant_and_the_link() -> None:
    draft = Draft(text="Flu shots are in. " * 30, link="https://lakeside.example/flu",
                  variants={"x": "Flu shots are in."})
    channels = check_draft(draft, [("x", "practice"), ("mastodon", "practice")], PRACTICE)
    by_network = {c.network: c for c in channels}
    assert by_network["x"].field == "variant.x"
    assert by_network["x"].text == "Flu shots are in.\nhttps://lakeside.example/flu"
    assert by_network["x"].counter.used == len("Flu shots are in.\n") + 23  # type: ignore[union-attr]
    assert by_network["mastodon"].field == "text"
    assert by_network["mastodon"].counter.over  # type: ignore[union-attr]
    assert any(s.finding.category == "platform" for s in by_network["mastodon"].findings)
