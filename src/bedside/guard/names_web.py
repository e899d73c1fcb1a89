"""Names inside web addresses and handles ("gofundme.example/kayla-strong-fight").

Addresses are also masked for the other name rules; e-mail addresses are masked only, since the
EMAIL entity already covers any name in them.
"""

from __future__ import annotations

import re

import regex

from bedside.guard.namelists import fold
from bedside.guard.names_context import Tok, Words

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S+|(?<![\w.])@[\w.]{3,}", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOT_SPACE = re.compile(r"\S*")
_URL_PART = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})")


def web(text: str) -> tuple[list[re.Match[str]], list[tuple[int, int]]]:
    """Web addresses and handles, and the spans to mask (those and e-mail addresses)."""
    urls: list[re.Match[str]] = []
    emails: list[tuple[int, int]] = []
    # Every match lies inside one run of non-space characters holding "/", "@" or "www.", so
    # only those runs are searched.
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: offsets would shift
        urls = list(_URL.finditer(text))
        return urls, [m.span() for m in urls] + [m.span() for m in _EMAIL.finditer(text)]
    hits = [i for mark in ("/", "@", "www.") for i in _all(low, mark)]
    rev = text[::-1]
    n = len(text)
    done = -1
    for i in sorted(hits):
        if i < done:
            continue
        start = n - _span_end(rev, n - i)
        done = end = _span_end(text, i)
        chunk = low[start:end]
        if "@" in chunk or "://" in chunk or "www." in chunk or ("." in chunk and "/" in chunk):
            urls += _URL.finditer(text, start, end)
            if "@" in chunk:
                emails += [m.span() for m in _EMAIL.finditer(text, start, end)]
    return urls, [m.span() for m in urls] + emails


def _all(text: str, mark: str) -> list[int]:
    out: list[int] = []
    i = text.find(mark)
    while i >= 0:
        out.append(i)
        i = text.find(mark, i + 1)
    return out


def _span_end(text: str, start: int) -> int:
    m = _NOT_SPACE.match(text, start)
    return m.end() if m else start


def url_names(urls: list[re.Match[str]], words: Words) -> list[Tok]:
    """First names among the parts of web addresses and handles."""
    out: list[Tok] = []
    for m in urls:
        for part in _URL_PART.finditer(m.group()):
            key = fold(part.group())
            if len(key) >= 3 and words.is_first(key) and not words.common_word(key):
                start = m.start() + part.start()
                out.append(Tok(start, m.start() + part.end(), part.group()))
    return out
