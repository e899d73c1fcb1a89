"""Names written in lower case: "mrs garcia", "thx jenny!", "eva kleist lives down the road".

A lower-case word is a name only when it is a known name, so the post's words are first
checked against the name lists as a whole (set intersections, no loop in Python); only the
few hits are then read in context.
"""

from __future__ import annotations

import re
import unicodedata

import regex

from bedside.guard.namelists import (
    CALENDAR,
    LOWER_WORDS,
    PLACE_STARTS,
    SLANG_NAMES,
    TITLES,
    TXT_WORDS,
)
from bedside.guard.names_context import (
    GREET,
    HI,
    HOUSEHOLD,
    INTRO,
    KIN,
    ROLES,
    WORD,
    Cues,
    Doc,
    Tok,
    Words,
)

# Any capital that does not start a sentence: the writer uses case, so a lower-case word that is
# a name is one only with a cue.
# A word in capitals ("FINALLY", "NICU") is emphasis or an acronym, not case for names.
_CAP_INSIDE = regex.compile(r"[\p{L}\p{M}][ ,]+\p{Lu}(?![\p{Lu}\p{M}])")
# Its ASCII part on a shape of the text (see _lower_text).
_SHAPE = bytes(97 if 97 <= c <= 122 else 65 if 65 <= c <= 90 else c if c in (32, 44) else 46
               for c in range(256))
_SHAPE_CAP = re.compile(rb"[aA][ ,]+A")
_SHAPE_CAPS_WORD = re.compile(rb"(?<![aA])AA+(?![aA])")
# Lower-case names are looked for only where the writer also writes cue words in lower case.
_LOWER_CUE_WORDS = GREET | INTRO | KIN | {"you", "u", "ya", "yu", "me", "is", "am"}
_LOWER_CUE = regex.compile(
    r"\b(?:" + "|".join(sorted(_LOWER_CUE_WORDS)) + r")\s+[\p{Ll}]", regex.I)


def _lower_text(text: str, raw: bytes) -> bool:
    """No capital letter except at the start of a sentence: messy all-lower-case writing."""
    # ASCII letters only, as "a" and "A", commas as spaces: a match here settles it.
    shape = raw.translate(_SHAPE)
    if b"AA" in shape:  # words in capitals count as lower case
        shape = _SHAPE_CAPS_WORD.sub(lambda m: b"a" * len(m[0]), shape)
    if (b"AA" in shape or b"a A" in shape or b"A A" in shape or b"a, A" in shape
            or b"A, A" in shape or b"a,A" in shape or b"A,A" in shape):
        return False
    if (b"  " in shape or b",," in shape or b" ," in shape) and _SHAPE_CAP.search(shape):
        return False
    if text.isascii():
        return True
    # Other letters (not emoji or symbols) may hold the capital: read them properly.
    if not any(c.isalpha() or c.isupper() or unicodedata.combining(c)
               for c in set(text) if c > "\x7f"):
        return True
    return _CAP_INSIDE.search(text) is None


class Lower:
    """The lower-case words of a text that are known names, and where they are."""

    __slots__ = ("text", "raw", "strong", "hits", "_lower_text")

    def __init__(self, text: str, raw: bytes) -> None:
        self.text = text
        self.raw = raw  # the text in UTF-8
        self.strong: set[str] = set()  # known names that are not common words: names with a cue
        self.hits: list[tuple[int, int]] = []  # spans of the known names in lower case
        self._lower_text: bool | None = None

    def lower_text(self) -> bool:
        """No capital letter except at the start of a sentence: messy all-lower-case writing."""
        if self._lower_text is None:
            self._lower_text = _lower_text(self.text, self.raw)
        return self._lower_text

    def cue_gate(self, doc: Doc, t: Tok) -> bool:
        """The writer uses cue words in lower case: "hi jenny" here, or elsewhere in the text."""
        if self.lower_text():
            return True
        p = doc.prev(t)
        text = self.text
        if p is not None and (p.key in _LOWER_CUE_WORDS or p.key == "the") and (
                p.word.lower() == p.key) and (
                text[p.end:t.start].isspace()) and (
                p.start == 0 or not (text[p.start - 1].isalnum() or text[p.start - 1] == "_")):
            return True  # the cue just before t
        return _LOWER_CUE.search(text) is not None

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
# lower-case name), a letter outside ASCII (2-byte UTF-8 and U+1000-1FFF: accented Latin, Greek,
# Cyrillic, Vietnamese) becomes "~", continuation bytes are dropped (so offsets still match the
# text), an apostrophe stays, anything else splits words.
_TABLE = bytes(c if 97 <= c <= 122 or c == 39 else 35 if 65 <= c <= 90 else 126 if (
    0xC2 <= c < 0xE0 or c == 0xE1) else 32 for c in range(256))
