"""Personal names, whoever they belong to (Safe Harbor identifier (A), 45 CFR 164.514(b)(2)(i)(A)).

A name is hard to tell from a word, so each candidate needs evidence, strongest first:
- a title or form of address before it ("Mr. Novak", "Mrs. K", "Baby Liam", "mrs garcia");
- a cue around it: a greeting ("Hi Sandra,", "thx jenny!"), "my name is", "says X", "my kid X",
  "the X family", a speaker label, a list of other names ("Kadiev and Adams");
- the name lists (data/names_*.txt, US Census and faker, see data/NOTICE-names.md): a word that is
  a known name and not a common English word ("Marisol", "Okafor") is a name on its own; one that
  is also a common word ("Will", "Hope", "Brown") only next to another name or with a cue;
- shape: two or three capitalised words, at least one a known name ("Hijacinta Godina").
Places and organisations are kept out by the words around them ("St. John's", "Chatham High",
"Springfield Memorial"). Names inside web addresses and handles are found too; names inside an
e-mail address are left to the EMAIL entity that already covers them. Spans exclude titles.

For speed only a few places are read: capitalised words (one regex scan), and lower-case words
that are known names (set lookups on the post's words), with the words around them.
"""

from __future__ import annotations

import re

import regex

from bedside.guard.context import Practice
from bedside.guard.findings import Entity
from bedside.guard.namelists import (
    CALENDAR,
    PARTICLES,
    PLACE_PREFIXES,
    PLACE_SUFFIXES,
    TITLES,
    fold,
    is_public,
)
from bedside.guard.names_context import LEADS, Cues, Doc, Tok, Words, practice_words
from bedside.guard.names_lower import lower_names, lower_words
from bedside.guard.normalize import Normalized

# A word starting with a letter that is not a-z (upper case, or any non-ASCII letter: the
# finder checks the case), preceded by no letter and no letter-plus-joiner.
_CAP = re.compile(r"[^\W\d_a-z](?<![^\W\d_].)(?<![^\W\d_]['’-].)"
                  r"[^\W\d_]*(?:['’][^\W\d_]+|-[^\W\d_]+)*")
_DIGIT = re.compile(r"\d")
_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+|-[\p{L}\p{M}]+)*")
_URL = regex.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S+|(?<![\w.])@[\w.]{3,}", regex.I)
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A number just before or just after: a street ("6076 Piroska", "Jana Nerudy 894"); a state
# code or postcode after: a town on an address line ("Porto Alegre\n, RS").
_NUM_BEFORE = regex.compile(r"\d[\s,]*(?:Apt\.?|Suite|Unit)?[\s,]*\d*[\s,]*\Z")
_PLACE_AFTER = regex.compile(
    r"[ \t]*(?:\d|u\.|\n?\s*,\s*(?:(?!RN|MD|DO|NP|PA|DC|OD|PT|OT)[A-Z]{2}\b|nan\b|\d{4}))")
_URL_PART = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})")
# Endings that mark a surname in many languages (Slavic, Nordic, Finnish, Baltic, Georgian,
# Armenian, Romanian, Turkish); folded, so "-ić" reads "-ic".
_SURNAME_SHAPE = regex.compile(
    r"(?:[^aeiou]ov|[^aeiou]ova|[^aeiou]ev|[^aeiou]eva|enko|[^e]ski|ska|sky|wicz|[vk]ic|nen|sson|"
    r"dottir|escu|oglu|idze|shvili|zadeh|yan|poulos|akis)$")
_LIST_SEPS = (", ", " and ", " & ", ", and ", " or ")

Run = tuple[Tok, Tok]  # first and last word of a name


