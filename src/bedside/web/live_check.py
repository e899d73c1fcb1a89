"""The composer's live check, pure: text in, what the page shows out (no store, no I/O).

For each channel a draft goes to (network, account kind), the guard judges the text that channel
receives (its variant, else the main text, with the link after it as the network shows it), the
length is counted in the network's own units (guard.lengths), and the text is cut into segments
so a template can highlight the findings' spans. Segments are plain strings: the template escapes
them (autoescape), so a user's markup is always shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bedside.guard import Context, Finding, Practice, check
from bedside.guard.context import NETWORKS
from bedside.guard.findings import SEVERITY_RANK
from bedside.guard.lengths import limits, measure

UNIT_NAMES = {"weighted": "weighted characters", "graphemes": "characters",
              "characters": "characters"}
# A quoted phrase in a suggestion ("say 'a patient'"): short enough to stand in for the excerpt.
_QUOTED = re.compile(
    r"""(?:^|[\s(])(?:'([^'\n]{2,40})'|‘([^’\n]{2,40})’|"([^"\n]{2,40})"|“([^”\n]{2,40})”)""")


class Span(Protocol):
    """What highlighting needs of a finding (a guard Finding or a stored FindingView)."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Segment:
    """A stretch of the checked text; `severity` is the worst finding covering it (None: clean)."""

    text: str
    severity: str | None = None
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Counter:
    """A length in the network's own units against its limit."""

    network: str
    name: str
    used: int
    limit: int
    unit: str
    bytes_used: int | None = None
    bytes_limit: int | None = None
    images_used: int = 0
    images_limit: int | None = None

    @property
    def over(self) -> bool:
        return self.used > self.limit or (
            self.bytes_limit is not None and (self.bytes_used or 0) > self.bytes_limit) or (
            self.images_limit is not None and self.images_used > self.images_limit)

    @property
    def left(self) -> int:
        return self.limit - self.used

    def to_dict(self) -> dict[str, Any]:
        return {"network": self.network, "name": self.name, "used": self.used,
                "limit": self.limit, "unit": self.unit, "over": self.over,
                "bytes_used": self.bytes_used, "bytes_limit": self.bytes_limit,
                "images_used": self.images_used, "images_limit": self.images_limit}


@dataclass(frozen=True)
class Shown:
    """One finding as the composer shows it, with the one-click rewrite when there is one."""

    finding: Finding
    field: str  # the form field the span is in ("text" or "variant.x")
    replacement: str | None  # None: no rewrite to apply (the span is in the link, say)

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "field": self.field, "replacement": self.replacement}


@dataclass(frozen=True)
class Channel:
    """What one (network, account kind) receives and what the guard says about it."""

    network: str | None
    kind: str
    field: str
    text: str  # as checked: the field's text with the link after it
    counter: Counter | None
    segments: list[Segment]
    findings: list[Shown]

    @property
    def label(self) -> str:
        if _known(self.network):
            where = limits(self.network or "").name
        else:
            where = self.network or "Any network"
        return f"{where} ({self.kind} account)"

    @property
    def worst(self) -> str:
        ranks = [SEVERITY_RANK[s.finding.severity] for s in self.findings]
        return ("ok", "info", "warn", "block")[max(ranks, default=-1) + 1]

    def to_dict(self) -> dict[str, Any]:
        return {"network": self.network, "account_kind": self.kind, "field": self.field,
                "worst": self.worst,
                "counter": self.counter.to_dict() if self.counter else None,
                "findings": [s.to_dict() for s in self.findings]}


@dataclass(frozen=True)
class Draft:
    """What the composer form holds."""

    text: str = ""
    link: str = ""
    variants: Mapping[str, str] = field(default_factory=dict)
    accounts: Sequence[int] = ()
    images: Sequence[tuple[str, str]] = ()  # (stored name, alt text)

    def variant_for(self, network: str | None) -> tuple[str, str]:
        """(form field, text) a channel receives: its own wording when it has one."""
        own = self.variants.get(network or "", "")
        if network and own.strip():
            return f"variant.{network}", own
        return "text", self.text


def _known(network: str | None) -> bool:
    return network is not None and network in NETWORKS


def with_link(text: str, link: str | None) -> str:
    """The text as the network shows it (services.publish checks the same)."""
    return f"{text}\n{link}" if link and link not in text else text


def counter(text: str, network: str | None, images: int = 0) -> Counter | None:
    """The length of `text` in `network`'s units (and the images against the network's
    maximum), or None for a network without limits."""
    if not _known(network):
        return None
    assert network is not None
    net = limits(network)
    used_bytes = len(text.encode()) if net.max_bytes else None
    return Counter(network, net.name, measure(text, network), net.max_length,
                   UNIT_NAMES.get(net.unit, net.unit), used_bytes, net.max_bytes, images,
                   net.max_images)


def replacement_for(finding: Finding) -> str | None:
    """The short quoted rewrite in the guard's suggestion ("say 'a patient'"), if it has one."""
    match = _QUOTED.search(finding.suggestion or "")
    if match is None:
        return None
    return next(g for g in match.groups() if g is not None).strip()


def segments(text: str, findings: Iterable[Span]) -> list[Segment]:
    """Cut `text` at every finding boundary; each piece carries the worst severity covering it."""
    spans = [(max(0, f.start), min(len(text), f.end), f) for f in findings]
    spans = [(a, b, f) for a, b, f in spans if a < b]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [f for s, e, f in spans if s <= a and b <= e]
        if not covering:
            out.append(Segment(text[a:b]))
            continue
        worst = max(covering, key=lambda f: SEVERITY_RANK[f.severity]).severity
        out.append(Segment(text[a:b], worst, tuple(sorted({f.rule for f in covering}))))
    return out


def channel(draft: Draft, network: str | None, kind: str, practice: Practice) -> Channel:
    field_name, body = draft.variant_for(network)
    shown_text = with_link(body, draft.link or None)
    report = check(shown_text, Context(network=network, account=kind,  # type: ignore[arg-type]
                                       practice=practice))
    shown = [Shown(f, field_name, replacement_for(f) if f.end <= len(body) else None)
             for f in report.findings]
    return Channel(network, kind, field_name, shown_text,
                   counter(shown_text, network, len(draft.images)),
                   segments(shown_text, report.findings), shown)


def check_draft(draft: Draft, channels: Iterable[tuple[str | None, str]],
                practice: Practice) -> list[Channel]:
    """Every channel's check; with no accounts chosen, one network-neutral practice channel."""
    wanted = sorted(set(channels), key=lambda c: (c[0] or "", c[1])) or [(None, "practice")]
    return [channel(draft, network, kind, practice) for network, kind in wanted]


def apply_rewrite(value: str, start: int, end: int, excerpt: str, replacement: str) -> str:
    """`value` with [start, end) replaced; ValueError when the span no longer holds `excerpt`
    (the text changed since it was checked)."""
    if not (0 <= start <= end <= len(value)) or value[start:end] != excerpt:
        raise ValueError("the text changed since it was checked")
    before = value[:start].rstrip(" \t")
    if replacement and excerpt[:1].isupper() and (not before or before[-1] in ".!?\n"):
        replacement = replacement[0].upper() + replacement[1:]  # it starts a sentence
    return value[:start] + replacement + value[end:]
