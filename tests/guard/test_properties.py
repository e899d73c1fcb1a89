"""Property: no input crashes the guard, and every span points into the original text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedside.guard import Context, Practice, check

PRACTICE = Practice(name="Lakeside", phones=("(555) 010-2000",), staff=("Dr. Anita Patel",),
                    websites=("https://lakesidefm.example",))
# Text built from pieces that exercise the rules, mixed with arbitrary Unicode.
PIECES = st.sampled_from([
    "guaranteed", "n o side effects", "Mrs. K", "today", "555-304-8821", "our patient",
    "\u200b", "ｃｕｒｅ", "сurе", "Dr. Patel", "#1", "book now", "412-38-9920", "ﬁ", "👨‍⚕️",
    "your visit", " ", ".", "\n", "İ", "e\u0301", "🇺🇸", "https://x.example/a", "@someone",
])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=TEXTS, kind=st.sampled_from(["post", "reply"]),
       account=st.sampled_from(["practice", "personal"]),
       network=st.sampled_from([None, "x", "bluesky", "mastodon", "instagram", "linkedin"]))
def test_guard_never_crashes_and_spans_are_valid(text: str, kind: str, account: str,
                                                 network: str | None) -> None:
    report = check(text, Context(network=network, kind=kind, account=account,  # type: ignore[arg-type]
                                 practice=PRACTICE))
    assert report.verdict in ("ok", "warn", "block")
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start:f.end]
        assert f.severity in ("info", "warn", "block")
        assert f.message
    for e in report.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert e.text == text[e.start:e.end]