class _Finder:
    def __init__(self, text: str, words: Words, masked: list[tuple[int, int]]) -> None:
        self.text = text
        self.doc = Doc(text)
        self.words = words
        self.cues = Cues(self.doc, words)
        self.masked = masked
        self.places: dict[int, bool] = {}  # run start -> a place, computed when needed

    def skipped(self, t: Tok) -> bool:
        return any(s <= t.start < e for s, e in self.masked)

    def kind(self, t: Tok) -> str:
        """S strong name, W name that is also a word, C word, U unknown, I initial."""
        if t.kind:
            return t.kind
        word = t.word
        key = t.key
        words = self.words
        if not t.cap and key not in PARTICLES:
            kind = "C"
        elif len(word) == 1:
            kind = "I" if word.isupper() else "C"
        elif "'" in word and not word.endswith("'s") and not word[2:3].isupper():
            kind = "C"  # "I'm", "Don't"; but "O'Brien"
        elif key in PLACE_SUFFIXES or key in CALENDAR:
            kind = "C"
        else:
            common = words.common_word(key) or key in TITLES
            if words.known(key):
                kind = "W" if common else "S"
            else:
                kind = "C" if common or t.upper else "U"
        t.kind = kind
        return kind

    def find(self, titles: list[Tok]) -> list[Run]:
        """Names among capitalised words and after titles (`titles`: lower-case ones in use)."""
        doc = self.doc
        found: list[Run] = []
        pending: list[tuple[Tok, Tok, bool]] = []
        plain = self.words.plain_caps
        cands = [doc.tok(m.start(), m.end()) for m in _CAP.finditer(self.text)
                 if m.group() not in plain]
        if titles:
            cands = sorted(cands + titles, key=lambda t: t.start)
        pos = 0
        for t in cands:
            if t.start < pos:
                continue
            if t.key in TITLES:
                nxt = doc.joined(t)
                if nxt is not None:
                    got = self._titled(t, nxt)
                    if got is not None:
                        found.append(got)
                        pos = got[1].end
                        continue
            if not t.cap or (self.masked and self.skipped(t)):
                continue
            run = [t]
            last = t
            while len(run) < 6:
                nxt = doc.joined(last)
                if nxt is None or (self.masked and self.skipped(nxt)):
                    break
                if not nxt.cap:
                    after = doc.joined(nxt) if nxt.key in PARTICLES else None
                    if after is None or not after.cap:
                        break
                run.append(nxt)
                last = nxt
            self._segments(run, found, pending)
            pos = last.end
        if pending:
            self._adjacent(found, pending)
        return found

    def _titled(self, title: Tok, nxt: Tok) -> Run | None:
        words = self.words
        if not nxt.cap:
            # "mrs garcia", "dr patel": lower case only for a known name
            if words.common_word(nxt.key) or not (
                    title.word.islower() and words.known(nxt.key) and len(nxt.key) > 2):
                return None
        elif not title.cap and not title.upper:
            return None
        if nxt.key in TITLES or nxt.key in CALENDAR or nxt.key in PLACE_SUFFIXES:
            return None  # "Dr. Office" is rare; "Dr. Monday" and "Mr. Hospital" are not names
        last = nxt
        for _ in range(3):
            after = self.doc.joined(last)
            if after is None or not after.cap or self.kind(after) not in "SWUI" or (
                    after.key in PLACE_SUFFIXES):
                break
            last = after
        return (nxt, last)

    def _segments(self, run: list[Tok], found: list[Run],
                  pending: list[tuple[Tok, Tok, bool]]) -> None:
        kinds = [self.kind(t) for t in run]
        n = len(run)
        a = 0
        while a < n:
            if kinds[a] == "C" or run[a].key in PARTICLES:
                a += 1
                continue
            b = a
            while b + 1 < n and kinds[b + 1] != "C":
                b += 1
            while b > a and run[b].key in PARTICLES:
                b -= 1
            verdict = self._judge(run[a:b + 1], kinds[a:b + 1])
            if verdict is True:
                found.append((run[a], run[b]))
            elif verdict is None:
                pending.append((run[a], run[b], "S" in kinds[a:b + 1]))
            a = b + 1

    def _place(self, a: Tok, b: Tok) -> bool:
        """A place or a facility: "St. John", "Chatham High", "6076 Piroska", "Porto Alegre, RS"."""
        text = self.text
        p = self.doc.prev(a)
        if p is not None and p.cap and p.key in PLACE_PREFIXES and (
                text[p.end:a.start] in (" ", ". ")):
            return True
        nxt = self.doc.joined(b)
        if nxt is not None and nxt.cap and nxt.key in PLACE_SUFFIXES:
            return True
        lo = max(0, a.start - 24)
        if _DIGIT.search(text, lo, a.start) and _NUM_BEFORE.search(text, lo, a.start):
            return True
        c = text[b.end:b.end + 1]
        return (c.isspace() or c == "," or c.isdigit()) and not b.word.endswith(
            ("'s", "’s")) and _PLACE_AFTER.match(text, b.end) is not None

    def _judge(self, seg: list[Tok], kinds: list[str]) -> bool | None:
        """True: a name; None: a name only next to another name; False: not a name."""
        verdict = self._verdict(seg, kinds)
        # A doubtful run is checked for a place only if a neighbouring name would accept it.
        if verdict is True and self._place(seg[0], seg[-1]):
            return False
        return verdict

    def _verdict(self, seg: list[Tok], kinds: list[str]) -> bool | None:
        a, b = seg[0], seg[-1]
        words = [k for k in kinds if k != "I"]
        if not words:
            return False
        cues = self.cues
        doc = self.doc
        if len(words) >= 2:
            if "S" in words or "I" in kinds[1:-1] or cues.before(a) or cues.after(b) or (
                    cues.whole_line(a, b)):
                return True
            if words[0] == "W" and "U" in words and self.words.is_first(a.key):
                return True
            if all(k == "U" for k in words) and len(words) <= 3 and (
                    not doc.brk(a) or any(_SURNAME_SHAPE.search(t.key) for t in seg)):
                return True  # "Vidica Zakoč", "Zargan Vedzizhev": two unknown capitalised words
            return None
        kind = words[0]
        if kind == "S":
            if self.words.is_first(a.key) or cues.before(a) or cues.after(b):
                return True
            if doc.brk(a) and not cues.verb_next(b):
                return None  # "Billing address:": a sentence-initial surname-only word
            p = doc.prev(a)
            if p is not None and p.key in LEADS:
                return None  # "in Chatham": a town before a surname
            return True
        if (kind == "U" and not doc.brk(a) and _SURNAME_SHAPE.search(a.key)) or cues.before(
                a) or cues.after(b):
            return True  # "early Khadzhiyev": a surname by its ending
        return None if kind in "WU" else False

    def _place_of(self, item: tuple[Tok, Tok, bool]) -> bool:
        got = self.places.get(item[0].start)
        if got is None:
            got = self.places[item[0].start] = self._place(item[0], item[1])
        return got

    def _listed(self, x: tuple[Tok, Tok, bool], y: tuple[Tok, Tok, bool]) -> bool:
        first, second = (x, y) if x[0].start < y[0].start else (y, x)
        return self.text[first[1].end:second[0].start] in (" and ", " & ", ", ", ", and ")

    def _adjacent(self, found: list[Run], pending: list[tuple[Tok, Tok, bool]]) -> None:
        """Accept a doubtful run listed with a name: "Kadiev and Adams", "Janet and Terri"."""
        text = self.text
        for _ in range(2):
            ends = {b.end for _, b in found}
            starts = {a.start for a, _ in found}
            keep: list[tuple[Tok, Tok, bool]] = []
            for item in pending:
                a, b, _strong = item
                near = any(a.start - len(s) in ends and text.endswith(s, 0, a.start)
                           for s in _LIST_SEPS) or any(
                    b.end + len(s) in starts and text.startswith(s, b.end) for s in _LIST_SEPS)
                if not near:
                    near = any(x is not item and x[2] and self._listed(x, item)
                               and not self._place_of(x) for x in pending)
                if near and a.cap and not self._place_of(item):
                    found.append((a, b))
                else:
                    keep.append(item)
            pending[:] = keep

    def url_names(self) -> list[Run]:
        """First names inside web addresses and handles ("gofundme.example/kayla-strong-fight")."""
        words = self.words
        spans: list[Run] = []
        for m in _URL.finditer(self.text):
            for part in _URL_PART.finditer(m.group()):
                key = fold(part.group())
                if len(key) >= 3 and words.is_first(key) and not words.common_word(key):
                    start = m.start() + part.start()
                    t = Tok(start, m.start() + part.end(), part.group())
                    spans.append((t, t))
        return spans


