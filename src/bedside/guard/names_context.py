"""Words read on demand, and the cue words around a candidate name (used by names.py).

Name detection looks only at a few places in a post (capitalised words, titles, known names
in lower case), so words are not listed up front: `Doc` reads the word at, after or before an
offset when a rule asks, and remembers it.
"""

from __future__ import annotations

import re
from functools import cache

from bedside.guard.namelists import (
    CALENDAR,
    PARTICLES,
    PLACE_SUFFIXES,
    TITLES,
    NameLists,
    fold,
    name_lists,
    staff_names,
)

# A word: letters, with inner apostrophes and hyphens ("O'Brien", "Jean-Luc"). The pattern
# reads the same backwards, so the word before an offset is a search in the reversed text.
# The stdlib engine is about twice as fast as `regex` for this simple pattern.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*")
# The same on a text whose letters and digits are all ASCII (emoji and symbols allowed): ASCII
# ranges are much cheaper for the engine than Unicode classes, and match the same there.
WORD_ASCII = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+|-[A-Za-z]+)*")
_WORD_CHAR_BEYOND_ASCII = re.compile(r"[^\x00-\x7f](?<=\w)")


def ascii_words(text: str) -> bool:
    """Every letter and digit in `text` is ASCII, so the ASCII word patterns apply."""
    return text.isascii() or _WORD_CHAR_BEYOND_ASCII.search(text) is None


# A gap that ends a sentence or a line, or holds an emoji or a bullet: the next word may be
# capitalised for that reason alone.
_BREAK = re.compile(r"[.!?:;\n\r\t>•|()\[\]\"“”*#]|[^\w\s,'’&/@+%$=~-]")

# Lower-case letters that no name particle (namelists.PARTICLES) starts with.
_NOT_PARTICLE = frozenset("abcdefghijklmnopqrstuvwxyz") - {w[0] for w in PARTICLES}

# Words before a name that say what follows is a name, even an unknown one.
GREET = frozenset("hi hello hey dear thanks thx ty congrats congratulations welcome bye yo "
                  "hiya howdy cheers love xoxo sincerely regards "
                  # txt-speak thanks and greetings ("tysm dee!", "heyyy", "congratz")
                  "tysm tyvm thnx thanx thnks tks thankyou heyy heyyy hii hiii congratz grats "
                  "congrats".split())
INTRO = frozenset("named names name called says said asks asked wrote writes replied tells "
                   "told".split())
KIN = frozenset("kid kids son daughter wife husband mom mother dad father brother sister partner "
                "grandson granddaughter grandma grandpa niece nephew friend boyfriend girlfriend "
                "fiance fiancee patient pt baby twins cousin child spouse colleague coworker "
                "neighbor neighbour boss user customer client attn contact maiden "
                # endearments and patient roles before a child's name ("sweet jaylen", "our NICU
                # grad rowan", "lil mateo")
                "sweet lil brave grad graduate kiddo warrior champ bestie mama momma mommy papa "
                "daddy girl boy".split())
_AFTER = frozenset("says said asks asked wrote lives lived is was who has had writes told".split())
ROLES = frozenset("producer songwriter writer author director singer player actor actress "
                   "professor student manager".split())
_VERBS = frozenset("and will can could would should may might just also began spent shouted "
                   "went got made did does do is was has had".split())
LEADS = frozenset("in at from near to into across".split())
# Words after "the X" that make X a family's name: "the Lopez twins", "the cortez place" (not
# "the White House": a capitalised one must be "Family").
HOUSEHOLD = frozenset("family families fam twins triplets kids boys girls household house place "
                      "clan crew".split())
_FAMILY = frozenset("family fam families".split())
# Team names (singular) that a surname list also holds; "the Packers" is a team, not a household.
TEAMS = frozenset("""
packer steeler laker ranger raider charger bengal patriot texan titan viking falcon saint oriole
yankee phillie marlin padre dodger astro mariner brewer pirate cardinal diamondback rockie nugget
clipper warrior blazer spur rocket grizzly pelican maverick celtic knick raptor cavalier piston
pacer hornet wizard bruin canadien senator sabre penguin flyer islander oiler canuck predator
seminole gator longhorn aggie sooner buckeye wolverine razorback volunteer gamecock hoosier
badger hawkeye husker trojan cougar commander bronco chief jaguar seahawk buccaneer guardian
""".split())
# Words after "family" that make it a kind of care or a body, not a household ("Garcia family
# practice", "Kaiser Family Foundation").
_FAMILY_NOT = frozenset("practice practices medicine medical physician physicians doctor doctors "
                        "dentistry dental health healthcare care clinic foundation fund law court "
                        "planning services therapy therapist therapists nurse np pharmacy "
                        "restaurant farm farms business".split())
