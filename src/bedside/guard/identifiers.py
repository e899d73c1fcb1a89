"""Identifier spans (layer one): every Safe Harbor identifier, found whoever it belongs to.

The recognisers live in patterns.py (email, URL, IP, phone), numbers.py (SSN, accounts, plan
ids, MRNs, licences, vehicles, devices, biometrics), dates.py (dates, times, ages over 89),
addresses.py (streets, units, boxes, postal codes) and names.py (names). This module runs them
on the normalised text, maps spans to the original, marks the practice's own details and settles
overlaps: the more specific identifier wins (a phone inside a URL is the URL; a year inside an
address is the address).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

import regex

from bedside.guard.addresses import find_addresses
from bedside.guard.context import Practice
from bedside.guard.dates import find_dates
from bedside.guard.findings import Entity
from bedside.guard.names import find_names
from bedside.guard.normalize import Normalized
from bedside.guard.numbers import find_numbers
from bedside.guard.patterns import find_emails_urls, find_ips, find_phones

Span = tuple[str, int, int]

# Lower wins an overlap. Types that can be trimmed around a winner instead of dropped: GEO, DATE.
_PRIORITY = {
    "EMAIL": 0, "URL": 1, "IP": 2, "DEVICE_ID": 3, "ACCOUNT": 4, "HEALTH_PLAN_ID": 5, "SSN": 6,
    "MRN": 7, "LICENSE": 8, "VEHICLE": 9, "PHONE": 10, "FAX": 10, "AGE_OVER_89": 11, "GEO": 12,
    "DATE": 13, "BIOMETRIC": 14,
}
_TRIMMABLE = frozenset({"GEO", "DATE"})
_FINDERS: tuple[Callable[[str], list[Span]], ...] = (
    find_emails_urls, find_ips, find_numbers, find_phones, find_dates, find_addresses,
)
_ALNUM = regex.compile(r"[^\p{L}\p{N}]+")


def _digits(s: str) -> str:
    return "".join(filter(str.isdigit, s))


def _host(url: str) -> str:
    # NFKC first: urlsplit refuses full-width or compatibility letters in a host (ValueError),
    # and an evasive "ｈｔｔｐｓ：／／" link must be read as the plain one it shows.
    url = unicodedata.normalize("NFKC", url)
    u = url if "://" in url else "http://" + url
    try:
        host = (urlsplit(u).hostname or "").lower()
    except ValueError:  # still malformed (a bad port, say): not a host we can compare
        return ""
    return host[4:] if host.startswith("www.") else host


_OwnKeys = tuple[frozenset[str], frozenset[str], tuple[str, ...], tuple[str, ...]]
# The last practice seen and its keys: one practice checks many posts, and hashing a Practice
# (for the cache below) costs more than the comparisons it saves. Identity: held here, the
# object cannot be freed and its id reused.
_LAST_OWN: list[tuple[Practice, _OwnKeys]] = []


def _own_keys_of(practice: Practice) -> _OwnKeys:
    last = _LAST_OWN[0] if _LAST_OWN else None  # one read: another thread may swap the entry
    if last is not None and last[0] is practice:
        return last[1]
    keys = _own_keys(practice)
    _LAST_OWN[:] = [(practice, keys)]
    return keys


@cache
def _own_keys(practice: Practice) -> _OwnKeys:
    phones = frozenset(_digits(p)[-10:] for p in practice.phones if len(_digits(p)) >= 7)
    emails = frozenset(e.strip().lower() for e in practice.emails)
    domains = tuple(h for h in (_host(w) for w in practice.websites) if h)
    addresses = tuple(_ALNUM.sub("", a.lower()) for a in practice.addresses)
    return phones, emails, domains, addresses


def _is_own(kind: str, text: str, practice: Practice) -> bool:
    return _own(kind, text, _own_keys(practice))


def _own(kind: str, text: str, keys: _OwnKeys) -> bool:
    """Whether a span is one of the practice's own details (`keys`: from _own_keys)."""
    phones, emails, domains, addresses = keys
    if kind in ("PHONE", "FAX"):
        return _digits(text)[-10:] in phones
    if kind == "EMAIL":
        low = text.lower()
        dom = low.rsplit("@", 1)[-1]
        return low in emails or any(dom == d or dom.endswith("." + d) for d in domains)
    if kind == "URL":
        host = _host(text)
        return any(host == d or host.endswith("." + d) for d in domains)
    if kind == "GEO":
        key = _ALNUM.sub("", text.lower())
        return len(key) >= 5 and any(key in a or a in key for a in addresses)
    return False


def _resolve(spans: list[Span]) -> list[Span]:
    """Merge same-type overlaps; let the higher-priority type win across types."""
    merged: list[Span] = []
    for kind, s, e in sorted(spans, key=lambda x: (x[0], x[1], -x[2])):
        if merged and merged[-1][0] == kind and s < merged[-1][2]:
            merged[-1] = (kind, merged[-1][1], max(e, merged[-1][2]))
        else:
            merged.append((kind, s, e))
    kept: list[Span] = []
    for kind, s, e in sorted(merged, key=lambda x: (_PRIORITY[x[0]], x[1] - x[2])):
        for _, ks, ke in kept:
            if s < ke and ks < e:
                if kind not in _TRIMMABLE:
                    break
                left, right = (s, ks), (ke, e)
                s, e = max(left, right, key=lambda p: p[1] - p[0])
                if e - s < 3:
                    break
        else:
            kept.append((kind, s, e))
    return kept


def find_entities(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every identifier span in the original text; `own` marks the practice's own details."""
    text = norm.text.text
    spans = (find_emails_urls(text) + find_ips(text) + find_numbers(text) + find_phones(text)
             + find_dates(text) + find_addresses(text))
    out: list[Entity] = []
    if spans:
        original = norm.original
        keys = _own_keys_of(practice)  # once per check, not per span
        for kind, s, e in _resolve(spans) if len(spans) > 1 else spans:
            while e > s and text[e - 1] in " \t\n,;":
                e -= 1
            os_, oe = norm.text.span(s, e)
            piece = original[os_:oe]
            out.append(Entity(kind, os_, oe, piece, _own(kind, piece, keys)))
    names = find_names(norm, practice)
    if names:
        # a month or weekday read as a date inside a name ("April Jones") is the name
        out = [x for x in out if x.type != "DATE" or not any(
            n.start <= x.start and x.end <= n.end for n in names)]
        seen = {(x.type, x.start, x.end) for x in out}
        out += [n for n in names if (n.type, n.start, n.end) not in seen]
    return sorted(out, key=lambda x: (x.start, x.end, x.type)) if len(out) > 1 else out
