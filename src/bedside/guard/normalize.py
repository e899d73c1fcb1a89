"""Undo the tricks that hide words from a checker, keeping a map back to the original text.

Two layers are built from the original text, each with offsets into it:
- `text`: Unicode compatibility forms folded (NFKC), zero-width and bidi controls removed,
  typographic quotes and dashes made plain, Cyrillic/Greek look-alikes inside Latin words folded.
  Case is kept: identifier recognisers (names, codes) read this layer.
- `skeleton`: `text` lower-cased, accents stripped, digits-for-letters undone inside words
  ("guar4nteed") and spaced or dotted letters joined ("n o side effects", "c.u.r.e").
  Lexicon rules (claims, promotion, voice) read this layer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

# Format characters that render as nothing (zero-width, joiners, bidi controls, soft hyphen).
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u3164\ufe0e\ufe0f\ufeff\uffa0"
)
_PLAIN = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
     "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"}
)
# Unicode TR39 confusables that look like Latin letters (Cyrillic, Greek, IPA).
_CONFUSABLE = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ӏ": "l", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g", "ɑ": "a", "ı": "i",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D", "Ӏ": "l",
    "α": "a", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLE)
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_LATIN = regex.compile(r"[A-Za-z]")

# Digits and symbols standing in for letters, undone only inside words that have letters.
_LEET_TABLE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                             "8": "b", "@": "a", "$": "s"})
_LEET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$")
_NOT_LETTERS = str.maketrans("", "", "0123456789@$")
# A number with its unit, ordinal or clock suffix ("8yo", "7lbs", "350cc", "3am", "1st") is no
# disguised word: "8yo" must stay an age, not read "byo".
_MEASURE = re.compile(
    r"[0-9]+(?:yo|yof|yom|yr|yrs|mo|mos|wk|wks|lb|lbs|kg|mg|mcg|ml|cc|mm|cm|ft|am|pm|st|nd|rd|th|"
    r"hr|hrs|min|mins|sec|secs|oz|cal|kcal|bpm|mph|ish)")


def _unleet(low: str) -> str:
    """Undo digits-for-letters in every run of [a-z0-9@$] with two letters and a stand-in.

    Such a run always holds a stand-in next to a letter, which `_LEET_HINT` finds in C; the run
    is then read outwards from there, instead of trying a word-shaped regex at every position.
    """
    parts: list[str] = []
    last = 0
    n = len(low)
    for m in _LEET_HINT.finditer(low):
        s = m.start()
        if s < last:
            continue  # inside a run already read
        while s > 0 and low[s - 1] in _LEET_CHARS:
            s -= 1
        e = m.end()
        while e < n and low[e] in _LEET_CHARS:
            e += 1
        word = low[s:e]
        if len(word.translate(_NOT_LETTERS)) >= 2 and not _MEASURE.fullmatch(word):
            parts.append(low[last:s])
            parts.append(word.translate(_LEET_TABLE))
            last = e
    if not parts:
        return low
    parts.append(low[last:])
    return "".join(parts)


# Two or more single letters split by spaces, dots, dashes or stars: "n o", "c.u.r.e", "f-r-e-e".
_SPACED = regex.compile(r"(?<![\w*'])[a-z](?:[ .\-_*·•]{1,2}[a-z](?![\w]))+")
_SPACER = regex.compile(r"[ .\-_*·•]")
# Cheap stdlib pre-checks: most posts have neither a digit touching a letter nor spaced letters.
# Each starts with the rarer character (a digit, a spacer) so `re` skips to it in C: a digit or
# symbol with a letter on either side; a spacer after a one-letter word and before a letter.
_LEET_HINT = re.compile(r"[0-9@$](?:(?<=[a-z][0-9@$])|[a-z])")
_SPACED_HINT = re.compile(
    r"[ .\-_*·•](?<=[a-z][ .\-_*·•])(?<!\w[a-z][ .\-_*·•])[ .\-_*·•]?[a-z](?!\w)")


@dataclass(frozen=True, slots=True)
class Layer:
    """A normalised view of the text; `offsets[i]` is the original index of `text[i]`."""

    text: str
    offsets: tuple[int, ...] | None  # None: the identity map

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of this layer back to the original text."""
        if self.offsets is None:
            return start, end
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else self._tail()
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def _tail(self) -> int:
        return self.offsets[-1] + 1 if self.offsets else 0


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: Layer
    skeleton: Layer
    # What several checks read from these layers, worked out once for this text (one check).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _fold_confusables(text: str) -> str:
    """Fold look-alike letters in words that are Latin or made only of look-alikes."""

    def fold(m: regex.Match[str]) -> str:
        word: str = m.group()
        folded: str = word.translate(_CONFUSABLE_TABLE)
        if folded == word:
            return word
        if _LATIN.search(word) or all(c.isascii() for c in folded):
            return folded
        return word

    folded: str = _WORD.sub(fold, text)
    return folded


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONFUSABLE_CHARS = re.compile("[" + "".join(_CONFUSABLE) + "]")


