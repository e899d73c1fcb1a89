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
    near = ['patient']               # optional: a match is kept only when one of these matches
                                     # within `window` characters around it
    unless_before = ['no\\s+']       # optional: a match is dropped when one of these matches
                                     # ending right where it starts (negations, hedges)
    triggers = ['guarantee', '%']    # optional: words, one of which every match contains (only
                                     # the first 4 letters count: 'guarantee' stands for 'guar*'),
                                     # or substrings starting with a symbol ('%'); the regex runs
                                     # only when one is there, so most rules never run on a post.
                                     # Within a post, a pattern is tried only where one of its
                                     # literal prefixes starts a word (read from the regex itself,
                                     # see anchors.py), never at every position
    weight = 2.0                     # optional: how much a match counts in a score (default 1)
    kinds = ["post", "reply"]        # optional filters on the context
    accounts = ["practice"]
    label = "promotional"            # optional: a match also sets this label
    message = "..."                  # plain English for a doctor
    suggestion = "..."               # a concrete rewrite or action
    source = "16 CFR 255.2 ..."      # where the rule comes from
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any, cast

import regex

from bedside.guard import heads
from bedside.guard.context import Context
from bedside.guard.findings import Category, Finding, Severity
from bedside.guard.normalize import Normalized
from bedside.guard.prefixes import PrefixIndex, literal_prefixes
from bedside.guard.rule_regex import Pattern, compile_fast, word_start_finder