# Greetings after which even a name that is also a word is a name ("thx mark!").
HI = frozenset("hi hey thx thanks dear tysm tyvm thnx thanx thnks".split())
_THANK = frozenset("thank thanks thx ty thnk thnx".split())
_YOU = frozenset("you u ya yu".split())
# Every word Cues.before reads as a cue (a cheap first test).
_BEFORE = GREET | INTRO | KIN | ROLES | _YOU | {"is", "am", "name", "me", "so", "much", "the"}


class Tok:
    """One word: offsets, folded key (possessive removed) and case."""

    __slots__ = ("start", "end", "word", "key", "cap", "upper", "kind")

    def __init__(self, start: int, end: int, word: str) -> None:
        self.start = start
        self.end = end
        self.word = word
        info = _INFO.get(word)
        if info is None:
            info = _info(word)
        self.key, self.cap, self.upper = info
        self.kind = ""  # set by the finder: S, W, U, I or C


def _info(word: str) -> tuple[str, bool, bool]:
    """The key, capitalised and all-capitals flags of a word, remembered (bounded)."""
    if word.islower():
        key = word if word.isascii() else fold(word)
        cap = upper = False
    else:
        key = word.lower() if word.isascii() else fold(word)
        upper = len(word) > 1 and word.isupper()
        cap = not upper and word[0].isupper()
    if "'" in key or "’" in key:
        key = key.removesuffix("'s").removesuffix("’s")
    if len(_INFO) > 50000:
        _INFO.clear()
    info = _INFO[word] = (key, cap, upper)
    return info


_INFO: dict[str, tuple[str, bool, bool]] = {}


_UNSET = Tok(-1, -1, "-")  # not looked up yet


class Doc:
    """A text whose words are read lazily around the offsets a rule looks at."""

    __slots__ = ("text", "word", "_rev", "_toks", "_nx", "_pv")

    def __init__(self, text: str, word: re.Pattern[str] = WORD) -> None:
        self.text = text
        self.word = word  # WORD, or WORD_ASCII when ascii_words(text)
        self._rev = ""
        self._toks: dict[int, Tok] = {}
        # Neighbours by start offset (kept here, not in Tok, so words form no reference cycles).
        self._nx: dict[int, Tok | None] = {}
        self._pv: dict[int, Tok | None] = {}

    def tok(self, start: int, end: int) -> Tok:
        """The word at text[start:end], one object per word."""
        t = self._toks.get(start)
        if t is None:
            t = self._toks[start] = Tok(start, end, self.text[start:end])
        return t

    def next(self, t: Tok) -> Tok | None:
        nx = self._nx.get(t.start, _UNSET)
        if nx is _UNSET:
            m = self.word.search(self.text, t.end)
            nx = self._nx[t.start] = self.tok(m.start(), m.end()) if m else None
            if nx is not None:
                self._pv[nx.start] = t
        return nx

    def prev(self, t: Tok) -> Tok | None:
        p = self._pv.get(t.start, _UNSET)
        if p is _UNSET:
            if not self._rev:
                self._rev = self.text[::-1]
            n = len(self.text)
            m = self.word.search(self._rev, n - t.start)
            p = self._pv[t.start] = self.tok(n - m.end(), n - m.start()) if m else None
            if p is not None:
                self._nx[p.start] = t
        return p

    def joined(self, t: Tok, cap: bool = False) -> Tok | None:
        """The next word if it continues t's run: same line, one space apart ("Mr. X", "J.X").

        With `cap`, only a word that may extend a run of names: not lower case, or a particle.
        """
        text = self.text
        e = t.end
        c = text[e:e + 1]
        if c == " ":
            s = e + 1
        elif c == ".":
            space = text[e + 1:e + 2] == " "
            if len(t.word) == 1:
                s = e + 2 if space else e + 1
            elif space and t.key in TITLES:
                s = e + 2
            else:
                return None
        else:
            return None
        nx = self._nx.get(t.start, _UNSET)
        if nx is not _UNSET:
            return nx if nx is not None and nx.start == s else None
        if cap and text[s:s + 1] in _NOT_PARTICLE:
            return None  # a lower-case word that no particle starts with
        m = self.word.match(text, s)
        if m is None:
            return None
        if cap and "a" <= text[s] <= "z" and m.group() not in PARTICLES:
            return None
        nx = self._nx[t.start] = self.tok(s, m.end())
        self._pv[s] = t
        return nx

    def gap(self, t: Tok) -> str:
        """Text between the previous word and t ("" for the first word)."""
        p = self.prev(t)
        return self.text[p.end:t.start] if p is not None else ""

    def brk(self, t: Tok) -> bool:
        """t starts the text, a sentence or a line."""
        p = self.prev(t)
        if p is None:
            return True
        gap = self.text[p.end:t.start]
        return gap != " " and _BREAK.search(gap) is not None


