"""Lexicon rules: the data files in `data/` (TOML), compiled once, matched on the skeleton layer.

A rule file holds `[[rule]]` tables:

    id = "claims.guarantee"          # stable id, shown to users and used by overrides
    category = "claims"
    severity = "block"               # info | warn | block
    patterns = ['guarantee[sd]?']    # regexes over the skeleton (lower case, de-obfuscated);
                                     # wrapped in word boundaries
    unless = ['money.?back']         # optional: a match is dropped when one of these matches
                                     # within `window` characters around it
    window = 40
    kinds = ["post", "reply"]        # optional filters on the context
    accounts = ["practice"]
    label = "promotional"            # optional: a match also sets this label
    message = "..."                  # plain English for a doctor
    suggestion = "..."               # a concrete rewrite or action
    source = "16 CFR 255.2 ..."      # where the rule comes from
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

import regex

from bedside.guard.context import Context
from bedside.guard.findings import Category, Finding, Severity
from bedside.guard.normalize import Normalized

_CATEGORIES = {"phi", "claims", "promotion", "personal", "professionalism", "platform", "quality"}
_SEVERITIES = {"info", "warn", "block"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    pattern: regex.Pattern[str]
    unless: regex.Pattern[str] | None
    window: int
    kinds: frozenset[str]
    accounts: frozenset[str]
    label: str | None
    message: str
    suggestion: str
    source: str

    def applies(self, context: Context) -> bool:
        return (not self.kinds or context.kind in self.kinds) and (
            not self.accounts or context.account in self.accounts
        )

    def matches(self, norm: Normalized) -> Iterator[tuple[int, int]]:
        """Yield original-text spans where the rule matches."""
        sk = norm.skeleton
        for m in self.pattern.finditer(sk.text):
            if self.unless is not None:
                lo, hi = max(0, m.start() - self.window), m.end() + self.window
                if self.unless.search(sk.text, lo, hi):
                    continue
            yield sk.span(m.start(), m.end())

    def finding(self, norm: Normalized, start: int, end: int) -> Finding:
        return Finding(
            rule=self.id, category=self.category, severity=self.severity, start=start, end=end,
            excerpt=norm.original[start:end], message=self.message, suggestion=self.suggestion,
            source=self.source,
        )


def _alternation(patterns: list[str]) -> str:
    return r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])"


def _compile_rule(raw: dict[str, Any], where: str) -> Rule:
    try:
        rid = str(raw["id"])
        category = str(raw["category"])
        severity = str(raw["severity"])
        patterns = [str(p) for p in raw["patterns"]]
    except KeyError as exc:
        raise ValueError(f"{where}: a rule lacks {exc}") from exc
    if category not in _CATEGORIES or severity not in _SEVERITIES:
        raise ValueError(f"{where}: rule {rid} has a bad category or severity")
    unless = [str(p) for p in raw.get("unless", [])]
    return Rule(
        id=rid,
        category=cast(Category, category),
        severity=cast(Severity, severity),
        pattern=regex.compile(_alternation(patterns), regex.V0),
        unless=regex.compile("|".join(f"(?:{p})" for p in unless)) if unless else None,
        window=int(raw.get("window", 40)),
        kinds=frozenset(raw.get("kinds", [])),
        accounts=frozenset(raw.get("accounts", [])),
        label=raw.get("label"),
        message=str(raw.get("message", "")),
        suggestion=str(raw.get("suggestion", "")),
        source=str(raw.get("source", "")),
    )


@cache
def load_data(name: str) -> dict[str, Any]:
    """Read `data/<name>.toml` shipped with the package."""
    text = resources.files("bedside.guard").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def load_rules(name: str) -> tuple[Rule, ...]:
    """Compile the `[[rule]]` tables of `data/<name>.toml`."""
    data = load_data(name)
    return tuple(_compile_rule(r, f"{name}.toml") for r in data.get("rule", []))


def run_rules(rules: tuple[Rule, ...], norm: Normalized, context: Context) -> list[Finding]:
    """Every finding of `rules` on `norm`, one per matched span."""
    found: list[Finding] = []
    for rule in rules:
        if rule.applies(context):
            found.extend(rule.finding(norm, s, e) for s, e in rule.matches(norm))
    return found
