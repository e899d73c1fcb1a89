"""Network limits and post length in each network's own units (data/limits.toml).

X weighs code points and counts every link as 23 (twitter-text v3); Bluesky counts grapheme
clusters and UTF-8 bytes; Mastodon counts grapheme clusters with every http(s) link as 23 and
"@user@server" as "@user"; Threads counts an emoji as its UTF-8 bytes; the others count
characters (code points). Text is measured as written: twitter-text's NFC step is skipped, so a
decomposed accent counts as two (never fewer than X counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from typing import Any, Literal

import regex

from bedside.guard.lexicon import load_data

Unit = Literal["weighted", "graphemes", "characters"]
_UNITS = ("weighted", "graphemes", "characters")


@dataclass(frozen=True, slots=True)
class NetworkLimits:
    """One network's limits as checked on `checked` against `source` (None: no known limit)."""

    network: str
    name: str
    max_length: int
    unit: Unit
    checked: str
    source: str
    also: tuple[str, ...] = ()
    count_note: str = ""
    max_bytes: int | None = None
    url_weight: int | None = None
    url_scheme_only: bool = False
    mention_domain_free: bool = False
    emoji_as_bytes: bool = False
    premium_max_length: int | None = None
    max_images: int | None = None
    alt_text_max: int | None = None
    bio_max: int | None = None
    display_name_max: int | None = None
    max_hashtags: int | None = None
    hashtag_advice: int | None = None
    hashtag_note: str = ""
    max_links: int | None = None
    links_clickable: bool = True
    light_ranges: tuple[tuple[int, int], ...] = ()  # X: code points that weigh 1, others 2
    uncertain: frozenset[str] = frozenset()


_FIELDS = {f.name for f in fields(NetworkLimits)}
Urls = list[re.Match[str]] | None  # find_urls(text), passed on when the caller has it


def _light_ranges(weights: dict[str, Any], where: str) -> tuple[tuple[int, int], ...]:
    """Reduce twitter-text weights to the ranges that weigh 1 (everything else weighs 2)."""
    scale = int(weights["scale"])
    ok = int(weights["default"]) == 2 * scale and int(weights["emoji"]) == 2 * scale
    ranges = tuple((int(a), int(b)) for a, b, w in weights["ranges"] if int(w) == scale)
    if not ok or len(ranges) != len(weights["ranges"]):
        raise ValueError(f"{where}: only weights of 1 and 2 are supported")
    return ranges


@cache
def limits(network: str) -> NetworkLimits:
    """Return the limits of `network`; raise KeyError for a network the file does not know."""
    table = load_data("limits")["networks"].get(network)
    if table is None:
        raise KeyError(f"no limits for network {network!r}")
    raw = dict(table)
    where = f"limits.toml [networks.{network}]"
    weights = raw.pop("weights", None)
    unknown = set(raw) - _FIELDS
    if unknown or raw.get("unit") not in _UNITS:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)} or bad unit")
    raw["also"] = tuple(raw.get("also", ()))
    raw["uncertain"] = frozenset(raw.get("uncertain", ()))
    if weights is not None:
        raw["light_ranges"] = _light_ranges(weights, where)
    return NetworkLimits(network=network, **raw)


# Links as twitter-text finds them (Mastodon uses the same extractor, scheme only).
_PATH = (  # twitter-text's path and query characters: ASCII, Latin accents, Cyrillic
    r"(?:/(?:[a-z0-9\u00c0-\u024f\u0400-\u04ff!*'();:=+,.$/%#\[\]\-\u2013_~|&@?]*"
    r"[a-z0-9\u00c0-\u024f\u0400-\u04ff=_#/\-+&])?)"
)
_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"
_SCHEME_URL = (
    rf"https?://{_LABEL}(?:\.{_LABEL})*\.(?:[^\W\d_]{{2,}}|xn--[a-z0-9-]+)(?::\d{{1,5}})?{_PATH}?"
)
_URL_LEAD = r"(?<![\w@#$/.\-])"  # not inside an email address, a word, a path or a domain
_DOT_TLD = re.compile(r"\.[^\W\d_]{2}")  # every link has one: a cheap filter before the regex
_SPACE = re.compile(r"[ \t\n]")
# One emoji as twitter-text counts it: keycap, flag, tag flag, or a (ZWJ) pictographic sequence.
_EMOJI = (
    r"[#*0-9]\uFE0F?\u20E3|\p{Regional_Indicator}{2}|\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
    r"|\p{Extended_Pictographic}[\uFE0E\uFE0F]?\p{Emoji_Modifier}?"
    r"(?:\u200D\p{Extended_Pictographic}[\uFE0E\uFE0F]?\p{Emoji_Modifier}?)*"
)
# A code point that may join a neighbour into one grapheme cluster (UAX #29).
_JOINERS = "".join(
    rf"\p{{Grapheme_Cluster_Break={b}}}"
    for b in ("Extend", "ZWJ", "SpacingMark", "Prepend", "Regional_Indicator", "L", "V", "T")
)
_CLUSTERY = regex.compile(rf"[{_JOINERS}\r]")
_PICTO = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]")
_GRAPHEME = regex.compile(r"\X")
_MENTION = regex.compile(r"(?<![=/\w])@(?P<user>\w+(?:[.-]+\w+)*)@\w+(?:[.-]+\w+)*")