class Words:
    """Name-list lookups, with the practice's staff counted as known, uncommon names."""

    __slots__ = ("first", "last", "common", "staff", "known_plain", "strong_plain", "plain_caps",
                 "kinds")

    def __init__(self, lists: NameLists, staff: frozenset[str]) -> None:
        self.first = lists.first
        self.last = lists.last
        self.common = lists.common
        self.staff = staff
        self.known_plain = _known_plain()  # shared by all practices; staff are checked apart
        self.kinds: dict[str, str] = {}  # memo of the finder's word kinds
        # Capitalised words that are never part of a name ("The", "Clinic", "Monday"): the
        # scan drops them before any other work. Titles stay: they introduce a name.
        self.plain_caps = frozenset(
            w.capitalize() for w in (lists.common - staff - self.known_plain) | PLACE_SUFFIXES
            | CALENDAR if len(w) > 1 and w not in TITLES and "'" not in w)
        # For the lower-case pass: the names that count without a greeting (not common words,
        # longer than two letters); shared too, staff always count and are checked apart.
        self.strong_plain = _strong_plain()

    def known(self, key: str) -> bool:
        if key in self.first or key in self.last or key in self.staff:
            return True
        if "-" in key:
            return all(p in self.first or p in self.last for p in key.split("-"))
        return False

    def is_first(self, key: str) -> bool:
        return key in self.first or key in self.staff

    def common_word(self, key: str) -> bool:
        return key in self.common and key not in self.staff

    def strong(self, key: str) -> bool:
        return self.known(key) and not self.common_word(key)


@cache
def _known_plain() -> frozenset[str]:
    lists = name_lists()
    return lists.first | lists.last


@cache
def _strong_plain() -> frozenset[str]:
    lists = name_lists()
    return frozenset(w for w in _known_plain() - lists.common if len(w) > 2)


@cache
def practice_words(staff: tuple[str, ...]) -> tuple[Words, tuple[frozenset[str], ...]]:
    """The lookups for a practice, and each staff member's name words."""
    people = staff_names(staff)
    return Words(name_lists(), frozenset().union(*people)), people


