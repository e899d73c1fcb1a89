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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from bedside.guard.context import Practice
from bedside.guard.findings import Entity
from bedside.guard.namelists import (
    CALENDAR,
    PARTICLES,
    PLACE_PREFIXES,
    PLACE_SUFFIXES,
    TITLES,
    NameLists,
    fold,
    is_public,
    name_lists,
    staff_names,
)
from bedside.guard.normalize import Normalized

_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+|-[\p{L}\p{M}]+)*")
# The stdlib engine is about twice as fast as `regex` for this simple scan.
_GAP_TOKEN = re.compile(r"([\W\d_]*)([^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*)")
# A gap that ends a sentence or a line, or holds an emoji or a bullet: the next word may be
# capitalised for that reason alone.
_BREAK = regex.compile(r"[.!?:;\n\r\t>•|()\[\]\"“”*#]|[^\p{L}\p{N}\s,'’&/@+%$=~_-]")
_URL = regex.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S+|(?<![\w.])@[\w.]{3,}", regex.I)
# A number just before or just after: a street ("6076 Piroska", "Jana Nerudy 894"); a state
# code or postcode after: a town on an address line ("Porto Alegre\n, RS").
_NUM_BEFORE = regex.compile(r"\d[\s,]*(?:Apt\.?|Suite|Unit)?[\s,]*\d*[\s,]*\Z")
_PLACE_AFTER = regex.compile(
    r"[ \t]*(?:\d|u\.|\n?\s*,\s*(?:(?!RN|MD|DO|NP|PA|DC|OD|PT|OT)[A-Z]{2}\b|nan\b|\d{4}))")
_URL_PART = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})")

# Words before a name that say what follows is a name, even an unknown one.
_GREET = frozenset("hi hello hey dear thanks thx ty congrats congratulations welcome bye yo "
                   "hiya howdy cheers love xoxo sincerely regards".split())
_INTRO = frozenset("named names name called says said asks asked wrote writes replied tells "
                   "told".split())
_KIN = frozenset("kid kids son daughter wife husband mom mother dad father brother sister partner "
                 "grandson granddaughter grandma grandpa niece nephew friend boyfriend girlfriend "
                 "fiance fiancee patient pt baby twins cousin child spouse colleague coworker "
                 "neighbor neighbour boss user customer client attn contact maiden".split())
_AFTER = frozenset("says said asks asked wrote lives lived is was who has had writes told".split())
_ROLES = frozenset("producer songwriter writer author director singer player actor actress "
                    "professor student manager".split())
_VERBS = frozenset("and will can could would should may might just also began spent shouted "
                   "went got made did does do is was has had".split())
_LEADS = frozenset("in at from near to into across".split())


# Endings that mark a surname in many languages (Slavic, Nordic, Finnish, Baltic, Georgian,
# Armenian, Romanian, Turkish); folded, so "-ić" reads "-ic".
_SURNAME_SHAPE = regex.compile(
    r"(?:[^aeiou]ov|[^aeiou]ova|[^aeiou]ev|[^aeiou]eva|enko|[^e]ski|ska|sky|wicz|[vk]ic|nen|sson|"
    r"dottir|escu|oglu|idze|shvili|zadeh|yan|poulos|akis)$")
_LOWER_CUE = regex.compile(
    r"\b(?:" + "|".join(sorted(_GREET | _INTRO | _KIN | {"you", "me", "is", "am"}))
    + r")\s+[\p{Ll}]", regex.I)
_CAP_INSIDE = regex.compile(r"[\p{L}\p{M}][ ,]+\p{Lu}|\p{Lu}\p{Lu}")


def _lower_text(text: str) -> bool:
    """No capital letter except at the start of a sentence: messy all-lower-case writing."""
    return _CAP_INSIDE.search(text) is None


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    word: str
    key: str  # folded, possessive removed
    cap: bool  # starts upper case, not all capitals (or a single letter)
    upper: bool  # all capitals, 2+ letters
    brk: bool  # starts a sentence or a line


def _tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    append = toks.append
    pos = 0
    brk = True
    for gap, word in _GAP_TOKEN.findall(text):
        start = pos + len(gap)
        pos = start + len(word)
        if gap != " " and toks:
            brk = _BREAK.search(gap) is not None
        elif toks:
            brk = False
        if word.islower():
            key = word if word.isascii() else fold(word)
            cap = upper = False
        else:
            key = word.lower() if word.isascii() else fold(word)
            upper = len(word) > 1 and word.isupper()
            cap = not upper and word[0].isupper()
        if "'" in key or "’" in key:
            key = key.removesuffix("'s").removesuffix("’s")
        append(_Tok(start, pos, word, key, cap, upper, brk))
    return toks