_CONT = bytes(range(0x80, 0xC0))
_START = re.compile(r"(?<![^\W\d_])(?<![^\W\d_]['’-])")  # a word starts here


def _cased(ws: frozenset[str] | set[str]) -> frozenset[str]:
    """The words as the fast list shows them in lower case, capitalised or in capitals."""
    return frozenset(v for w in ws for v in (w, "#" + w[1:], "#" * len(w)))


_HI_FAST = _cased(HI)
# Cues after which a lower-case first name that is also a word may stand ("our grad rowan!"):
# a few, in lower case, so that most texts keep the small candidate set.
_KIN_FAST = frozenset("sweet lil brave grad graduate kiddo warrior champ bestie patient pt kid "
                      "son daughter baby twin".split())
_CUE_NEXT = _cased(GREET | INTRO | KIN) | TITLES | {"#" + w[1:] for w in ROLES}
_YOU, _IS, _ME, _SO, _THE = (_cased(set(ws.split())) for ws in (
    "you u ya yu", "is am", "me", "so much", "the"))
_THANK, _NAME, _CALL, _THANKS, _FAMILY = (_cased(set(ws.split())) for ws in (
    "thank thanks thx ty thnk thnx", "name last first", "call calls called",
    "thank thanks thx ty thnk thnx you u ya yu", " ".join(HOUSEHOLD)))
_CUE_PREV = _CUE_NEXT | _YOU | _IS | _ME | _SO | _THE
_CUE_SECOND = _THANK | _NAME | _CALL | _THANKS | _FAMILY  # "thank you X", "the X family"
_CUE_ANY = _CUE_NEXT | _CUE_SECOND


def _key(word: str) -> str:
    return Tok(0, len(word), word).key


def lower_words(text: str, words: Words) -> Lower | None:
    """The known names written in lower case in `text`, or None when there are none."""
    raw = text.encode("utf-8", "surrogatepass")
    flat = raw.translate(_TABLE, _CONT).decode()
    if "'" in flat:
        flat = (flat + " ").replace("'s ", " ")  # "jenny's" reads "jenny"; "d'amore" stays
    fast = flat.split()
    if "~" in flat and any("~" in w and "#" not in w and len(w) > 2 for w in fast):
        return _read_all(Lower(text, raw), words)  # a lower-case word with accents
    # Hyphenated parts are split off, so a hyphenated name counts only with a part that is a
    # name on its own ("mary-jane", not "will-power").
    staff = words.staff.intersection(fast) if words.staff else set()
    strong = words.strong_plain.intersection(fast) | staff
    # A name that is also a word ("will", "mark") counts only right after a greeting.
    kin = not _KIN_FAST.isdisjoint(fast)
    if _HI_FAST.isdisjoint(fast) and not kin:
        check = strong
    else:
        check = words.known_plain.intersection(fast) | staff
    if not check:
        return None
    cands: set[str] = set()
    if not _CUE_ANY.isdisjoint(fast):
        for w in check:
            cue = _cue_before(fast, w)
            if cue == 2 or (cue == 1 and (w in strong or (kin and w in words.first))):
                cands.add(w)
    lower = Lower(text, raw)
    # Without a cue, a first name counts in lower-case writing only ("eva kleist"), or with an
    # initial after it anywhere ("POD1 check on jess r. this morning").
    rest = strong - cands
    if rest and (". " in text or text.endswith(".")):
        cands |= {w for w in _initialled_words(text) if w in rest and w in words.first}
    if rest and (not words.first.isdisjoint(rest) or not words.staff.isdisjoint(rest)) and (
            lower.lower_text()):
        cands |= rest
    return _read(lower, words, cands) if cands else None


