"""Platform conventions: length in each network's own units, links and hashtags.

The limits, and the words of each rule, live in data/limits.toml with the date each network was
checked and the document it was checked against (../shared/domain/platforms.md asks for exactly
that). `limits()` and `measure()` are public: the network connectors read the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import regex

from bedside.guard.context import Context
from bedside.guard.findings import Finding, Severity
from bedside.guard.lengths import (
    NetworkLimits,
    byte_overflow_start,
    find_urls,
    limits,
    measure,
    measure_with,
    overflow_start,
    surely_fits,
    utf8_size,
)
from bedside.guard.lexicon import load_data

__all__ = ["NetworkLimits", "check_platform", "limits", "measure"]

_HASHTAG = regex.compile(r"(?<![\w&#＃/])[#＃](?P<tag>\w*[^\W\d_]\w*)")


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    severity: Severity
    message: str
    suggestion: str
    source: str
    suggestion_generic: str


@cache
def _rules() -> dict[str, _Rule]:
    out = {}
    for rid, raw in load_data("limits")["rules"].items():
        out[rid] = _Rule(
            id=rid, severity=cast(Severity, raw["severity"]), message=raw["message"],
            suggestion=raw["suggestion"], source=raw["source"],
            suggestion_generic=raw.get("suggestion_generic", raw["suggestion"]),
        )
    return out


@cache
def _common_words() -> frozenset[str]:
    return frozenset(str(w) for w in load_data("limits")["hashtags"]["common_words"])


@cache
def _shorteners() -> frozenset[str]:
    return frozenset(str(h) for h in load_data("limits")["links"]["shorteners"])


def _finding(
    rid: str, text: str, start: int, end: int, net: NetworkLimits, *,
    field: str | None = None, severity: Severity | None = None, generic: bool = False,
    **values: Any,
) -> Finding:
    """Build rule `rid`'s finding; a block resting on an uncertain `field` only warns."""
    rule = _rules()[rid]
    sev = severity or rule.severity
    if sev == "block" and field is not None and field in net.uncertain:
        sev = "warn"
    values = {"network": net.name, "note": net.hashtag_note, **values}
    suggestion = rule.suggestion_generic if generic else rule.suggestion
    source = f"{rule.source} ({net.source}, checked {net.checked})" if field else rule.source
    return Finding(
        rule=rid, category="platform", severity=sev, start=start, end=end,
        excerpt=text[start:end], message=rule.message.format_map(values).strip(),
        suggestion=suggestion.format_map(values), source=source,
    )


def _too_long(text: str, net: NetworkLimits, urls: list[re.Match[str]]) -> list[Finding]:
    if surely_fits(text, net):
        return []
    count = measure_with(text, net, urls)
    over_units = count > net.max_length
    nbytes = utf8_size(text) if net.max_bytes is not None else 0
    over_bytes = net.max_bytes is not None and nbytes > net.max_bytes
    if not over_units and not over_bytes:
        return []
    start_units = overflow_start(text, net, net.max_length, urls) if over_units else len(text)
    start_bytes = byte_overflow_start(text, net.max_bytes or 0) if over_bytes else len(text)
    note = f" ({net.count_note})" if net.count_note else ""
    if start_bytes < start_units:  # the byte limit bites first
        count, limit, unit, note = nbytes, net.max_bytes or 0, "bytes", ""
    else:
        limit, unit = net.max_length, "characters"
    start = min(start_units, start_bytes)
    return [
        _finding(
            "platform.too_long", text, start, len(text), net, field="max_length",
            count=f"{count:,}", limit=f"{limit:,}", unit=unit, over=f"{count - limit:,}",
            count_note=note,
        )
    ]


def _camel(tag: str) -> str | None:
    """Split a one-case tag into known words (CamelCase), or None when it cannot."""
    low, words, n = tag.lower(), _common_words(), len(tag)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(1, n + 1):
        for j in range(max(0, i - 12), i):
            prev = best[j]
            if prev is not None and low[j:i] in words:
                cand = [*prev, low[j:i]]
                cur = best[i]
                if cur is None or len(cand) < len(cur):
                    best[i] = cand
    parts = best[n]
    return "".join(p.capitalize() for p in parts) if parts and len(parts) >= 2 else None


def _hashtags(text: str, net: NetworkLimits, urls: list[tuple[int, int]]) -> list[Finding]:
    tags = [
        m for m in _HASHTAG.finditer(text)
        if not any(a <= m.start() < b for a, b in urls)
    ]
    out: list[Finding] = []
    count = len(tags)
    if net.max_hashtags is not None and count > net.max_hashtags:
        first = tags[net.max_hashtags]
        out.append(_finding(
            "platform.hashtag_limit", text, first.start(), tags[-1].end(), net,
            field="max_hashtags", count=count, limit=net.max_hashtags,
        ))
    elif net.hashtag_advice is not None and count > net.hashtag_advice:
        first = tags[net.hashtag_advice]
        out.append(_finding(
            "platform.too_many_hashtags", text, first.start(), tags[-1].end(), net,
            count=count, advice=net.hashtag_advice,
        ))
    for m in tags:
        tag = m.group("tag")
        shouting = tag.isupper() and sum(c.isalpha() for c in tag) >= 8
        if not shouting and not (tag.islower() and len(tag) >= 14):
            continue
        camel = _camel(tag)
        if shouting or camel is not None:  # a long lower-case tag may be one long word
            out.append(_finding(
                "platform.hashtag_readability", text, m.start(), m.end(), net,
                tag=tag, camel=camel or "", generic=camel is None,
            ))
    return out


def _host(url: str) -> str:
    host: str = regex.sub(r"(?i)^https?://", "", url).split("/", 1)[0].split(":", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def _links(text: str, net: NetworkLimits, urls: list[re.Match[str]]) -> list[Finding]:
    out: list[Finding] = []
    for m in urls:
        url, host = m.group(), _host(m.group())
        if host in _shorteners():
            out.append(
                _finding("platform.link_shortener", text, m.start(), m.end(), net, host=host)
            )
        if not net.links_clickable:
            # A bare "clinic.com" is typeable; a long address with a scheme or path is not.
            typeable = "://" not in url and "/" not in url
            out.append(_finding(
                "platform.link_not_clickable", text, m.start(), m.end(), net,
                severity="info" if typeable else None,
            ))
    if net.max_links is not None:
        seen: dict[str, re.Match[str]] = {}
        for m in urls:
            seen.setdefault(regex.sub(r"(?i)^https?://(www\.)?", "", m.group()).rstrip("/"), m)
        distinct = list(seen.values())
        if len(distinct) > net.max_links:
            out.append(_finding(
                "platform.too_many_links", text, distinct[net.max_links].start(), urls[-1].end(),
                net, field="max_links", count=len(distinct), limit=net.max_links,
            ))
    return out


def check_platform(text: str, context: Context) -> list[Finding]:
    """Judge `text` against the conventions of `context.network`; nothing when it has none."""
    if context.network is None:
        return []
    try:
        net = limits(context.network)
    except KeyError:
        return []
    urls = find_urls(text)
    findings = _too_long(text, net, urls)
    if "#" in text or "＃" in text:
        findings += _hashtags(text, net, [(m.start(), m.end()) for m in urls])
    if urls:
        findings += _links(text, net, urls)
    return findings