class Cues:
    """Evidence around a run of words that it is a name."""

    def __init__(self, doc: Doc, words: Words) -> None:
        self.doc = doc
        self.text = doc.text
        self.words = words

    def before(self, t: Tok) -> bool:
        """A cue word just before t: "Hi X", "my son X", "thank you so much X", "the X family"."""
        doc = self.doc
        p = doc.prev(t)
        if p is None:
            return False
        prev = p.key
        if prev not in _BEFORE:
            return False
        gap = self.text[p.end:t.start]
        if "\n" in gap:
            return False
        if prev in GREET:
            return gap in (" ", ", ")
        if prev in INTRO or prev in KIN:
            if p.word.endswith(("'s", "’s")):
                return False  # "this pt's Entyvio", "my mom's Honda": a thing of theirs
            return gap == " " or (prev == "name" and gap.strip() == ":")
        if prev in _YOU or prev in ("is", "am", "name", "me", "so", "much"):
            pp = doc.prev(p)
            pkey = pp.key if pp is not None else ""
            if prev in _YOU and pkey in _THANK:  # "thank you X", "thank u X"
                return True
            if prev in ("is", "am", "name") and pkey in ("name", "last", "first"):
                return gap in (" ", "? ", ": ")
            if prev == "me" and pkey in ("call", "calls", "called"):
                return True
            if prev in ("so", "much") and pp is not None:
                ppp = doc.prev(pp)
                return ppp is not None and (ppp.key in _THANK or ppp.key in _YOU)
            return False
        if prev in ROLES and p.cap and gap == " ":
            return True
        if prev == "the":
            nx = doc.next(t)
            if nx is not None and nx.key in HOUSEHOLD and (
                    nx.word.islower() or nx.key in ("family", "families")):
                return True
            return gap == " " and t.cap and self._household_plural(t.key)
        return False

    def _household_plural(self, key: str) -> bool:
        """A surname in the plural names a household: "the Hendersons", "the Lopezes"; not a
        team ("the Packers", "the Lakers") or a word ("the Browns")."""
        if not key.endswith("s") or key in TEAMS or len(key) < 5:
            return False
        words = self.words
        for stem in (key[:-1], key[:-2]) if key.endswith("es") else (key[:-1],):
            if stem in words.last and words.strong(stem) and (
                    stem not in TEAMS):
                return True
        return False

    def after(self, t: Tok) -> bool:
        """A cue after the run that ends with t: "X says", "X:" opening a line, "X's kid"."""
        doc = self.doc
        nxt = doc.next(t)
        if nxt is None:
            return False
        gap = self.text[t.end:nxt.start]
        if nxt.key in _AFTER and gap.strip() == "" and nxt.word.islower():
            if nxt.key not in ("is", "was", "has", "had", "who"):
                return True
            after = doc.next(nxt)
            return after is not None and after.key == "from"
        if gap.startswith(":") and "\n" not in gap and doc.brk(t) and self.line_start(t) and (
                self.words.known(t.key)):
            return True  # a speaker label: "Ubul: What a wife."
        if nxt.key in _FAMILY and gap == " " and not t.word.endswith(("'s", "’s")):
            return _household(doc, nxt)  # "Kaminski family, the fax came thru blank"
        return t.word.endswith(("'s", "’s")) and nxt.key in KIN  # "Asya's kid"

    def verb_next(self, t: Tok) -> bool:
        """A verb or a comma follows t: "Asya spent", "Warrane, can I"."""
        nxt = self.doc.next(t)
        if nxt is None:
            return False
        gap = self.text[t.end:nxt.start]
        if gap == ", ":
            return True
        word = nxt.word
        return gap == " " and word.islower() and (
            word in _VERBS or (word.endswith(("ed", "s")) and not word.endswith("ss")))

    def line_start(self, t: Tok) -> bool:
        text = self.text
        line = text.rfind("\n", 0, t.start) + 1
        return text[line:t.start].strip(" >\t") == ""

    def whole_line(self, a: Tok, b: Tok) -> bool:
        """The run a..b is a line of its own (a letter's address block, a signature)."""
        text = self.text
        if "\n" not in text:
            return False
        line = text.rfind("\n", 0, a.start) + 1
        end = text.find("\n", b.end)
        end = len(text) if end < 0 else end
        head = text[line:a.start].strip(" >\t")
        return head in ("", "Name:", "Name :") and text[b.end:end].strip(" ,.") == ""


def own_place(doc: Doc, a: Tok, end: int, places: frozenset[str]) -> bool:
    """The run's words all come from the practice's own address ("Port Agate"), untitled."""
    p = doc.prev(a)
    if p is not None and p.key in TITLES:
        return False
    return all(fold(w) in places for w in doc.word.findall(doc.text, a.start, end))


def _household(doc: Doc, family: Tok) -> bool:
    """`family` is a household ("Kaminski family —"), not a kind of care or an organisation."""
    nxt = doc.joined(family)
    if nxt is None:
        return True
    return not (nxt.cap or nxt.upper) and nxt.key not in _FAMILY_NOT


# Animals whose names a post mentions: "a dog named Moose", "my pup Biscuit", "Moose the therapy
# dog", "Biscuit, our clinic cat". A pet is no person (Safe Harbor names are a person's,
# 45 CFR 164.514(b)(2)(i)(A)). Not "lab" (a laboratory) or "boxer".
PETS = frozenset("""
dog dogs doggo doggie pup pups puppy puppies pupper cat cats kitten kittens kitty cattie pet pets
horse horses pony ponies mare gelding stallion colt filly mule donkey goat goats cow cows heifer
steer calf pig piggy hog rabbit bunny hamster gerbil parrot budgie cockatiel chicken chickens
rooster tortoise turtle gecko lizard iguana snake goldfish retriever doodle goldendoodle
labradoodle bernedoodle aussiedoodle shepherd beagle poodle husky corgi dachshund doxie pitbull
pittie chihuahua terrier bulldog frenchie spaniel collie heeler pug mutt hound tabby
""".split())
_NAMED = frozenset("named called".split())
_OURS = frozenset("our my his her their the clinic office therapy service support rescue "
                  "new old sweet good".split())