@cache
def _fold_char(ch: str) -> str:
    """What one non-ASCII character becomes in the text layer ('' when it is invisible)."""
    if ch in _INVISIBLE:
        return ""
    return unicodedata.normalize("NFKC", ch).translate(_PLAIN)


def _text_layer(original: str) -> Layer:
    if original.isascii():
        return Layer(original, None)
    # Only non-ASCII characters can change: edit those, copy the runs between them.
    edits = [(m.start(), f) for m in _NON_ASCII.finditer(original)
             if (f := _fold_char(m.group())) != m.group()]
    text, offsets = _apply(original, edits) if edits else (original, [])
    if _CONFUSABLE_CHARS.search(text):
        text = _fold_confusables(text)  # one-for-one: offsets unchanged
    return Layer(text, tuple(offsets) if edits else None)


def _apply(src: str, edits: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """Replace single characters of `src` ((index, replacement) in order); return the new text
    and, for each of its characters, the index in `src` it came from."""
    parts: list[str] = []
    keep: list[int] = []
    last = 0
    for i, new in edits:
        parts.append(src[last:i])
        keep.extend(range(last, i))
        parts.append(new)
        keep.extend([i] * len(new))
        last = i + 1
    parts.append(src[last:])
    keep.extend(range(last, len(src)))
    return "".join(parts), keep


@cache
def _strip_mark(ch: str) -> str:
    """A lower-case non-ASCII character without its accent ('' for a lone combining mark)."""
    base = unicodedata.normalize("NFD", ch)[0]
    return "" if unicodedata.category(base) == "Mn" else base


# Two single letters are usually two real words ("a z-pak", "vitamin d a day"); join them only
# when they spell a word people hide ("n o side effects").
_JOINABLE_PAIRS = frozenset({"no", "ok", "dm"})


def _worth_joining(run: str) -> bool:
    letters = _SPACER.sub("", run)
    return len(letters) > 2 or letters in _JOINABLE_PAIRS


def _skeleton_layer(text: Layer) -> Layer:
    src = text.text
    low = src.lower()
    keep: list[int] | None = None  # for each skeleton character, its index in `src`
    if len(low) != len(src):  # rare: a letter whose lower case is longer ("İ")
        low, keep = _lower_expanding(src)
    if not low.isascii():
        # Strip accents so "guarantéed" and "guaranteed" read the same.
        edits = [(m.start(), b) for m in _NON_ASCII.finditer(low)
                 if (b := _strip_mark(m.group())) != m.group()]
        if edits:
            low, idx = _apply(low, edits)
            keep = idx if keep is None else [keep[j] for j in idx]
    if _LEET_HINT.search(low):
        low = _unleet(low)  # one-for-one
    if _SPACED_HINT.search(low) and _SPACED.search(low):
        edits = [(m.start() + j, "") for m in _SPACED.finditer(low) if _worth_joining(m.group())
                 for j, c in enumerate(m.group()) if _SPACER.match(c)]
        low, idx = _apply(low, edits)
        keep = idx if keep is None else [keep[j] for j in idx]
    if keep is None:
        return Layer(low, text.offsets)
    base = text.offsets
    return Layer(low, tuple(keep) if base is None else tuple(base[k] for k in keep))


def _lower_expanding(src: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    keep: list[int] = []
    for i, ch in enumerate(src):
        lc = ch.lower()
        parts.append(lc)
        keep.extend([i] * len(lc))
    return "".join(parts), keep


def normalize(original: str) -> Normalized:
    """Build both layers of `original`."""
    text = _text_layer(original)
    return Normalized(original, text, _skeleton_layer(text))
