"""Contact identifiers: email, URL, IP and phone/fax (Safe Harbor (D), (E), (F), (N), (O)).

See ../shared/domain/hipaa.md. Each finder reads the normalised text layer and returns
(type, start, end) in that layer's offsets.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache, partial

import phonenumbers
import regex

from bedside.guard.lexicon import load_data
from bedside.guard.spans import Scan, matches_at, scan, token_bounds, trie

Span = tuple[str, int, int]

# Top-level domains accepted on a bare domain ("microsoft.com"); a scheme or www. accepts any.
_TLDS = trie((
    "com org net edu gov mil int io co us uk ca au nz ie de fr es it nl be ch at se no dk fi is pl "
    "cz sk hu pt br mx ar cl il in jp cn kr ru ua gr tr za eu info biz me tv ly app dev ai health "
    "care clinic doctor hospital md site online store shop blog news page link xyz example social "
    "org.uk co.uk co.il com.au com.br"
).split())
_EMAIL = regex.compile(
    r"(?<![\w.+-])[\w.+%-]+@(?:[\w-]+\.)+(?:xn--[\w-]+|[^\W\d_]{2,})(?![\w@]|\.[\w])",
)
_URL = regex.compile(
    r"(?:(?<![\w@/.-])(?:https?|ftp)://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]"
    r"|(?<![\w@/.-])www\.(?:[\w-]+\.)+[a-z]{2,}(?:[/?#][^\s<>\"']*[^\s<>\"'.,;:!?)])?"
    rf"|(?<![\w@/.-])(?:[a-z0-9][\w-]*\.)+(?:{_TLDS})(?![\w.-]|\.\w)"
    r"(?:[/?#][^\s<>\"']*[^\s<>\"'.,;:!?)])?)",
    regex.IGNORECASE,
)
# A dot between a word character (or "-") and a letter: where a domain can have a dot.
# Where a URL can start inside a token: a letter or digit after none of [\w@/.-]. _URL_GAP finds
# the character before such a start: `re` skips to the rare characters of its class in C, where
# the look-behind of _URL_START made it try a whole match at every position.
_URL_START = re.compile(r"(?<![\w@/.-])[^\W_]")
_URL_GAP = re.compile(r"[^\w@/.-](?=[^\W_])")
_URL_DOT = re.compile(r"\.(?=[^\W\d_])(?<=[\w-]\.)")  # opens on the dot: a fast literal scan
# The same dot in the Latin-1 copy of the text, where "?" stands for any other character: what
# _URL_DOT needs after its dot, checked first on bytes (most posts have no such dot).
_DOT_LETTER = re.compile(b"\\.[" + re.escape(bytes(
    c for c in range(256) if chr(c).isalnum() and not chr(c).isdecimal() and c != 0x5F)) + b"?]")
_IPV4 = regex.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w])")
# Two colons with at most four hex digits between: in every IPv6 match (ASCII: the same in the
# Latin-1 copy of the text, which a bytes pattern scans faster).
_HEX_COLONS = re.compile(rb":[0-9A-Fa-f]{0,4}:")
_IPV6 = regex.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?:%\w+)?(?![\w:]|\.\w)"
)
# A run of digit groups that could be a phone number: "+1 (415) 555-0132 x12", "0490 39 07 81".
_PHONE = regex.compile(
    r"(?<![\d_+/.:-]|\d[ -])(?:\+\s?\d{1,3}[\s.-]?(?:\(0\)\s?)?)?(?:\(\d{1,5}\)\s?)?"
    r"\d{1,5}(?:[ .-]\d{1,5}|\d){2,}(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?"
    r"(?![\w/]|[.-]\d|[:,]\d\d)"
    r"|(?<![\w+/.:-])\(\d{2,5}\)\s?\d{2,5}(?:[ .-]?\d{2,5}){0,3}(?![\w/]|[.-]\d)",
    regex.IGNORECASE,
)
_NANP = regex.compile(
    r"^(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?:\s?(?:x|ext\.?)\s?\d+)?$",
    regex.IGNORECASE,
)
_GROUP_SEP = regex.compile(r"[ .()-]+")
_EXT = regex.compile(r"\s?(?:x|ext\.?|extension)\s?\d+$", regex.IGNORECASE)
_SSN_SHAPE = regex.compile(r"^\d{3}([ .-]?)\d{2}\1\d{4}$")
_DATE_SHAPE = regex.compile(
    r"^(?:\d{1,2}[.-]\d{1,2}[.-](?:\d{2}|\d{4})|\d{4}-\d\d-\d\d|(?:19|20)\d\d)$"
)


@cache
def _context() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    words = load_data("identifiers")["context"]["phone"]
    alt = "|".join(sorted((regex.escape(w) for w in words), key=len, reverse=True))
    before = regex.compile(rf"\b(?:{alt})\b[^\d\n]{{0,30}}$", regex.IGNORECASE)
    after = regex.compile(
        r"^[\s\\,-]{0,3}(?:office|fax|mobile|cell|home|work|desk|direct)\b", regex.IGNORECASE
    )
    fax = regex.compile(r"(?:\bfax\b[^\d\n]{0,12}$)", regex.IGNORECASE)
    return before, after, fax


def _tokens_with(text: str, marks: tuple[str, ...]) -> list[tuple[int, int]]:
    """Whitespace-delimited tokens holding one of `marks`, merged, in order.

    Emails and URLs hold no whitespace, so a scan of these tokens alone finds every one.
    """
    out: list[tuple[int, int]] = []
    for mark in marks:
        i = text.find(mark)
        while i >= 0:
            s, e = token_bounds(text, i)
            out.append((s, e))
            i = text.find(mark, e)
    return _merged(out)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` sorted, overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def find_emails_urls(text: str) -> list[Span]:
    """EMAIL and URL spans."""
    out: list[Span] = []
    # marks by `in` on the str: no argument parsing (on bytes, `in` first tries the mark as an
    # int and raises inside)
    if "@" in text:
        for s, e in _tokens_with(text, ("@",)):
            out += [("EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text, s, e)]
    if _DOT_LETTER.search(scan(text).raw) or ("://" in text and "." in text):
        emails = [(s, e) for _, s, e in out]
        for s, e in _url_tokens(text):
            for m in matches_at(partial(_url_match, e), text, _url_starts(text, s, e)):
                if not any(s <= m.start() < e for s, e in emails):
                    out.append(("URL", m.start(), m.end()))
    return out


def _url_match(end: int, text: str, pos: int) -> regex.Match[str] | None:
    return _URL.match(text, pos, end)  # endpos by position: keywords cost the call more


def _url_starts(text: str, s: int, e: int) -> list[int]:
    """Every position in [s, e) where _URL_START matches."""
    out = [0] if s == 0 and _URL_START.match(text, 0, e) else []
    out += [m.start() + 1 for m in _URL_GAP.finditer(text, max(s - 1, 0), e)]
    return out


def _url_tokens(text: str) -> list[tuple[int, int]]:
    """Tokens where a URL can be: a dot between a word character and a letter, or "://"."""
    out: list[tuple[int, int]] = []
    end = -1
    raw = scan(text).raw
    # candidates on the Latin-1 bytes (a fast literal scan), each checked on the text
    for c in _DOT_LETTER.finditer(raw):
        i = c.start()
        if i >= end and _URL_DOT.match(text, i):
            s, end = token_bounds(text, i)
            out.append((s, end))
    if "://" in text:
        out += _tokens_with(text, ("://",))
    return _merged(out)


def find_ips(text: str) -> list[Span]:
    """IPv4 and IPv6 addresses that parse as such."""
    out: list[Span] = []
    sc = scan(text)
    raw = sc.raw
    if (sc.digits >= 4 or sc.exotic) and raw.count(b".") >= 3:  # "d.d.d.d" has three dots
        if sc.exotic:
            found = _IPV4.finditer(text)
        else:  # a first group: one to three digits that open a word, then a dot
            fl = sc.flat
            at = [s for s, e in sc.runs if e - s <= 3 and fl[s] == 32 and text[e : e + 1] == "."]
            found = matches_at(_IPV4.match, text, at) if at else []
        for m in found:
            try:
                ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            out.append(("IP", m.start(), m.end()))
    if ":" in text and _HEX_COLONS.search(raw):  # most texts have no colon
        for m in _IPV6.finditer(text):
            addr = m.group().split("%", 1)[0]
            if addr.count(":") < 2:
                continue
            try:
                ipaddress.IPv6Address(addr)
            except ValueError:
                continue
            out.append(("IP", m.start(), m.end()))
    return out


def _international(digits: str) -> bool:
    try:
        num = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(num))


def _phone_starts(text: str, sc: Scan) -> list[int]:
    """Where a phone number can start: a digit run (or the "+" or "(" before it) that has seven
    digits within reach; a run inside a number cannot start one (the look-behind forbids it)."""
    runs = sc.runs
    out: list[int] = []
    for i, (s, e) in enumerate(runs):
        total, j = e - s, i + 1
        while total < 7 and j < len(runs) and runs[j][0] < s + 40:
            total += runs[j][1] - runs[j][0]
            j += 1
        if total < 7:
            continue
        out.append(s)
        before = text[max(0, s - 2) : s]
        if before[-1:] in ("(", "+"):
            out.append(s - 1)
        elif before[:1] == "+" and before[1:].isspace():
            out.append(s - 2)
    return out


def find_phones(text: str) -> list[Span]:
    """PHONE and FAX spans: NANP shapes, +international, and national formats in context."""
    sc = scan(text)
    if sc.digits < 7 and not sc.exotic:
        return []
    before, after, fax = _context()
    out: list[Span] = []
    found = _PHONE.finditer(text) if sc.exotic else matches_at(
        _PHONE.match, text, _phone_starts(text, sc))
    for m in found:
        s, e = m.start(), m.end()
        cand = m.group()
        if sum(map(str.isdigit, cand)) < 7:
            continue
        digits = "".join(filter(str.isdigit, _EXT.sub("", cand) if "x" in cand.lower() else cand))
        n = len(digits)
        # lengths first: each `regex` call costs (an SSN shape is 9-11 long, a date at most 10,
        # a NANP number at least 12; one more for the newline "$" allows)
        size = len(cand)
        if n < 7 or n > 15 or (size <= 12 and (_SSN_SHAPE.match(cand) or _DATE_SHAPE.match(cand))):
            continue
        grouped = any(c in cand for c in " .-()")
        tail = text[e : e + 12]

        def context(s: int = s, tail: str = tail) -> bool:  # a word that says "phone" nearby
            return bool(before.search(text[max(0, s - 40) : s]) or after.match(tail))

        if cand.startswith("+"):
            ok = _international(digits)
        elif size >= 12 and _NANP.match(cand):
            ok = True
        elif grouped and n >= 11 and _NANP.match(cand[-12:] if "(" not in cand else cand):
            ok = True
        elif grouped and n >= 11 and _international(digits):
            ok = cand.count(" ") + cand.count("-") >= 2 or context()
        else:
            # national formats ("0490 39 07 81", "78 651 450") or bare digits need context,
            # except a trunk-prefixed number in three or more groups
            groups = len(_GROUP_SEP.split(cand.strip("()")))
            ok = (digits[0] == "0" and groups >= 3 and n >= 8) or context()
        if not ok:
            continue
        head = text[max(0, s - 15) : s]
        kind = "FAX" if ("fax" in head.lower() and fax.search(head)) or tail.lower().lstrip(
            " \\,-").startswith("fax") else "PHONE"
        out.append((kind, s, e))
    return out