# Words after a capitalised name that make it the name of a test, a sign, a device, a disease or
# a body of evidence ("Epley maneuver", "Mohs surgeon", "Foley catheter", "Apgar score", "a
# Cochrane review"), in lower case. With a
# possessive only the disease words ("Bell's palsy", "Crohn's disease"): "Maria's surgery" is
# a person's.
EPONYM_NOUNS = frozenset("""
maneuver manoeuvre maneuvers procedure procedures surgery operation technique method score scale
criteria classification test fracture catheter catheters monitor tube stockings stocking flap
micrographic defect repair protocol diet reconstruction fundoplication pouch shunt surgeon
surgeons scar scars review reviews
""".split())
EPONYM_DISEASES = frozenset("""
disease syndrome syndromes palsy reflex triad lymphoma sarcoma phenomenon disorder ulcer cyst
law effect sign signs contracture esophagus node nodes thyroiditis encephalopathy neuroma
neuralgia anomaly
""".split())
# Words of a business after a possessive name ("Guidry's Boil House", "Rosa's Bakery", "Mike's
# Feed & Seed"): the name is the business's, not a person named in the post.
BUSINESS = frozenset("""
house boil diner grill grille bakery kitchen cafe café pub tavern saloon garage boutique salon
shop store market pizza pizzeria bbq barbecue restaurant feed seed hardware tire tires auto
motors farm farms ranch nursery gym fitness crossfit studio spa coffee donuts bar brewery winery
landscaping plumbing roofing construction towing realty florist flowers catering seafood
crawfish tacos taqueria burgers wings deli creamery dairy orchard vineyard marina lanes cinema
""".split())
_SPONSOR = re.compile(r"\bsponsor|\bbrought to (?:you|us) by\b|\bpresented by\b", re.I)
_SENTENCE_END = re.compile(r"[.!?\n]")


def not_person(doc: Doc, a: Tok, b: Tok, titled: bool) -> bool:
    """The run a..b names a pet, a test or disease, a business or a sponsor, not a person."""
    text = doc.text
    p = doc.prev(a)
    if p is not None and not titled:
        pk = p.key
        if pk in _NAMED:
            pp = doc.prev(p)
            if pp is not None and pp.key in PETS:
                return True  # "a dog named Moose"
        elif pk in PETS and text[p.end:a.start] == " " and not p.word.endswith(("'s", "’s")):
            return True  # "my pup Biscuit"
    nxt = doc.next(b)
    if nxt is None:
        return _sponsor(text, a.start, b.end)
    gap = text[b.end:nxt.start]
    possessive = b.word.endswith(("'s", "’s")) or b.word.endswith("s") and gap.startswith("'")
    if gap in (" ", "' ", "’ ") and nxt.word.islower() and not titled and (
            nxt.key in EPONYM_DISEASES or not possessive and nxt.key in EPONYM_NOUNS):
        return True  # "Epley maneuver", "Bell's palsy"
    if possessive and gap == " " and (nxt.cap or nxt.upper) and _business(doc, nxt):
        return True  # "Guidry's Boil House"
    if not titled and nxt.key == "the" and gap == " ":
        for _ in range(3):  # "Moose the therapy dog"
            got = doc.next(nxt)
            if got is None or got.key not in PETS and got.key not in _OURS:
                break
            if got.key in PETS:
                return True
            nxt = got
    elif not titled and gap.strip() == "," and nxt.key in ("our", "my"):
        for _ in range(3):  # "Biscuit, our clinic cat"
            got = doc.next(nxt)
            if got is None or got.key not in PETS and got.key not in _OURS:
                break
            if got.key in PETS:
                return True
            nxt = got
    return _sponsor(text, a.start, b.end)


def _business(doc: Doc, t: Tok | None) -> bool:
    for _ in range(3):
        if t is None or not (t.cap or t.upper):
            return False
        if t.key in BUSINESS or t.key in PLACE_SUFFIXES:
            return True
        t = doc.joined(t, True)
    return False


def _sponsor(text: str, start: int, end: int) -> bool:
    """The sentence around start..end thanks or names a sponsor ("thank you to the Guidry family
    for sponsoring our 5K", "sponsored by Hebert Farms")."""
    if ("ponsor" not in text and " by " not in text) or _SPONSOR.search(text) is None:
        return False
    lo = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    m = _SENTENCE_END.search(text, end)
    hi = m.start() if m else len(text)
    return _SPONSOR.search(text, lo, hi) is not None
