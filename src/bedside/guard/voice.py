"""Voice: personal content and professionalism (disparagement, profanity, intoxication).

Personal content is a weighted score over private-life cues in data/voice.toml (family, travel,
hobbies, food, sports, politics, religion), lowered by each distinct health cue (up to a cap).
Overlapping cues count once (the heaviest), and cues inside a quotation (a testimonial, what a
patient said) are someone else's words, so they do not count;
the label is set on any account, but a finding only goes out for the practice account (AMA Op.
2.3.2 and ACP/FSMB: keep personal and professional personas apart, see ../shared/domain/hipaa.md).
Professionalism findings hold on every account: the same standards apply online as in person
(FSMB 2019).
"""

from __future__ import annotations

import re
from functools import cache

from bedside.guard.context import Context
from bedside.guard.findings import Finding
from bedside.guard.lexicon import Rule, RuleSet, load_data, load_weighted, outermost
from bedside.guard.normalize import Normalized


@cache
def _threshold() -> tuple[float, float]:
    """The personal-score bar, and how much health cues may take off at most."""
    score = load_data("voice").get("score", {})
    return float(score.get("threshold", 2.0)), float(score.get("max_offset", 2.0))


@cache
def _firm() -> frozenset[str]:
    """Personal rule ids that health cues do not offset (data/voice.toml [score].firm)."""
    return frozenset(load_data("voice").get("score", {}).get("firm", []))


def _rulesets() -> tuple[RuleSet, RuleSet]:
    """Professionalism rules with the personal cues, and the health cues that offset them."""
    return load_weighted("voice")


# A quotation: single quotes (apostrophes inside words allowed), double or curly quotes. It
# starts with the quote character itself, so `re` skips in C to the few quote marks of a post.
_QUOTED = re.compile(
    r"'(?=\S)(?:[^'\n]|(?<=\w)'(?=\w)){2,240}?(?<=\S)'(?!\w)"
    r'|"[^"\n]{2,240}?"|\u201c[^\u201d\n]{2,240}?\u201d|\u2018[^\u2019\n]{2,240}?\u2019')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages: someone else's words (a testimonial, what a patient said)."""
    out: list[tuple[int, int]] = []
    pos = 0
    while (m := _QUOTED.search(text, pos)) is not None:
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1  # an apostrophe inside a word ("kids'"), not a quotation
            continue
        out.append(m.span())
        pos = m.end()
    return out


def _distinct(hits: list[tuple[Rule, int, int]], text: str) -> list[tuple[Rule, int, int]]:
    """Personal cues outside quotations, overlapping ones merged to the heaviest ("prayers up"
    and its "prayers" are one cue, not two)."""
    quotes = quoted_spans(text) if hits and any(q in text for q in "'\"\u201c\u2018") else []
    return outermost([h for h in hits if not any(qs <= h[1] and h[2] <= qe for qs, qe in quotes)])


def check_voice(norm: Normalized, context: Context) -> tuple[list[Finding], bool]:
    """Findings and the `personal` label."""
    main, offsets = _rulesets()
    found: list[Finding] = []
    personal_hits: list[tuple[Rule, int, int]] = []
    for rule, start, end in main.hits(norm, context):
        if rule.category != "personal":
            found.append(rule.finding(norm, start, end))
        else:
            personal_hits.append((rule, start, end))
    cues: dict[str, tuple[Rule, int, int]] = {}  # each distinct cue phrase counts once
    weights: dict[str, float] = {}
    for rule, start, end in _distinct(personal_hits, norm.original):
        key = norm.original[start:end].lower()
        cues.setdefault(key, (rule, start, end))
        weights[key] = rule.weight
    score = sum(weights.values())
    threshold, most = _threshold()
    # Politics stays personal however clinical its subject (a vote on Medicaid is still a vote).
    firm = sum(rule.weight for rule, _, _ in cues.values() if rule.id in _firm())
    if score >= threshold and firm < threshold:
        # Health cues only matter once the private-life cues reach the bar. Each distinct one
        # counts (a safety tip has several), up to `most`, so a post full of private life stays
        # personal however clinical its vocabulary.
        health = {norm.original[s:e].lower(): r.weight for r, s, e in offsets.hits(norm, context)}
        score += max(sum(health.values()), -most)
    personal = score >= threshold
    if personal and context.account == "practice":
        found += [rule.finding(norm, start, end) for rule, start, end in cues.values()]
    return found, personal
