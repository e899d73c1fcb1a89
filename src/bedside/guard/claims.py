"""Risky medical-advertising claims: guarantees, cures, absolute safety, superlatives and more.

The phrase families live in data/claims.toml with their sources (../shared/domain/advertising.md).
Two checks look at the whole post rather than a phrase: a drug or device brand with a benefit and
no risk information (FDA fair balance), and paid or gifted content with no #ad (16 CFR 255.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from bedside.guard import heads
from bedside.guard.context import Context
from bedside.guard.findings import Finding, Severity
from bedside.guard.lexicon import STEM, load_data, load_ruleset, stems
from bedside.guard.normalize import Normalized


@dataclass(frozen=True, slots=True)
class _PostRule:
    """A rule judged on the whole post: `trigger` fires unless `cancel` appears anywhere."""

    id: str
    severity: Severity
    stems: frozenset[str]
    trigger: _Words
    require: _Words | None
    cancel: _Words
    message: str
    suggestion: str
    source: str


@dataclass(frozen=True, slots=True)
class _Words:
    """Whole-word phrases."""

    pattern: re.Pattern[str]

    def first(self, text: str, at: list[int] | None = None) -> re.Match[str] | None:
        """The leftmost match that starts a word (no word character before it); `at`, when
        given, holds every word start where one can (heads.py)."""
        if at is not None:
            for p in at:
                found = self.pattern.match(text, p)
                if found is not None:
                    return found
            return None
        m = self.pattern.search(text)
        while m is not None and m.start() and _in_word(text, m.start()):
            m = self.pattern.search(text, m.start() + 1)
        return m


def _in_word(text: str, start: int) -> bool:
    return text[start - 1].isalnum() or text[start - 1] == "_"


def _words(patterns: list[str]) -> _Words:
    return _Words(re.compile("(?:" + "|".join(patterns) + r")(?![\w])"))


def _post_rule(raw: dict[str, Any], trigger: str, require: str | None, cancel: str) -> _PostRule:
    words = [str(w) for w in raw.get("triggers", raw[trigger])]
    patterns = [str(p) for p in raw[trigger]]
    if raw.get("not_before"):  # a brand naming a place ("botox bar") is not the product
        patterns = ["(?:" + "|".join(patterns) + r")(?!\s+(?:"
                    + "|".join(str(w) for w in raw["not_before"]) + r")(?![\w]))"]
    return _PostRule(
        id=str(raw["id"]),
        severity=cast(Severity, str(raw["severity"])),
        stems=frozenset(w[:STEM] for w in words),
        trigger=_words(patterns),
        require=_words([str(p) for p in raw[require]]) if require else None,
        cancel=_words([str(p) for p in raw[cancel]]),
        message=str(raw["message"]),
        suggestion=str(raw["suggestion"]),
        source=str(raw["source"]),
    )


@cache
def _post_rules() -> tuple[_PostRule, ...]:
    data = load_data("claims")
    return (
        _post_rule(data["fair_balance"], "brands", "benefit", "risk"),
        _post_rule(data["sponsor"], "cues", None, "disclosure"),
    )


def post_patterns() -> list[re.Pattern[str]]:
    """The trigger patterns, for the shared scan of heads.py."""
    return [rule.trigger.pattern for rule in _post_rules()]


def _post_findings(norm: Normalized) -> list[Finding]:
    sk = norm.skeleton
    found: list[Finding] = []
    for rule in _post_rules():
        m = rule.trigger.first(sk.text, heads.at(norm, rule.trigger.pattern))
        if m is None or stems(sk.text).isdisjoint(rule.stems):
            continue
        if rule.require is not None and not rule.require.first(sk.text):
            continue
        if rule.cancel.first(sk.text):
            continue
        start, end = sk.span(m.start(), m.end())
        found.append(Finding(
            rule=rule.id, category="claims", severity=rule.severity, start=start, end=end,
            excerpt=norm.original[start:end], message=rule.message,
            suggestion=rule.suggestion, source=rule.source,
        ))
    return found


def check_claims(norm: Normalized, context: Context) -> list[Finding]:
    """Findings for risky advertising claims, spans in original-text offsets."""
    found = [rule.finding(norm, s, e) for rule, s, e in load_ruleset("claims").hits(norm, context)]
    found += _post_findings(norm)
    return found