_CATEGORIES = {"phi", "claims", "promotion", "personal", "professionalism", "platform", "quality"}
_SEVERITIES = {"info", "warn", "block"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    pattern: Pattern
    unless: Pattern | None
    window: int
    kinds: frozenset[str]
    accounts: frozenset[str]
    label: str | None
    message: str
    suggestion: str
    source: str
    near: regex.Pattern[str] | None = None
    weight: float = 1.0
    unless_before: Pattern | None = None
    triggers: frozenset[str] = frozenset()  # word stems (first 4 letters)
    symbols: tuple[str, ...] = ()           # substrings that start with a symbol
    finder: re.Pattern[str] | None = None   # `pattern` at word starts only (rule_regex)

    def triggered(self, stems: frozenset[str], text: str) -> bool:
        """Whether the rule can match: it has no triggers, or one is present."""
        if not self.triggers and not self.symbols:
            return True
        return not stems.isdisjoint(self.triggers) or any(s in text for s in self.symbols)

    def applies(self, context: Context) -> bool:
        return (not self.kinds or context.kind in self.kinds) and (
            not self.accounts or context.account in self.accounts
        )

    def matches(self, norm: Normalized) -> Iterator[tuple[int, int]]:
        """Yield original-text spans where the rule matches."""
        sk = norm.skeleton
        for start, end in self.spans(sk.text):
            yield sk.span(start, end)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Yield kept [start, end) matches in `text` that start at a word boundary; matches do
        not overlap and the leftmost wins."""
        pos, n = 0, len(text)
        if self.finder is not None:
            # A match at 0, then matches right after a non-word character (the finder reads
            # that character, so it starts one before `pos`).
            m = self.pattern.match(text) if text else None
            if m is not None:
                start, end = m.span()
                if self.keeps(text, start, end):
                    yield start, end
                pos = end
            find = self.finder.search
            while pos <= n:
                m = find(text, pos - 1 if pos else 0)
                if m is None:
                    return
                start, end = m.span(1)
                if self.keeps(text, start, end):
                    yield start, end
                pos = end
            return
        search = self.pattern.search
        while pos <= n:
            m = search(text, pos)
            if m is None:
                return
            start, end = m.span()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                pos = start + 1  # inside a word: look again from the next character
                continue
            if self.keeps(text, start, end):
                yield start, end
            pos = end if end > start else end + 1

    def spans_at(self, text: str, starts: list[int]) -> list[tuple[int, int]]:
        """`spans` when `starts` (ascending) holds every word start where the pattern can
        match: the pattern is tried at those alone."""
        out: list[tuple[int, int]] = []
        pos = 0
        match = self.pattern.match
        for p in starts:
            if p < pos:
                continue
            m = match(text, p)
            if m is None:
                continue
            start, end = m.span()
            if self.keeps(text, start, end):
                out.append((start, end))
            pos = end
        return out

    def keeps(self, text: str, start: int, end: int) -> bool:
        """Apply `unless` and `near` to a match at [start, end) of the skeleton."""
        lo, hi = max(0, start - self.window), end + self.window
        if self.unless is not None and self.unless.search(text, lo, hi):
            return False
        if self.unless_before is not None and self.unless_before.search(text, lo, start):
            return False
        return self.near is None or self.near.search(text, lo, hi) is not None

    def finding(self, norm: Normalized, start: int, end: int) -> Finding:
        return Finding(
            rule=self.id, category=self.category, severity=self.severity, start=start, end=end,
            excerpt=norm.original[start:end], message=self.message, suggestion=self.suggestion,
            source=self.source,
        )


def _alternation(patterns: list[str]) -> str:
    # The left word boundary is checked in `Rule.spans`, not here: a leading look-behind stops
    # `re` from skipping ahead to a literal first character, which is most of the speed.
    return r"(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])"


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
    near = [str(p) for p in raw.get("near", [])]
    before = [str(p) for p in raw.get("unless_before", [])]
    triggers = [str(t).lower() for t in raw.get("triggers", [])]
    pattern = compile_fast(_alternation(patterns))
    return Rule(
        id=rid,
        category=cast(Category, category),
        severity=cast(Severity, severity),
        pattern=pattern,
        unless=compile_fast("|".join(f"(?:{p})" for p in unless)) if unless else None,
        window=int(raw.get("window", 40)),
        kinds=frozenset(raw.get("kinds", [])),
        accounts=frozenset(raw.get("accounts", [])),
        label=raw.get("label"),
        message=str(raw.get("message", "")),
        suggestion=str(raw.get("suggestion", "")),
        source=str(raw.get("source", "")),
        near=regex.compile("|".join(f"(?:{p})" for p in near)) if near else None,
        weight=float(raw.get("weight", 1.0)),
        unless_before=(
            compile_fast("(?:" + "|".join(f"(?:{p})" for p in before) + r")\Z") if before else None
        ),
        triggers=frozenset(t[:STEM] for t in triggers if t[:1].isalnum()),
        symbols=tuple(t for t in triggers if not t[:1].isalnum()),
        finder=word_start_finder(pattern),
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


STEM = 4
# A word here is a run of a-z, 0-9 and "'": every other byte becomes a space (the UTF-8 bytes of
# a non-ASCII character too), so `split` in C finds the words; a regex with a look-behind tried
# at every position cost ten times as much.
_STEM_BYTES = bytes(c if c in b"abcdefghijklmnopqrstuvwxyz0123456789'" else 32 for c in range(256))
_FIRST = itemgetter(slice(None, STEM))  # a word's stem, sliced in C


@lru_cache(maxsize=16)
def stems(text: str) -> frozenset[str]:
    """The first STEM characters of every word of a skeleton (shared by the rule files)."""
    words = text.encode("utf-8", "surrogatepass").translate(_STEM_BYTES).decode("ascii").split()
    return frozenset(map(_FIRST, words))


class RuleSet:
    """Rules run only where they can match, and only when one of their triggers is present.

    The shared scan of the skeleton (heads.py) gives the few word starts where each rule can
    match; its pattern is tried there alone. A rule whose
    prefixes cannot be read, or a text with a digit they do not spell, takes the old way: an
    index from trigger stem to rules, then a scan of the text per triggered rule.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        index: dict[str, set[int]] = {}
        for i, rule in enumerate(rules):
            for stem in rule.triggers:
                index.setdefault(stem, set()).add(i)
        self._index = {k: frozenset(v) for k, v in index.items()}
        self._stems = frozenset(index)
        self._always = frozenset(i for i, r in enumerate(rules) if not r.triggers and not r.symbols)
        symbols: dict[str, set[int]] = {}
        for i, rule in enumerate(rules):
            for symbol in rule.symbols:
                symbols.setdefault(symbol, set()).add(i)
        self._symbols = tuple((sym, frozenset(idx)) for sym, idx in symbols.items())
        found = {i: p for i, r in enumerate(rules)
                 if (p := literal_prefixes(r.pattern.pattern)) is not None}
        self._scanned = tuple(i for i in range(len(rules)) if i not in found)
        # the shared scan of heads.py, or this set's own (rules from elsewhere, in tests)
        self._own = None if all(heads.covers(rules[i].pattern) for i in found) else PrefixIndex(
            {id(rules[i].pattern): p for i, p in found.items()})
        local: dict[int, list[int]] = {}  # id(pattern) -> the rules with that pattern
        for i in found:
            local.setdefault(id(rules[i].pattern), []).append(i)
        self._local = {k: tuple(v) for k, v in local.items()}
        # each rule's key in the scan, or None: it scans the text itself
        self._keys = tuple(id(r.pattern) if i in found else None for i, r in enumerate(rules))
        self._by_context: dict[tuple[str, str], tuple[bool, ...]] = {}

    def active(self, text: str) -> list[int]:
        """Indices, in file order, of the rules that can match `text`."""
        chosen = set(self._always)
        hit = stems(text) & self._stems
        if hit:
            index = self._index
            chosen.update(*[index[stem] for stem in hit])
        for symbol, rules in self._symbols:
            if symbol in text:
                chosen |= rules
        return sorted(chosen)

    def hits(self, norm: Normalized, context: Context) -> list[tuple[Rule, int, int]]:
        """(rule, start, end) for every kept match, spans in original-text offsets."""
        sk = norm.skeleton
        text = sk.text
        starts = heads.starts(norm) if self._own is None else self._own.starts(text)
        if starts is None:
            return self._scan_hits(norm, context, self.active(text))
        local = self._local
        found = [i for key in local.keys() & starts.keys() for i in local[key]]
        if self._scanned:
            found += self._scanned
        if not found:
            return []
        found.sort()
        applies = self._applies(context)
        rules, keys = self.rules, self._keys
        out: list[tuple[Rule, int, int]] = []
        for i in found:
            if not applies[i]:
                continue
            rule, key = rules[i], keys[i]
            spans = list(rule.spans(text)) if key is None else rule.spans_at(text, starts[key])
            # the trigger test last: a match is rare, and the words of the post cost a pass
            if spans and rule.triggered(stems(text), text):
                for s, e in spans:
                    out.append((rule, *sk.span(s, e)))
        return out

    def _applies(self, context: Context) -> tuple[bool, ...]:
        """For each rule, whether it applies to a context of this kind and account."""
        key = (context.kind, context.account)
        got = self._by_context.get(key)
        if got is None:
            got = self._by_context[key] = tuple(r.applies(context) for r in self.rules)
        return got

    def _scan_hits(self, norm: Normalized, context: Context,
                   active: list[int]) -> list[tuple[Rule, int, int]]:
        sk = norm.skeleton
        out: list[tuple[Rule, int, int]] = []
        for i in active:
            rule = self.rules[i]
            if not rule.applies(context):
                continue
            for s, e in rule.spans(sk.text):
                start, end = sk.span(s, e)
                out.append((rule, start, end))
        return out


LEXICONS = ("claims", "promotion", "voice")  # the rule files, read on the skeleton


@cache
def load_ruleset(name: str) -> RuleSet:
    """The `[[rule]]` tables of `data/<name>.toml` as a RuleSet."""
    return RuleSet(load_rules(name))


@cache
def load_weighted(name: str) -> tuple[RuleSet, RuleSet]:
    """`data/<name>.toml` split into cues that add to a score (weight > 0) and cues that take
    from it (weight <= 0), each a RuleSet run on its own."""
    rules = load_rules(name)
    return (RuleSet(tuple(r for r in rules if r.weight > 0)),
            RuleSet(tuple(r for r in rules if r.weight <= 0)))


def run_rules(rules: tuple[Rule, ...], norm: Normalized, context: Context) -> list[Finding]:
    """Every finding of `rules` on `norm`, one per matched span."""
    found: list[Finding] = []
    for rule in rules:
        if rule.applies(context):
            found.extend(rule.finding(norm, s, e) for s, e in rule.matches(norm))
    return found


def outermost(hits: list[tuple[Rule, int, int]]) -> list[tuple[Rule, int, int]]:
    """Hits in text order with overlapping ones merged to the heaviest: a cue phrase inside a
    longer one ("call us" in "call us to set up") is the same cue, not a second one."""
    kept: list[tuple[Rule, int, int]] = []
    for hit in sorted(hits, key=lambda h: (h[1], -h[2])):
        if kept and hit[1] < kept[-1][2]:
            if hit[0].weight > kept[-1][0].weight:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept
