"""The names finder's first read: the capitalised words that may start a name, in order.

Most capitalised words never start a name (common words, acronyms, contractions, a lone
capital), so they are dropped here before the finder does any other work. Titles stay.
"""

from __future__ import annotations

import re

from bedside.guard.namelists import PARTICLES, TITLES
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
