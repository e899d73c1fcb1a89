"""Promotion: does the post sell (book now, offers, new services) rather than give value?

A weighted score over cue phrases in data/promotion.toml (../shared/domain/advertising.md
section 2): selling cues add, educational cues subtract, and the post is promotional when the sum
reaches the threshold. The label feeds the 80/20 promotional-share check in insights.
"""

from __future__ import annotations

from functools import cache

from bedside.guard.context import Context, in_own_place
from bedside.guard.findings import Finding
from bedside.guard.lexicon import RuleSet, load_data, load_weighted, outermost
from bedside.guard.normalize import Normalized


@cache
def _thresholds() -> tuple[float, float]:
    score = load_data("promotion").get("score", {})
    return float(score.get("threshold", 2.0)), float(score.get("reply_threshold", 3.0))


_OWN_REFERRAL = "promotion.own_referral"


def _names_the_practice(span: str, context: Context) -> bool:
    """Whether a referral cue's last word is the practice's own name ("... to Bayshore")."""
    words = span.split()
    return bool(words) and in_own_place(words[-1], context.practice)


def _rulesets() -> tuple[RuleSet, RuleSet]:
    """Selling cues and educational (negative-weight) cues, run separately."""
    return load_weighted("promotion")


def check_promotion(norm: Normalized, context: Context) -> tuple[list[Finding], bool]:
    """Findings and the `promotional` label."""
    selling, educational = _rulesets()
    hits = [h for h in selling.hits(norm, context)
            if h[0].id != _OWN_REFERRAL or _names_the_practice(norm.original[h[1]:h[2]], context)]
    post, reply = _thresholds()
    threshold = reply if context.kind == "reply" else post
    # Each distinct cue phrase counts once, however often it repeats, and overlapping cues count
    # as one ("call us to set up" holds "call us": one request, not two).
    total: float = sum(r.weight for r in {norm.original[s:e].lower(): r
                                   for r, s, e in outermost(hits)}.values())
    if total < threshold:
        return [], False
    # Only a post that already sells is worth the educational cues' time.
    total += sum({r.id: r.weight for r, _, _ in educational.hits(norm, context)}.values())
    if total < threshold:
        return [], False
    return [rule.finding(norm, s, e) for rule, s, e in hits], True