def _cue_before(fast: list[str], w: str) -> int:
    """2: `w` follows a greeting somewhere, 1: another cue, 0: none (a superset of Cues.before)."""
    got = 0
    n = len(fast)
    i = -1
    for _ in range(fast.count(w)):
        i = fast.index(w, i + 1)
        if i == 0:
            continue
        p = fast[i - 1]
        if p not in _CUE_PREV:
            continue
        if p in _HI_FAST:
            return 2
        if p in _CUE_NEXT or (
                p in _YOU and i >= 2 and fast[i - 2] in _THANK
                or p in _IS and i >= 2 and fast[i - 2] in _NAME
                or p in _ME and i >= 2 and fast[i - 2] in _CALL
                or p in _SO and i >= 3 and fast[i - 3] in _THANKS
                or p in _THE and i + 1 < n and fast[i + 1] in _FAMILY):
            got = 1
    return got


def _hit(text: str, words: Words, start: int, greeted: bool) -> tuple[int, int] | None:
    """The span of the word at `start` if it is a known name in lower case."""
    m = WORD.match(text, start)
    if m is None:
        return None
    w = m.group()
    if not w.islower():
        return None
    key = w if w.isascii() and "'" not in w and "’" not in w else _key(w)
    if len(key) < 3 or not words.known(key) or not (greeted or words.strong(key)):
        return None
    return m.span()


def _read(lower: Lower, words: Words, cands: set[str]) -> Lower | None:
    """Find where the candidate words stand as words of their own, and check each."""
    text = lower.text
    spans: dict[int, tuple[int, int]] = {}
    rev = ""
    for w in cands:
        pos = text.find(w)
        while pos >= 0:
            start = pos
            if _START.match(text, pos) is None:
                if text[pos - 1] not in "'’-":
                    pos = text.find(w, pos + 1)
                    continue
                # inside a hyphenated or apostrophed word: read the whole word
                rev = rev or text[::-1]
                back = WORD.search(rev, len(text) - pos - len(w))
                start = len(text) - back.end() if back else pos
            if start not in spans:
                # weak candidates are only those right after a greeting: accept them here
                hit = _hit(text, words, start, True)
                if hit is not None:
                    spans[start] = hit
            pos = text.find(w, pos + 1)
    if not spans:
        return None
    lower.hits = sorted(spans.values())
    lower.strong = {text[a:b] for a, b in lower.hits if words.strong(_key(text[a:b]))}
    return lower


def _read_all(lower: Lower, words: Words) -> Lower | None:
    """Read the text word by word for known names in lower case."""
    text = lower.text
    greeted = not HI.isdisjoint(map(str.lower, WORD.findall(text)))
    for m in WORD.finditer(text):
        w = m.group()
        if not w.islower():
            continue
        key = w if w.isascii() and "'" not in w and "’" not in w else _key(w)
        if len(key) < 3 or not words.known(key):
            continue
        if words.strong(key):
            lower.strong.add(w)
        elif not greeted:
            continue  # a name that is also a word ("will", "mark") only after "thx"
        lower.hits.append(m.span())
    return lower if lower.hits else None


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
        if key in TXT_WORDS or key in SLANG_NAMES and (p is None or p.key not in HI) and (
                not _listed(doc, t, words)):
            continue  # "talk to ur kids abt it", "we went to school for this, karen"
        if cues.before(t) and key not in TITLES and (strong or (
                p is not None and words.is_first(key) and (
                    (p.key in HI and not _reported(doc, p))
                    or (p.key in KIN and key not in CALENDAR and _alone(doc, t))))):
            if gate is None:
                gate = lower.cue_gate(doc, t)
            ok = gate
        else:
            # "in san antonio", "near austin": a town; "purple dino water bottle": a toy
            ok = strong and words.is_first(key) and key not in LOWER_WORDS and (
                p is None or p.key not in _PLACE_BEFORE) and not _inflected(key, words) and (
                lower.lower_text() or _INITIAL_AFTER.match(doc.text, t.end) is not None)
        if not ok:
            continue
        if p is not None and doc.joined(p) is t and p.word.islower() and words.is_first(
                p.key) and p.key not in _NOT_BEFORE and len(p.key) > 2 and not any(
                    s <= p.start < e for s, e in taken):
            t = p  # "tommy john": a first name that is also a word, before a name
        last = doc.tok(start, end)
        nxt = doc.joined(last)
        if nxt is not None and nxt.word.islower() and nxt.key in words.last and words.strong(
                nxt.key):
            last = nxt
        elif nxt is not None and _INITIAL_AFTER.match(doc.text, last.end) is not None:
            last = nxt  # "jess r.": the initial is part of the name
        out.append((t, last))
        taken.append((t.start, last.end))
    return out