@cache
def _url_re(scheme_only: bool) -> re.Pattern[str]:
    # stdlib re: no \p{} needed here, and it is three times faster than `regex` on this one
    if scheme_only:
        return re.compile(f"{_URL_LEAD}{_SCHEME_URL}", re.IGNORECASE)
    tlds = load_data("limits")["links"]["bare_tlds"]
    alt = "|".join(sorted({str(t) for t in tlds}, key=lambda t: (-len(t), t)))
    bare = (
        rf"(?:{_LABEL}\.)+(?:{alt})(?![\w-]){_PATH}?"
        rf"|(?:{_LABEL}\.){{2,}}[a-z]{{2}}(?![\w-]){_PATH}?|{_LABEL}\.[a-z]{{2}}(?=/){_PATH}"
    )
    return re.compile(f"{_URL_LEAD}(?:{_SCHEME_URL}|{bare})", re.IGNORECASE)


def find_urls(text: str, *, scheme_only: bool = False) -> list[re.Match[str]]:
    """Return the links in `text` as twitter-text finds them (with or without http://)."""
    if "." not in text:
        return []
    found: list[re.Match[str]] = []
    pattern, done = _url_re(scheme_only), 0
    for hit in _DOT_TLD.finditer(text):
        if hit.start() < done:
            continue
        # Links hold no white space: search only the word around the dot.
        start = max(text.rfind(" ", 0, hit.start()), text.rfind("\n", 0, hit.start()),
                    text.rfind("\t", 0, hit.start())) + 1
        space = _SPACE.search(text, hit.end())
        done = space.start() if space else len(text)
        found.extend(pattern.finditer(text, start, done))
    return found


@cache
def _x_tokens(net: NetworkLimits, catch_all: bool) -> regex.Pattern[str]:
    """X's weighted tokens; with `catch_all`, every other code point is a token of weight 1."""
    light = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in net.light_ranges)
    rest = r"|(?P<one>(?s:.))" if catch_all else ""
    return regex.compile(rf"(?P<emoji>{_EMOJI})|(?P<crlf>\r\n)|(?P<two>[^{light}]){rest}")


@cache
def _x_heavy(net: NetworkLimits) -> re.Pattern[str]:
    """Code points that weigh 2 on X (stdlib re: plain ranges, no properties needed)."""
    return re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in net.light_ranges) + "]")


# Every code point an emoji sequence can hold but a keycap's base (pictographs, modifiers, ZWJ,
# selectors, tags): emoji need their own pass only inside runs of these.
_EMOJI_RUN = re.compile(
    "[\u00a9\u00ae\u200d\u203c-\u3300\ufe0e\ufe0f\U0001f000-\U0001ffff\U000e0020-\U000e007f]+"
)


@lru_cache(maxsize=4096)
def _run_weight(part: str, net: NetworkLimits) -> int:
    """X weight of a run of emoji code points (cached: the same few emoji recur)."""
    return sum(1 if m.lastgroup == "one" else 2 for m in _x_tokens(net, True).finditer(part))


def _specials(text: str, net: NetworkLimits, urls: Urls) -> list[tuple[int, int, int]]:
    """(start, end, weight) of the links and mentions the network counts at a fixed weight."""
    out: list[tuple[int, int, int]] = []
    if net.url_weight is not None:
        if urls is None or net.url_scheme_only:
            urls = find_urls(text, scheme_only=net.url_scheme_only)
        out = [(m.start(), m.end(), net.url_weight) for m in urls]
    if net.mention_domain_free and "@" in text:
        for m in _MENTION.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b, _ in out):
                out.append((m.start(), m.end(), 1 + len(m.group("user"))))
        out.sort()
    return out


def _gap_units(gap: str, net: NetworkLimits) -> Iterator[tuple[int, int]]:
    """Yield (offset in gap, weight) for each counted unit of a stretch without specials."""
    if net.unit == "characters":
        yield from ((i, 1) for i in range(len(gap)))
    elif net.unit == "weighted":
        for m in _x_tokens(net, True).finditer(gap):
            yield m.start(), 1 if m.lastgroup in ("crlf", "one") else 2
    else:
        for m in _GRAPHEME.finditer(gap):
            bytes_ = net.emoji_as_bytes and _PICTO.search(m.group()) is not None
            yield m.start(), utf8_size(m.group()) if bytes_ else 1