class _Finder:
    def __init__(self, text: str, lists: NameLists, staff: frozenset[str]) -> None:
        self.text = text
        self.lists = lists
        self.staff = staff
        self.toks = _tokens(text)
        self.skip: list[bool] = [False] * len(self.toks)
        self.lower_text = _lower_text(text)

    # Word classes ---------------------------------------------------------------------------
    def known(self, key: str) -> bool:
        lists = self.lists
        if key in lists.first or key in lists.last or key in self.staff:
            return True
        if "-" in key:
            return all(p in lists.first or p in lists.last for p in key.split("-"))
        return False

    def first(self, key: str) -> bool:
        return key in self.lists.first or key in self.staff

    def common(self, key: str) -> bool:
        return key in self.lists.common and key not in self.staff

    def strong(self, key: str) -> bool:
        return self.known(key) and not self.common(key)

    # Cues -----------------------------------------------------------------------------------
    def gap(self, i: int) -> str:
        """Text between token i-1 and token i."""
        return self.text[self.toks[i - 1].end:self.toks[i].start] if i > 0 else ""

    def cue_before(self, i: int) -> bool:
        toks = self.toks
        if i == 0:
            return False
        prev = toks[i - 1].key
        gap = self.gap(i)
        if "\n" in gap:
            return False
        if prev in _GREET:
            return gap in (" ", ", ")
        if prev in _INTRO or prev in _KIN:
            return gap == " " or (prev == "name" and gap.strip() == ":")
        if prev == "you" and i >= 2 and toks[i - 2].key == "thank":
            return True
        if prev in ("is", "am", "name") and i >= 2 and toks[i - 2].key in ("name", "last", "first"):
            return gap in (" ", "? ", ": ")
        if prev == "me" and i >= 2 and toks[i - 2].key in ("call", "calls", "called"):
            return True
        if prev in _ROLES and toks[i - 1].cap and gap == " ":
            return True
        if prev in ("so", "much") and i >= 3 and toks[i - 3].key in ("thank", "thanks"):
            return True
        if prev == "the" and i + 1 < len(toks) and toks[i + 1].key in ("family", "families"):
            return True
        return False

    def cue_after(self, j: int) -> bool:
        """Cue after the run that ends with token j."""
        toks = self.toks
        if j + 1 >= len(toks):
            return False
        nxt = toks[j + 1]
        gap = self.text[toks[j].end:nxt.start]
        if gap.strip() == "" and nxt.key in _AFTER and nxt.word.islower():
            return nxt.key not in ("is", "was", "has", "had", "who") or self._is_from(j + 1)
        if gap.startswith(":") and toks[j].brk and "\n" not in gap and self._line_start(j) and (
                self.known(toks[j].key)):
            return True  # a speaker label: "Ubul: What a wife."
        word = toks[j].word
        if word.endswith(("'s", "’s")) and nxt.key in _KIN:
            return True  # "Asya's kid"
        return False

    def _verb_next(self, j: int) -> bool:
        """A verb or a comma follows token j: "Asya spent", "Warrane, can I"."""
        toks = self.toks
        if j + 1 >= len(toks):
            return False
        gap = self.text[toks[j].end:toks[j + 1].start]
        nxt = toks[j + 1].word
        if gap == ", ":
            return True
        return gap == " " and nxt.islower() and (
            nxt in _VERBS or (nxt.endswith(("ed", "s")) and not nxt.endswith("ss")))

    def _is_from(self, k: int) -> bool:
        toks = self.toks
        return k + 1 < len(toks) and toks[k + 1].key == "from"

    def _line_start(self, j: int) -> bool:
        start = self.toks[j].start
        line = self.text.rfind("\n", 0, start) + 1
        return self.text[line:start].strip(" >\t") == ""

    def whole_line(self, i: int, j: int) -> bool:
        """The run i..j is a line of its own (a letter's address block, a signature)."""
        text = self.text
        if "\n" not in text:
            return False
        line = text.rfind("\n", 0, self.toks[i].start) + 1
        end = text.find("\n", self.toks[j].end)
        end = len(text) if end < 0 else end
        head = text[line:self.toks[i].start].strip(" >\t")
        return head in ("", "Name:", "Name :") and text[self.toks[j].end:end].strip(" ,.") == ""

    # Runs -----------------------------------------------------------------------------------
    def joined(self, j: int) -> bool:
        """Token j continues the run that token j-1 is in (same line, one space apart)."""
        gap = self.gap(j)
        if gap == " ":
            return True
        prev = self.toks[j - 1]
        if gap in (". ", ".") and (len(prev.word) == 1 or prev.key in TITLES):
            return gap == ". " or len(prev.word) == 1
        return False

    def kind(self, t: _Tok) -> str:
        """S strong name, W name that is also a word, C word, U unknown, I initial."""
        if len(t.word) == 1:
            return "I" if t.word.isupper() else "C"
        if "'" in t.word and not t.word.endswith("'s") and not t.word[2:3].isupper():
            return "C"  # "I'm", "Don't"; but "O'Brien"
        key = t.key
        if key in PLACE_SUFFIXES or key in CALENDAR:
            return "C"
        known = self.known(key)
        common = self.common(key) or key in TITLES
        if known:
            return "W" if common else "S"
        return "C" if common or t.upper else "U"

    def find(self) -> list[tuple[int, int]]:
        toks = self.toks
        n = len(toks)
        kinds = [self.kind(t) if t.cap or t.key in PARTICLES else "C" for t in toks]
        found: list[tuple[int, int]] = []  # token index ranges, inclusive
        pending: list[tuple[int, int]] = []
        i = 0
        while i < n:
            t = toks[i]
            if t.key in TITLES and i + 1 < n and self.joined(i + 1):
                got = self._titled(i, kinds)
                if got is not None:
                    found.append(got)
                    i = got[1] + 1
                    continue
            if not t.cap or self.skip[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and j - i < 5 and self.joined(j + 1) and not self.skip[j + 1] and (
                    toks[j + 1].cap or (toks[j + 1].key in PARTICLES and j + 2 < n
                                        and toks[j + 2].cap and self.joined(j + 2))):
                j += 1
            self._segments(i, j, kinds, found, pending)
            i = j + 1
        self._adjacent(found, pending, kinds)
        self._lower(found)
        return [(toks[a].start, self._end(toks[b])) for a, b in found]

    def _end(self, t: _Tok) -> int:
        if t.word.endswith(("'s", "’s")):
            return t.end - 2
        return t.end

    def _titled(self, i: int, kinds: list[str]) -> tuple[int, int] | None:
        toks = self.toks
        title, nxt = toks[i], toks[i + 1]
        if nxt.key in self.lists.common and nxt.key not in self.staff and not nxt.cap:
            return None
        if not nxt.cap:
            # "mrs garcia", "dr patel": lower case only for a known name
            if not (title.word.islower() and self.known(nxt.key) and len(nxt.key) > 2):
                return None
        elif not title.cap and not title.upper:
            return None
        if nxt.key in TITLES or nxt.key in CALENDAR or nxt.key in PLACE_SUFFIXES:
            return None  # "Dr. Office" is rare; "Dr. Monday" and "Mr. Hospital" are not names
        j = i + 1
        while j + 1 < len(toks) and j - i < 4 and self.joined(j + 1) and toks[j + 1].cap and (
                kinds[j + 1] in "SWUI") and toks[j + 1].key not in PLACE_SUFFIXES:
            j += 1
        return (i + 1, j)

    def _segments(self, i: int, j: int, kinds: list[str], found: list[tuple[int, int]],
                  pending: list[tuple[int, int]]) -> None:
        toks = self.toks
        a = i
        while a <= j:
            if kinds[a] == "C" or toks[a].key in PARTICLES:
                a += 1
                continue
            b = a
            while b + 1 <= j and kinds[b + 1] != "C":
                b += 1
            while b > a and toks[b].key in PARTICLES:
                b -= 1
            verdict = self._judge(a, b, kinds)
            if verdict is True:
                found.append((a, b))
            elif verdict is None:
                pending.append((a, b))
            a = b + 1

    def _judge(self, a: int, b: int, kinds: list[str]) -> bool | None:
        """True: a name; None: a name only next to another name; False: not a name."""
        toks = self.toks
        if a > 0 and self.gap(a) in (" ", ". ") and toks[a - 1].key in PLACE_PREFIXES and (
                toks[a - 1].cap):
            return False
        if b + 1 < len(toks) and self.joined(b + 1) and toks[b + 1].key in PLACE_SUFFIXES and (
                toks[b + 1].cap):
            return False
        if _NUM_BEFORE.search(self.text, max(0, toks[a].start - 24), toks[a].start) or (
                not toks[b].word.endswith(("'s", "’s"))) and _PLACE_AFTER.match(
                self.text, toks[b].end):
            return False  # "6076 Piroska u. 97", "Jana Nerudy 894", "Porto Alegre, RS"
        seg = kinds[a:b + 1]
        words = [k for k in seg if k != "I"]
        if not words:
            return False
        cue = self.cue_before(a) or self.cue_after(b)
        if len(words) >= 2:
            if "S" in words or cue or self.whole_line(a, b) or "I" in seg[1:-1]:
                return True
            if words[0] == "W" and "U" in words and self.first(toks[a].key):
                return True
            if all(k == "U" for k in words) and len(words) <= 3 and (
                    not toks[a].brk or any(_SURNAME_SHAPE.search(toks[k].key)
                                           for k in range(a, b + 1))):
                return True  # "Vidica Zakoč", "Zargan Vedzizhev": two unknown capitalised words
            return None
        kind = words[0]
        t = toks[a]
        if kind == "S":
            if t.brk and not self.first(t.key) and not cue and not self._verb_next(b):
                return None  # "Billing address:": a sentence-initial surname-only word
            if a > 0 and toks[a - 1].key in _LEADS and not self.first(t.key) and not cue:
                return None  # "in Chatham": a town before a surname
            return True
        if cue or (kind == "U" and not t.brk and _SURNAME_SHAPE.search(t.key)):
            return True  # "early Khadzhiyev": a surname by its ending
        return None if kind in "WU" else False

    def _listed(self, x: tuple[int, int], y: tuple[int, int]) -> bool:
        first, second = (x, y) if x[0] < y[0] else (y, x)
        gap = self.text[self.toks[first[1]].end:self.toks[second[0]].start]
        return gap in (" and ", " & ", ", ", ", and ")

    def _adjacent(self, found: list[tuple[int, int]], pending: list[tuple[int, int]],
                  kinds: list[str]) -> None:
        """Accept a doubtful run listed with a name: "Kadiev and Adams", "Janet and Terri"."""
        text = self.text
        toks = self.toks
        for _ in range(2):
            ends = {toks[b].end for _, b in found}
            starts = {toks[a].start for a, _ in found}
            keep: list[tuple[int, int]] = []
            for a, b in pending:
                before = text[:toks[a].start]
                after = text[toks[b].end:]
                near = any(before.endswith(s) and toks[a].start - len(s) in ends
                           for s in (", ", " and ", " & ", ", and ", " or "))
                near = near or any(after.startswith(s) and toks[b].end + len(s) in starts
                                   for s in (", ", " and ", " & ", ", and ", " or "))
                if not near:
                    near = any(x != (a, b) and "S" in kinds[x[0]:x[1] + 1]
                               and self._listed(x, (a, b)) for x in pending)
                if near and toks[a].cap:
                    found.append((a, b))
                else:
                    keep.append((a, b))
            pending[:] = keep
        found.sort()

    def _lower(self, found: list[tuple[int, int]]) -> None:
        """Lower-case names: after a cue ("thx jenny!") or in all-lower-case text ("eva kleist")."""
        if not self.lower_text and not _LOWER_CUE.search(self.text):
            return
        toks = self.toks
        taken = {k for a, b in found for k in range(a, b + 1)}
        for i, t in enumerate(toks):
            if i in taken or t.cap or t.upper or self.skip[i] or len(t.key) < 3:
                continue
            if not t.word.islower() or not self.known(t.key):
                continue
            cue = self.cue_before(i) and t.key not in TITLES and (
                self.strong(t.key) or toks[i - 1].key in ("hi", "hey", "thx", "thanks", "dear"))
            if cue or (self.lower_text and self.first(t.key) and self.strong(t.key)):
                j = i
                if i + 1 < len(toks) and self.joined(i + 1) and self.strong(toks[i + 1].key) and (
                        toks[i + 1].key in self.lists.last) and toks[i + 1].word.islower():
                    j = i + 1
                found.append((i, j))
                taken.update(range(i, j + 1))
        found.sort()


def _url_names(text: str, finder: _Finder) -> list[tuple[int, int]]:
    """First names inside web addresses and handles ("gofundme.example/kayla-strong-fight")."""
    spans: list[tuple[int, int]] = []
    for m in _URL.finditer(text):
        for part in _URL_PART.finditer(m.group()):
            key = fold(part.group())
            if len(key) >= 3 and finder.first(key) and not finder.common(key):
                spans.append((m.start() + part.start(), m.start() + part.end()))
    return spans


_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def find_names(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every personal-name span (original offsets); `own` marks the practice's staff."""
    text = norm.text.text
    people = staff_names(practice.staff)
    staff = frozenset().union(*people) if people else frozenset()
    finder = _Finder(text, name_lists(), staff)
    masked: list[tuple[int, int]] = []
    if "/" in text or "@" in text or "www." in text:
        masked = [m.span() for m in _URL.finditer(text)]
    if "@" in text:
        masked += [m.span() for m in _EMAIL.finditer(text)]
    if masked:
        finder.skip = [any(s <= t.start < e for s, e in masked) for t in finder.toks]
    spans = finder.find()
    if masked:
        spans += _url_names(text, finder)
    out: list[Entity] = []
    for start, end in sorted(set(spans)):
        o_start, o_end = norm.text.span(start, end)
        keys = {fold(w) for w in _TOKEN.findall(text[start:end])}
        keys = {k[:-2] if k.endswith(("'s", "’s")) else k for k in keys}
        own = any(keys <= person for person in people)
        out.append(Entity("NAME", o_start, o_end, norm.original[o_start:o_end], own))
    return out


def is_public_name(text: str) -> bool:
    """True for public figures and historical physicians, who are never patients."""
    return is_public(text)