_PLACE_BEFORE = PLACE_STARTS | {"in", "near", "outta"}
# A lower-case first name with a surname initial after it ("jess r.", "jayden m. from"): a
# person, as "Marcus T." is; not "u." ("thank u.").
_INITIAL_AFTER = re.compile(r" [a-tv-zA-Z]\.(?![\w.])")
_INITIALLED = re.compile(r"(?<![\w'’-])([a-z]{3,}) [a-tv-zA-Z]\.(?![\w.])")


def _initialled_words(text: str) -> set[str]:
    """Lower-case words followed by an initial and its dot ("jess r.")."""
    return {m[1] for m in _INITIALLED.finditer(text)}
_NOT_BEFORE = LOWER_WORDS | GREET | INTRO | KIN | TITLES | CALENDAR
_REPORTING = frozenset("say says said saying tell tells told".split())


def _inflected(key: str, words: Words) -> bool:
    """A common word with an ending: "fireworks burns", "river banks" (not "james"), or with its
    final g dropped in speech: "after the brandin", "calvin season" (not "kevin")."""
    if key.endswith("in") and len(key) > 4 and words.common_word(key + "g"):
        return True
    return key.endswith("s") and (words.common_word(key[:-1]) or (
        key.endswith("es") and words.common_word(key[:-2])))


_LIST_GAPS = frozenset((", ", " and ", " & ", ", and "))


def _listed(doc: Doc, t: Tok, words: Words) -> bool:
    """t stands in a list of names: "kristina, chad and caleb"."""
    p = doc.prev(t)
    if p is not None and doc.text[p.end:t.start] in _LIST_GAPS and words.known(p.key):
        return True
    n = doc.next(t)
    return n is not None and doc.text[t.end:n.start] in _LIST_GAPS and words.known(n.key)


def _alone(doc: Doc, t: Tok) -> bool:
    """No word follows t in its clause: "our NICU grad rowan!!!", not "my son will be"."""
    rest = doc.text[t.end:t.end + 3].lstrip(" ")
    return rest == "" or not (rest[0].isalnum() or rest[0] in "'’-")


def _reported(doc: Doc, greeting: Tok) -> bool:
    """A greeting passed on, not said: "Darnell says hi back", "tell her hi"."""
    p = doc.prev(greeting)
    return p is not None and p.key in _REPORTING


# Lower-case forms of address before a lower-case initial ("mrs h", "ms p's"): the initial is a
# name (../shared/corpus/README.md: "an initial ... is NAME when it refers to a patient"); not
# "a", "i" or txt-speak "u", "r" ("we miss u").
_INITIAL_TITLES = tuple(f"{t}{d} " for t in ("mrs", "mr", "ms", "miss", "mx") for d in ("", "."))
_INITIAL_END = frozenset(" ,.!?):;\n")
# After "pt" or "client" only an initial with its dot: "my client j. opened up" (not "pt x 3d").
_CUE_INITIALS = ("pt ", "patient ", "client ")


def lower_initials(text: str) -> list[tuple[int, int]]:
    """Spans of lower-case initials after a lower-case title: "mrs h", "saw ms p's knee"."""
    out: list[tuple[int, int]] = []
    titled = "mr" in text or "ms" in text or "miss" in text or "mx" in text
    for title in _INITIAL_TITLES if titled else ():
        pos = text.find(title)
        while pos >= 0:
            at = pos + len(title)
            c = text[at:at + 1]
            after = text[at + 1:at + 2]
            if ("a" <= c <= "z" and c not in "aiur" and (pos == 0 or not text[pos - 1].isalnum())
                    and (after == "" or after in _INITIAL_END or (
                        after in "'’" and text[at + 2:at + 3] == "s"
                        and not text[at + 3:at + 4].isalnum()))):
                out.append((at, at + 1))
            pos = text.find(title, pos + 1)
    for cue in _CUE_INITIALS if "t " in text else ():
        pos = text.find(cue)
        while pos >= 0:
            at = pos + len(cue)
            if "a" <= text[at:at + 1] <= "z" and text[at + 1:at + 2] == "." and (
                    pos == 0 or not text[pos - 1].isalnum()) and not text[at + 2:at + 3].isalpha():
                out.append((at, at + 1))
            pos = text.find(cue, pos + 1)
    return out
