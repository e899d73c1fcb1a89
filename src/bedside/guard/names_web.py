"""Names inside web addresses and handles ("gofundme.example/kayla-strong-fight").

Addresses are also masked for the other name rules; e-mail addresses are masked only, since the
EMAIL entity already covers any name in them.
"""

from __future__ import annotations

import re

import regex

from bedside.guard.namelists import LOWER_WORDS, fold
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
        parts = list(_URL_PART.finditer(m.group()))
        handle = m.group().startswith("@")
        for i, part in enumerate(parts):
            key = fold(part.group())
            if len(key) > 4 and key[-1] == key[-2] == key[-3]:
                key = _unstretch(key, words)
            start = m.start() + part.start()
            if len(key) >= 3 and words.is_first(key) and not words.common_word(key) and (
                    key not in LOWER_WORDS):
                out.append(Tok(start, m.start() + part.end(), part.group()))
            elif handle and len(key) >= 3:
                # leads the handle, ends it before digits, or follows "by" ("@brows.by.grace")
                lead = i == 0 or m.group()[part.end():part.end() + 1].isdigit() or (
                    fold(parts[i - 1].group()) in _AFTER_PART)
                got = _handle_part(key, parts[i + 1:i + 2], lead, words)
                if got is not None:
                    a, b = got
                    out.append(Tok(start + a, start + b, part.group()[a:b]))
    return out


def _unstretch(key: str, words: Words) -> str:
    """A name stretched for emphasis ("@brittanyyy_rae", "@sarahhh22"): its letter once or twice."""
    base = key.rstrip(key[-1])
    for k in (base + key[-1], base + key[-1] * 2):
        if words.is_first(k):
            return k
    return key


# Words that lead a name inside a handle ("@coachgarza82", "@auntiereyes"); not "dr": a
# colleague's handle, not a patient's.
_HANDLE_LEADS = ("coach", "mrs", "mr", "ms", "miss", "nurse", "auntie", "aunt", "uncle", "mama",
                 "mom", "papa", "dad", "nana", "grandma", "grandpa", "granny")


# A handle part after which the next one leads a name: "@brows.by.grace", "@lsu_mama_dee".
_AFTER_PART = frozenset(("by",) + _HANDLE_LEADS)


def _handle_part(key: str, nxt: list[re.Match[str]], leads: bool,
                 words: Words) -> tuple[int, int] | None:
    """Where a name sits in one letter run of a handle (offsets in the run), if anywhere.

    A handle names its owner, so more shapes count than in free text: a first name that is
    also a word when it leads the handle (or ends it before digits) and a name or nothing
    follows ("@ava.rose.dances", "@jenny82", "@lil_dino_tanner22"), a first name with an initial
    glued on ("@sarahb_716"), a form of address glued to a surname ("@coachgarza82"), a first
    name glued to a surname ("@kaylasmith"), a maker's handle "<craft>by<name>"
    ("@inkedbyjosh_", "@lashesbymaria"), an initial and a surname."""
    if leads and words.is_first(key) and key not in LOWER_WORDS and (
            not nxt or len(nxt[0].group()) == 1 or words.known(fold(nxt[0].group()))):
        return 0, len(key)
    if leads and len(key) >= 4 and key.isascii() and words.is_first(key[:-1]) and words.strong(
            key[:-1]) and key[:-1] not in LOWER_WORDS and not words.known(key) and (
            key not in words.common):
        return 0, len(key) - 1  # a first name and an initial: "@sarahb_716", "@ashleyt1994"
    if leads and len(key) >= 6 and key[1:] in words.last and key.isascii() and (
            words.strong(key[1:])) and not words.known(key) and key not in words.common:
        return 0, len(key)  # an initial glued to a surname: "@jwhite_oh", "@kbarnes22"
    by = key.rfind("by", 3)
    if by > 0 and len(key) - by >= 5 and key.isascii() and words.is_first(key[by + 2:]) and (
            key[by + 2:] not in LOWER_WORDS):
        return by + 2, len(key)
    if len(key) < 6 or not key.isascii():
        return None  # too short to hold two words; offsets of folded letters may shift
    for lead in _HANDLE_LEADS:
        if key.startswith(lead) and len(key) - len(lead) >= 3 and words.strong(key[len(lead):]):
            return len(lead), len(key)
    for i in range(3, len(key) - 2):
        head, tail = key[:i], key[i:]
        if words.is_first(head) and words.strong(head) and tail in words.last and (
                words.strong(tail)):
            return 0, len(key)
    return None
