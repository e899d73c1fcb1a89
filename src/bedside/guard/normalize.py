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

import unicodedata
from dataclasses import dataclass

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
_LEET_WORD = regex.compile(
    r"(?<![a-z0-9@$])(?=[a-z0-9@$]*[a-z][a-z0-9@$]*[a-z])(?=[a-z@$]*[0-9@$])"
    r"[a-z0-9@$]*[a-z][a-z0-9@$]*(?![a-z0-9@$])"
)
# Two or more single letters split by spaces, dots, dashes or stars: "n o", "c.u.r.e", "f-r-e-e".
_SPACED = regex.compile(r"(?<![\w])[a-z](?:[ .\-_*·•]{1,2}[a-z](?![\w]))+")
_SPACER = regex.compile(r"[ .\-_*·•]")


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


def _fold_confusables(text: str) -> str:
    """Fold look-alike letters in words that are Latin or made only of look-alikes."""

    def fold(m: regex.Match[str]) -> str:
        word = m.group()
        folded = word.translate(_CONFUSABLE_TABLE)
        if folded == word:
            return word
        if _LATIN.search(word) or all(c.isascii() for c in folded):
            return folded
        return word

    return _WORD.sub(fold, text)


def _text_layer(original: str) -> Layer:
    if original.isascii():
        return Layer(original, None)
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(original):
        if ch in _INVISIBLE:
            continue
        folded = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        for c in folded.translate(_PLAIN):
            chars.append(c)
            offsets.append(i)
    text = _fold_confusables("".join(chars))
    identity = len(text) == len(original) and all(o == i for i, o in enumerate(offsets))
    return Layer(text, None if identity else tuple(offsets))


def _compose(layer: Layer, keep: list[int]) -> tuple[int, ...]:
    """Offsets into the original for the characters of `layer` listed in `keep`."""
    if layer.offsets is None:
        return tuple(keep)
    return tuple(layer.offsets[k] for k in keep)


def _skeleton_layer(text: Layer) -> Layer:
    src = text.text
    low = src.lower()
    keep: list[int] | None = None  # indices into `src` for each skeleton char, when not 1:1
    if len(low) != len(src):  # rare: a letter whose lower case is longer ("İ")
        parts: list[str] = []
        keep = []
        for i, ch in enumerate(src):
            lc = ch.lower()
            parts.append(lc)
            keep.extend([i] * len(lc))
        low = "".join(parts)
    if not low.isascii():
        # Strip accents so "guarantéed" and "guaranteed" read the same.
        decomposed: list[str] = []
        new_keep: list[int] = []
        for j, ch in enumerate(low):
            base = unicodedata.normalize("NFD", ch)[0] if not ch.isascii() else ch
            if unicodedata.category(base) == "Mn":
                continue
            decomposed.append(base)
            new_keep.append(keep[j] if keep is not None else j)
        low = "".join(decomposed)
        keep = new_keep
    if _LEET_WORD.search(low):
        low = _LEET_WORD.sub(lambda m: m.group().translate(_LEET_TABLE), low)
    if _SPACED.search(low):
        out: list[str] = []
        new_keep = []
        last = 0
        for m in _SPACED.finditer(low):
            for j in range(last, m.start()):
                out.append(low[j])
                new_keep.append(keep[j] if keep is not None else j)
            for j in range(m.start(), m.end()):
                if not _SPACER.match(low[j]):
                    out.append(low[j])
                    new_keep.append(keep[j] if keep is not None else j)
            last = m.end()
        for j in range(last, len(low)):
            out.append(low[j])
            new_keep.append(keep[j] if keep is not None else j)
        low = "".join(out)
        keep = new_keep
    if keep is None:
        return Layer(low, text.offsets)
    return Layer(low, _compose(text, keep))


def normalize(original: str) -> Normalized:
    """Build both layers of `original`."""
    text = _text_layer(original)
    return Normalized(original, text, _skeleton_layer(text))
