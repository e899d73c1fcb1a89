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

For speed only capitalised words (one regex scan) and lower-case known names are read, in context.
"""

from __future__ import annotations

import re

from bedside.guard.context import Practice
from bedside.guard.findings import Entity
from bedside.guard.namelists import (
    CALENDAR,
    LOWER_FACILITIES,
    PARTICLES,
    PLACE_PREFIXES,
    PLACE_STARTS,
    PLACE_SUFFIXES,
    TITLES,
    US_STATES,
    address_words,
    fold,
    is_public,
)
from bedside.guard.names_context import (
    LEADS,
    WORD,
    WORD_ASCII,
    Cues,
    Doc,
    Tok,
    Words,
    ascii_words,
    not_person,
    own_place,
    practice_words,
)
from bedside.guard.names_lower import lower_initials, lower_names, lower_words
from bedside.guard.names_scan import capitals, caps_vocative, surname_shape
from bedside.guard.names_staff import staff_role
from bedside.guard.names_web import url_names, web
from bedside.guard.normalize import Normalized

_DIGIT = re.compile(r"\d")
# A short capitalised word and a space just before: maybe "St. " or "Lake " (see _place).
_PREFIX_HINT = re.compile(r"[A-Z\u00c0-\U0010ffff][^\W\d_]{0,7}\.? \Z")
# A number just before or just after: a street ("6076 Piroska", "Jana Nerudy 894"); a state
# code or postcode after: a town on an address line ("Porto Alegre\n, RS").
_NUM_BEFORE = re.compile(r"\d[\s,]*(?:Apt\.?|Suite|Unit)?[\s,]*\d*[\s,]*\Z")
_PLACE_AFTER = re.compile(
    r"[ \t]*(?:\d|u\.|\n?\s*,\s*(?:(?!RN|MD|DO|NP|PA|DC|OD|PT|OT)[A-Z]{2}\b|nan\b|\d{4}))")
# Prepositions after which a lone capitalised word is a place ("in Austin"); "to" and "from"
# also take people ("a card from Kyle").
_LOCATIVE = frozenset(("in", "near", "outta"))
# Capitalised words of one's own after which a name is a place: "out of Cortez".
_OUT_OF = ("out", "of")
# Acronyms after a name that make it a place or a body ("the Winslow VFW", "Round Rock ISD"),
# and ship prefixes before one ("USNS Bergman FPO AA").
_UPPER_PLACES = frozenset("ISD VFW YMCA YWCA FD PD EMS FPO APO DPO".split())
_SHIPS = frozenset("USS USNS USNV USCGC HMS RMS".split())
_PATIENT = frozenset(("pt", "patient", "client"))
_HONORIFICS = frozenset(("mr", "mrs", "ms", "miss", "mx", "mister", "madam"))
_LIST_SEPS = frozenset((", ", " and ", " & ", ", and ", " or "))
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n][\s\"'()]*|[^\w\s,'-]\s+)\s*$")

Run = tuple[Tok, Tok]  # first and last word of a name


class _Finder:
    def __init__(self, text: str, words: Words, masked: list[tuple[int, int]],
                 word: re.Pattern[str] = WORD) -> None:
        self.text = text
        self.doc = Doc(text, word)
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
        kind = self.words.kinds.get(t.word)
        if kind is None:
            kind = self._kind(t)
            if len(self.words.kinds) > 20000:
                self.words.kinds.clear()  # a bound on the per-practice memo
            self.words.kinds[t.word] = kind
        t.kind = kind
        return kind

    def _kind(self, t: Tok) -> str:
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
        return kind

    def find(self, spans: list[tuple[int, int]], titles: list[Tok]) -> list[Run]:
        """Names among capitalised words (`spans`) and after lower-case `titles`."""
        doc = self.doc
        found: list[Run] = []
        pending: list[tuple[Tok, Tok, bool]] = []
        cands = [doc.tok(a, b) for a, b in spans]
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
            last = doc.joined(t, True)
            if last is None:
                self._one(t, found, pending)  # most runs are one word
                pos = t.end
                continue
            run = [t]
            last = t
            while len(run) < 6:
                nxt = doc.joined(last, True)
                if nxt is None or (self.masked and self.skipped(nxt)):
                    break
                if not nxt.cap:
                    after = doc.joined(nxt, True) if nxt.key in PARTICLES else None
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
        elif title.key == "doc" and len(nxt.key) == 1 or nxt.word == "I" and title.key not in (
                _HONORIFICS) and (after := self.doc.next(nxt)) and after.word.islower():
            return None  # a sign-off "-Doc S"; the pronoun "Coach I told you", not "Mrs. I"
        if nxt.key in TITLES or nxt.key in CALENDAR or nxt.key in PLACE_SUFFIXES:
            return None  # "Dr. Office" is rare; "Dr. Monday" and "Mr. Hospital" are not names
        last = nxt
        for _ in range(3):
            after = self.doc.joined(last, True)
            if after is None or not after.cap or self.kind(after) not in "SWUI" or (
                    after.key in PLACE_SUFFIXES):
                break
            last = after
        return (nxt, last)

    def _one(self, t: Tok, found: list[Run], pending: list[tuple[Tok, Tok, bool]]) -> None:
        """Judge a run of one word, followed by no capitalised word."""
        kind = t.kind or self.kind(t)
        if kind == "I" and self._patient_initial(t):
            found.append((t, t))
            return
        if kind == "C" or kind == "I" or t.key in PARTICLES:
            return  # a lone initial or word
        verdict = self._single(t, t, kind)
        if verdict is True:
            if not self._place(t, t, False):
                found.append((t, t))
        elif verdict is None:
            pending.append((t, t, kind == "S"))

    def _segments(self, run: list[Tok], found: list[Run],
                  pending: list[tuple[Tok, Tok, bool]]) -> None:
        kinds = [self.kind(t) for t in run]
        n = len(run)
        if n > 1 and self.words.common_word(run[0].key) and _SENTENCE_START.search(
                self.text, 0, run[0].start):
            kinds[0] = "C"  # "Welcome Tasha Green": a sentence's first common word leads in
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

    def _place(self, a: Tok, b: Tok, joined: bool = True) -> bool:
        """A place or a facility: "St. John", "Chatham High", "6076 Piroska", "Porto Alegre, RS".

        `joined` False: no capitalised word follows b.
        """
        text = self.text
        if a is not b and a.key in PLACE_STARTS and a.cap:
            return True  # "Port Agate", "Lake Travis", "San Marcos": a run that starts as a place
        if a is b and a.key in US_STATES:
            return True
        if _PREFIX_HINT.search(text, max(0, a.start - 11), a.start):
            p = self.doc.prev(a)
            if p is not None and p.cap and p.key in PLACE_PREFIXES and (
                    text[p.end:a.start] in (" ", ". ")):
                return True
            if p is not None and p.word in _SHIPS and text[p.end:a.start] == " ":
                return True  # "USNS Bergman": a ship, on a military address
        if text[b.end:b.end + 1] == " " and "A" <= text[b.end + 1:b.end + 2] <= "Z":
            m = WORD_ASCII.match(text, b.end + 1)
            if m is not None and m[0] in _UPPER_PLACES:
                return True
        if joined:
            nxt = self.doc.joined(b, True)
            if nxt is not None and nxt.cap and nxt.key in PLACE_SUFFIXES:
                return True
        # "Gandy bridge", "the Mary Vinson library": a facility noun in any case after the run
        low = self.doc.joined(b)
        if low is not None and low.key in LOWER_FACILITIES:
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
            return self._patient_initial(a)  # "pt J.M. (34)"
        if len(words) == 1:
            return self._single(a, b, words[0])
        cues = self.cues
        if "S" in words or "I" in kinds[1:-1] or cues.before(a) or cues.after(b) or (
                cues.whole_line(a, b)):
            return True
        if words[0] == "W" and "U" in words and self.words.is_first(a.key):
            return True
        if all(k == "U" for k in words) and len(words) <= 3 and (
                not self.doc.brk(a) or any(surname_shape(t.key) for t in seg)):
            return True  # "Vidica Zakoč", "Zargan Vedzizhev": two unknown capitalised words
        return None

    def _single(self, a: Tok, b: Tok, kind: str) -> bool | None:
        """The verdict on a run with one word of kind `kind` (a..b may add initials)."""
        cues = self.cues
        doc = self.doc
        if kind == "S":
            if a is b and self._locative(a) and not cues.after(b):
                return False  # "a meeting in Austin", "a clinic in Kyle": a town
            if self.words.is_first(a.key) or cues.before(a) or cues.after(b):
                return True
            if doc.brk(a) and not cues.verb_next(b):
                return None  # "Billing address:": a sentence-initial surname-only word
            p = doc.prev(a)
            if p is not None and p.key in LEADS:
                return None  # "in Chatham": a town before a surname
            return True
        if (kind == "U" and surname_shape(a.key) and not doc.brk(a)) or cues.before(
                a) or cues.after(b):
            return True  # "early Khadzhiyev": a surname by its ending
        return None if kind in "WU" else False

    def _patient_initial(self, t: Tok) -> bool:
        """An initial with its dot right after "pt", "patient" or "client": "my patient J. is"."""
        p = self.doc.prev(t)
        return p is not None and p.key in _PATIENT and self.text[p.end:t.start] == " " and (
            self.text[t.end:t.end + 1] == ".")

    def _locative(self, t: Tok) -> bool:
        """t follows "in" or "near" and is no possessive: a place, not a person."""
        p = self.doc.prev(t)
        if p is None or not p.word.islower() or self.text[p.end:t.start] != " " or (
                t.word.endswith(("'s", "’s"))):
            return False
        if p.key == "of":
            pp = self.doc.prev(p)
            return pp is not None and pp.key == "out" and self.text[pp.end:p.start] == " "
        return p.key in _LOCATIVE

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
            if not found and not any(x[2] for x in pending):
                return
            spans = [(a.start, b.end) for a, b in found]
            keep: list[tuple[Tok, Tok, bool]] = []
            for item in pending:
                a, b, _strong = item
                near = any((0 < a.start - e <= 7 and text[e:a.start] in _LIST_SEPS) or (
                    0 < s - b.end <= 7 and text[b.end:s] in _LIST_SEPS) for s, e in spans)
                if not near:
                    near = any(x is not item and x[2] and self._listed(x, item)
                               and not self._place_of(x) for x in pending)
                if near and a.cap and not self._place_of(item):
                    found.append((a, b))
                else:
                    keep.append(item)
            if len(keep) == len(pending):
                return
            pending[:] = keep


def find_names(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every personal-name span (original offsets); `own` marks the practice's staff."""
    text = norm.text.text
    words, people = practice_words(practice.staff)
    urls: list[re.Match[str]] = []
    masked: list[tuple[int, int]] = []
    if "/" in text or "@" in text or "www." in text:
        urls, masked = web(text)
    word = WORD_ASCII if ascii_words(text) else WORD
    spans = capitals(text, words.plain_caps, word)
    lower = lower_words(text, words)
    initials = lower_initials(text)
    called = caps_vocative(text, words.first) if text[:1].isalpha() else None
    if called is not None:
        initials.append(called)  # one word of its own, like an initial
    if not spans and lower is None and not urls and not initials:
        return []
    finder = _Finder(text, words, masked, word)
    runs = finder.find(spans, lower.titles(finder.doc) if lower else [])
    if lower:
        runs += lower_names(finder.doc, finder.cues, lower, runs, masked)
    if urls:
        runs += [(t, t) for t in url_names(urls, words)]
    if initials:
        taken = [(a.start, b.end) for a, b in runs] + masked
        runs += [(finder.doc.tok(s, e),) * 2 for s, e in initials
                 if not any(a <= s < b for a, b in taken)]
    doc = finder.doc
    runs = [(a, b) for a, b in runs if not not_person(doc, a, b, _after_title(doc, a))]
    out: list[Entity] = []
    runs_first = {a.start: a for a, _ in runs}
    # The practice's own street, town and name ("from the Magnolia crew") are never a person.
    places = address_words(practice.addresses + (practice.name,))
    for start, end in sorted({(a.start, _end(b)) for a, b in runs}):
        if places and runs_first[start].key in places and own_place(
                finder.doc, runs_first[start], end, places):
            continue
        o_start, o_end = norm.text.span(start, end)
        own = staff_role(finder.doc, runs_first[start], end)
        if not own and runs_first[start].key in words.staff:
            keys = {fold(w).removesuffix("'s").removesuffix("’s")
                    for w in WORD.findall(text, start, end)}
            own = any(keys <= person for person in people)
        out.append(Entity("NAME", o_start, o_end, norm.original[o_start:o_end], own))
    return out


def _after_title(doc: Doc, t: Tok) -> bool:
    """A title or form of address stands just before t ("Mrs. Bell", "coach dupre")."""
    p = doc.prev(t)
    return p is not None and p.key in TITLES and doc.text[p.end:t.start] in (" ", ". ")


def _end(t: Tok) -> int:
    return t.end - 2 if t.word.endswith(("'s", "’s")) else t.end


def is_public_name(text: str) -> bool:
    """True for public figures and historical physicians, who are never patients."""
    return is_public(text)

