"""The names finder's first read: the capitalised words that may start a name, in order.

Most capitalised words never start a name (common words, acronyms, contractions, a lone
capital, a credential or lab acronym ending in a capital: "IgE", "AuD", "PsyD"), so they are
dropped here before the finder does any other work. Titles stay.
"""

from __future__ import annotations

import re

from bedside.guard.namelists import CALENDAR, PARTICLES, TITLES
from bedside.guard.names_context import WORD_ASCII

# A word starting with a letter that is not a-z (upper case, or any non-ASCII letter: the
# finder checks the case), preceded by no letter and no letter-plus-joiner.
_CAP = re.compile(r"[A-Z\u00c0-\U0010ffff](?<=[^\W\d_])(?<![^\W\d_].)(?<![^\W\d_]['’-].)"
                  r"[^\W\d_]*(?:['’][^\W\d_]+|-[^\W\d_]+)*")
# The same where ascii_words(text) holds.
_CAP_ASCII = re.compile(r"[A-Z](?<![A-Za-z].)(?<![A-Za-z]['’-].)[A-Za-z]*"
                        r"(?:['’][A-Za-z]+|-[A-Za-z]+)*")
# A lower-case title just before a word in capitals ("mrs GARCIA").
_LOWER_TITLE = re.compile(
    r"(?<![^\W\d_])(" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.? \Z")
# What may stand just before the space after such a title: its last letter or a dot.
_TITLE_ENDS = frozenset(w[-1] for w in TITLES) | {"."}


def capitals(text: str, plain: frozenset[str], word: re.Pattern[str]) -> list[tuple[int, int]]:
    """Capitalised words that may start a name or are titles, in order (`plain`: words that
    never start one; `word`: the word pattern for this text, ASCII or not)."""
    spans: list[tuple[int, int]] = []
    for m in (_CAP_ASCII if word is WORD_ASCII else _CAP).finditer(text):
        w = m[0]
        if w in plain:
            continue
        if len(w) == 1:
            e = m.end()
            c = text[e:e + 1]
            if c != "." and (c != " " or _lone(text, e + 1, word)):
                continue
        elif "'" in w:
            if w.endswith("'s") and w[:-2] in plain:
                continue
            if not w.endswith("'s") and not w[2:3].isupper():
                continue
        elif w[-1].isupper() and not w.isupper():
            continue  # an acronym with a small letter inside: "IgE", "AuD", "PharmD", "PsyD"
        elif w.isupper() and w.lower() not in TITLES:
            s = m.start()
            if text[s - 1:s] == " " and text[s - 2:s - 1] in _TITLE_ENDS:
                title = _LOWER_TITLE.search(text, max(0, s - 16), s)
                if title is not None:
                    spans.append(title.span(1))  # "mrs GARCIA": the title leads
            continue
        spans.append(m.span())
    return spans


def _lone(text: str, start: int, word: re.Pattern[str]) -> bool:
    """The word at `start` cannot continue a run: it is lower case and not a particle."""
    m = word.match(text, start)
    if m is None:
        return True
    w = m.group()
    return w.islower() and w not in PARTICLES


# Endings that mark a surname in many languages (Slavic, Nordic, Finnish, Baltic, Georgian,
# Armenian, Romanian, Turkish); folded, so "-ić" reads "-ic". Some only after a consonant.
_SURNAME_ENDS = ("enko", "ska", "sky", "wicz", "vic", "kic", "nen", "sson", "dottir", "escu",
                 "oglu", "idze", "shvili", "zadeh", "yan", "poulos", "akis")
_SURNAME_AFTER_CONSONANT = ("ov", "ova", "ev", "eva")
_SURNAME_TAILS = ("ski",) + _SURNAME_AFTER_CONSONANT


def surname_shape(key: str) -> bool:
    if key.endswith(_SURNAME_ENDS):
        return True
    if not key.endswith(_SURNAME_TAILS):
        return False  # most words: no loop below
    if key.endswith("ski"):
        return len(key) > 3 and key[-4] != "e"
    for end in _SURNAME_AFTER_CONSONANT:
        if key.endswith(end):
            return len(key) > len(end) and key[-len(end) - 1] not in "aeiou"
    return False


# A reply that opens by calling its reader by name ("DEB!! so glad...", "Kay, so sorry"): words
# in capitals are skipped by `capitals`, and a first name that is also a word needs a cue, so
# this one shape is read apart. Exclamations that are also
# first names ("LOVE!!", "HOPE,") are not names.
_VOCATIVE = re.compile(r"(?i:(?:hi|hey|thx|thanks|congrats|yay)[ ,!]+)?([A-Z][A-Za-z]{2,})[!,]")
_SECOND_PERSON = re.compile(r"\b(?:u|you|ur|your|yours|ya|yall)\b", re.I)
_EXCLAIMED = frozenset("love joy hope grace faith sunny summer winter champ queen king miracle "
                       "doc".split())


def caps_vocative(text: str, first: frozenset[str]) -> tuple[int, int] | None:
    """The span of a first name in capitals that opens a text addressed to its reader."""
    m = _VOCATIVE.match(text)
    if m is None or not (m[1].isupper() or m[1].istitle()):
        return None
    key = m[1].lower()
    if key not in first or key in _EXCLAIMED or key in CALENDAR or (
            _SECOND_PERSON.search(text, m.end()) is None):
        return None
    return m.span(1)