def _gap_measure(gap: str, net: NetworkLimits) -> int:
    if net.unit == "characters":
        return len(gap)
    if net.unit == "weighted":
        n = len(gap) - gap.count("\r\n")
        if gap.isascii():
            return n
        heavy = _x_heavy(net)
        n += len(heavy.findall(gap))
        for run in _EMOJI_RUN.finditer(gap):  # emoji sequences weigh 2 whatever their length
            start = run.start() - (run.start() > 0 and gap[run.start() - 1] in "#*0123456789")
            part = gap[start : run.end()]
            n += _run_weight(part, net) - len(part) - len(heavy.findall(part))
        return n
    if (gap.isascii() and "\r" not in gap) or _CLUSTERY.search(gap) is None:
        # every code point is its own cluster; Threads adds the extra bytes of each emoji
        if not net.emoji_as_bytes:
            return len(gap)
        return len(gap) + sum(utf8_size(m) - 1 for m in _PICTO.findall(gap))
    return sum(w for _, w in _gap_units(gap, net))


def _gaps(text: str, net: NetworkLimits, urls: Urls = None) -> Iterator[tuple[int, int, int]]:
    """Yield (start, end, weight or -1 for a gap to count) covering `text` in order."""
    pos = 0
    for start, end, weight in _specials(text, net, urls):
        if start > pos:
            yield pos, start, -1
        yield start, end, weight
        pos = end
    if pos < len(text):
        yield pos, len(text), -1


def units(text: str, net: NetworkLimits, urls: Urls = None) -> Iterator[tuple[int, int]]:
    """Yield (start offset, weight) for each counted unit of `text` in the network's units."""
    for start, end, weight in _gaps(text, net, urls):
        if weight >= 0:
            yield start, weight
        else:
            yield from ((start + i, w) for i, w in _gap_units(text[start:end], net))


def measure_with(text: str, net: NetworkLimits, urls: Urls = None) -> int:
    """Return the length of `text` in the units of `net` (`urls`: find_urls(text), if known)."""
    if net.unit == "characters":
        return len(text)
    if net.unit == "weighted" and "." not in text and text.isascii():
        return len(text) - text.count("\r\n")
    gaps = _gaps(text, net, urls)
    return sum(w if w >= 0 else _gap_measure(text[a:b], net) for a, b, w in gaps)


def measure(text: str, network: str) -> int:
    """Return the length of `text` in `network`'s own units (weighted, graphemes or characters)."""
    return measure_with(text, limits(network))


def _fitting_prefix(gap: str, net: NetworkLimits, budget: int) -> int:
    """Return a space offset p with measure(gap[:p]) <= budget, as far in as a bisection finds.

    No counted unit spans the start of a space, so gap[:p] and gap[p:] measure independently.
    """
    spaces = [m.start() for m in re.finditer(" ", gap)]
    lo, hi, best = 0, len(spaces) - 1, 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if _gap_measure(gap[: spaces[mid]], net) <= budget:
            best, lo = spaces[mid], mid + 1
        else:
            hi = mid - 1
    return best


def overflow_start(text: str, net: NetworkLimits, limit: int, urls: Urls = None) -> int:
    """Return the offset of the first unit past `limit` (len(text) if none)."""
    total = 0
    for a, b, weight in _gaps(text, net, urls):
        if weight >= 0:
            total += weight
            if total > limit:
                return a
            continue
        gap = text[a:b]
        size = _gap_measure(gap, net)
        if total + size <= limit:
            total += size
            continue
        skip = _fitting_prefix(gap, net, limit - total)
        total += _gap_measure(gap[:skip], net)
        for i, w in _gap_units(gap[skip:], net):
            total += w
            if total > limit:
                return a + skip + i
    return len(text)


def utf8_size(text: str) -> int:
    """Bytes of `text` in UTF-8; a lone surrogate (possible from JSON input, never sendable)
    counts its three bytes instead of raising."""
    return len(text.encode("utf-8", "surrogatepass"))


def byte_overflow_start(text: str, limit: int) -> int:
    """Return the offset of the first grapheme cluster past `limit` UTF-8 bytes."""
    total = 0
    for m in _GRAPHEME.finditer(text):
        total += utf8_size(m.group())
        if total > limit:
            return int(m.start())
    return len(text)


def surely_fits(text: str, net: NetworkLimits) -> bool:
    """Cheap upper bound: True when `text` cannot exceed the limits, so nothing needs counting."""
    n, limit = len(text), net.max_length
    if net.max_bytes is not None and n * 4 > net.max_bytes:
        return False
    if net.unit == "weighted":
        return 2 * n + (net.url_weight or 0) * text.count(".") <= limit
    if net.emoji_as_bytes:
        return utf8_size(text) <= limit
    if net.url_weight is not None:
        return n + net.url_weight * text.count("://") <= limit
    return n <= limit
