"""Names written in lower case: "mrs garcia", "thx jenny!", "eva kleist lives down the road".

A lower-case word is a name only when it is a known name, so the post's words are first
checked against the name lists as a whole (set intersections, no loop in Python); only the
few hits are then read in context.
"""

from __future__ import annotations

import regex

from bedside.guard.namelists import TITLES, name_lists
from bedside.guard.names_context import GREET, HI, INTRO, KIN, WORD, Cues, Doc, Tok, Words

# Any capital that does not start a sentence: the writer uses case, so a lower-case word that is
# a name is one only with a cue.
_CAP_INSIDE = regex.compile(r"[\p{L}\p{M}][ ,]+\p{Lu}|\p{Lu}\p{Lu}")
# Lower-case names are looked for only where the writer also writes cue words in lower case.
_LOWER_CUE = regex.compile(
    r"\b(?:" + "|".join(sorted(GREET | INTRO | KIN | {"you", "me", "is", "am"}))
    + r")\s+[\p{Ll}]", regex.I)


class Lower:
    """The lower-case words of a text that are known names, and where they are."""

    __slots__ = ("text", "strong", "hits", "_lower_text")

    def __init__(self, text: str, strong: set[str], hits: set[str]) -> None:
        self.text = text
        self.strong = strong  # known names that are not common words: names with any cue
        self.hits = [m.span() for m in WORD.finditer(text) if m.group() in hits]
        self._lower_text: bool | None = None

    def lower_text(self) -> bool:
        """No capital letter except at the start of a sentence: messy all-lower-case writing."""
        if self._lower_text is None:
            self._lower_text = _CAP_INSIDE.search(self.text) is None
        return self._lower_text

    def titles(self, doc: Doc) -> list[Tok]:
        """Lower-case titles just before a lower-case name ("mrs garcia")."""
        out: list[Tok] = []
        for start, end in self.hits:
            t = doc.tok(start, end)
            p = doc.prev(t) if t.word in self.strong else None
            if p is not None and p.key in TITLES and p.word.islower():
                out.append(p)
        return out


# Bytes to a plain word list in C: a-z kept, A-Z become "#" (a capitalised word is never a
# lower-case name), a 2-byte UTF-8 character (accented Latin, Greek, Cyrillic) becomes "~" and
# its continuation bytes are dropped, anything else splits words ("jenny's" gives "jenny").
_TABLE = bytes(c if 97 <= c <= 122 else 35 if 65 <= c <= 90 else 126 if 0xC2 <= c < 0xE0 else 32
               for c in range(256))
_TABLE_APOS = _TABLE[:39] + b"'" + _TABLE[40:]  # keeps "d'amore" whole
_CONT = bytes(range(0x80, 0xC0))
# "amore" in "d'amore": only then are names with an apostrophe looked up.
_APOS_TAILS = frozenset(w.split("'")[1] for w in name_lists().last if regex.fullmatch(r"[a-z]+'[a-z]+", w))
_HI_FAST = frozenset(HI | {"#" + w[1:] for w in HI})


def _key(word: str) -> str:
    return Tok(0, len(word), word).key


def lower_words(text: str, words: Words) -> Lower | None:
    """The known names written in lower case in `text`, or None when there are none."""
    raw = text.encode("utf-8", "surrogatepass")
    flat = raw.translate(_TABLE, _CONT).decode()
    fast = flat.split()
    # Known names among the words, possessives and hyphenated parts split off. A hyphenated
    # name counts only with a part that is a name on its own ("mary-jane", not "will-power").
    found = words.known_plain.intersection(fast)
    if "'" in text and not _APOS_TAILS.isdisjoint(fast):
        found |= words.last.intersection(raw.translate(_TABLE_APOS, _CONT).decode().split())
    strong = found.difference(words.common)
    if words.staff:
        strong |= words.staff.intersection(found)
    if any(len(w) > 2 for w in strong) or (
            found and not _HI_FAST.isdisjoint(fast)) or (
            "~" in flat and any("~" in w and "#" not in w for w in fast)):
        return _read(text, words)
    return None


def _read(text: str, words: Words) -> Lower | None:
    """Read the text word by word for known names in lower case."""
    toks = WORD.findall(text)
    greeted = not HI.isdisjoint(map(str.lower, toks))
    strong: set[str] = set()
    hits: set[str] = set()
    for w in toks:
        if not w.islower():
            continue
        key = w if w.isascii() and "'" not in w and "’" not in w else _key(w)
        if len(key) < 3 or not words.known(key):
            continue
        if words.strong(key):
            strong.add(w)
            hits.add(w)
        elif greeted:
            hits.add(w)  # a name that is also a word ("will", "mark") only after "thx"
    return Lower(text, strong, hits) if hits else None


def lower_names(doc: Doc, cues: Cues, lower: Lower, runs: list[tuple[Tok, Tok]],
                masked: list[tuple[int, int]]) -> list[tuple[Tok, Tok]]:
    """Lower-case names after a cue ("thx jenny!") or in all-lower-case text ("eva kleist")."""
    words = cues.words
    taken = [(a.start, b.end) for a, b in runs]
    gate: bool | None = None
    out: list[tuple[Tok, Tok]] = []
    for start, end in lower.hits:
        if any(s <= start < e for s, e in taken) or any(s <= start < e for s, e in masked):
            continue
        t = doc.tok(start, end)
        key = t.key
        strong = words.strong(key)
        p = doc.prev(t)
        if cues.before(t) and key not in TITLES and (strong or (p is not None and p.key in HI)):
            if gate is None:
                gate = lower.lower_text() or _LOWER_CUE.search(lower.text) is not None
            ok = gate
        else:
            ok = strong and words.is_first(key) and lower.lower_text()
        if not ok:
            continue
        last = t
        nxt = doc.joined(t)
        if nxt is not None and nxt.word.islower() and nxt.key in words.last and words.strong(
                nxt.key):
            last = nxt
        out.append((t, last))
        taken.append((t.start, last.end))
    return out