def find_names(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every personal-name span (original offsets); `own` marks the practice's staff."""
    text = norm.text.text
    words, people = practice_words(practice.staff)
    masked: list[tuple[int, int]] = []
    if "/" in text or "@" in text or "www." in text:
        masked = [m.span() for m in _URL.finditer(text)]
        if "@" in text:
            masked += [m.span() for m in _EMAIL.finditer(text)]
    finder = _Finder(text, words, masked)
    lower = lower_words(text, words)
    runs = finder.find(lower.titles(finder.doc) if lower else [])
    if lower:
        runs += lower_names(finder.doc, finder.cues, lower, runs, masked)
    if masked:
        runs += finder.url_names()
    out: list[Entity] = []
    for start, end in sorted({(a.start, _end(b)) for a, b in runs}):
        o_start, o_end = norm.text.span(start, end)
        keys = {fold(w) for w in _TOKEN.findall(text[start:end])}
        keys = {k[:-2] if k.endswith(("'s", "’s")) else k for k in keys}
        own = any(keys <= person for person in people)
        out.append(Entity("NAME", o_start, o_end, norm.original[o_start:o_end], own))
    return out


def _end(t: Tok) -> int:
    return t.end - 2 if t.word.endswith(("'s", "’s")) else t.end


def is_public_name(text: str) -> bool:
    """True for public figures and historical physicians, who are never patients."""
    return is_public(text)

