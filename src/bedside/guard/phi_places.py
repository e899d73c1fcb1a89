"""Places named in free text (beyond street addresses) for the PHI judgement (phi.py).

A facility ("Springfield Memorial", "westbrook daycare"), a small town ("a lady from millbrook")
or a named place by a road: Safe Harbor (B) geographic subdivisions smaller than a state
(../shared/domain/hipaa.md). Whether one is a patient's is phi.py's decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bedside.guard.context import Context, in_own_place
from bedside.guard.findings import Entity
from bedside.guard.namelists import COUNTRIES, US_STATES
from bedside.guard.normalize import Normalized
from bedside.guard.prefixes import hint

# A facility word, then the capitalised words before it make its name ("Springfield Memorial").
_FACILITY_WORD = re.compile(
    r"\b(?:Hospital|Medical Cent(?:er|re)|Memorial|Regional|General|Infirmary|Hospice|Nursing Home|"
    r"Care Center|Rehab(?:ilitation)? Center|Elementary|Elem|Middle School|High School|High|"
    r"Academy|University|College|Fire Station|Station|Church|Mosque|Synagogue|Temple|Prison|Jail|"
    r"Shelter|Manor|Village|Apartments|Mall|Plant|Factory|Mill|Farm|Ranch|"
    # where a rural or small-town call goes: "paged to the Ringling Fire Hall around 2am"
    r"Fire Hall|Firehall|Fire Dept|Fire Department|Community Cent(?:er|re)|Rec Cent(?:er|re)|"
    r"Fairgrounds|Arena|Stadium|Speedway|Legion|Grange|Library|Motel|Campground|Truck Stop|"
    r"Marina)\b(?:\s+\d+)?"
    r"|\b(?:St|Saint)\.?\s+[A-Z][a-z]+'s\b|[A-Z][a-z]+ Children'?s\b(?! [A-Z])")
_NAME_BEFORE = re.compile(r"(?:(?:St|Saint|Mount|Mt)\.?\s+)?(?:[A-Z][\w'.-]*\s+){1,3}$")
_TOWN = re.compile(r"\b(?:from|in|of|near|outside)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,2})\b")
# Lower-case writing: "a lady from millbrook". The word after "from" in a description of a person
# is their town (or employer) unless it is an ordinary word.
_PERSON_FROM = re.compile(
    r"\b(?:lady|guy|man|woman|dude|kid|teen|boy|girl|family|couple|gentleman|fella|pt|patient|"
    r"farmer|someone|grandma|grandpa|mom|dad|twins)s?(?: of \d+)? "
    r"(?:from|out in|over in|up in|down in) (?:the )?"
    r"([a-z]{3,}(?: (?:county|valley|township|heights|springs|falls|creek))?)\b")
# Lower case: "westbrook daycare". One word before a school or care word names the place.
_LOWER_PLACE = (r"(?:daycare|day care|preschool|elementary|middle school|middle|high school|"
                r"academy|nursing home|memorial|rehab center|senior center|fire hall|firehall|"
                r"fire station|fire dept|community center|rec center|fairgrounds|grange hall|"
                r"legion hall|truck stop|rodeo grounds|speedway)\b")
# The name may be capitalised before a lower-case place word: "Ringling fire hall".
_LOWER_FACILITY = re.compile(r"\b([A-Za-z][a-z]{2,}) " + _LOWER_PLACE)
_FROM_WORDS = (" from ", " out in ", " over in ", " up in ", " down in ")  # in _PERSON_FROM
# "he's a tattoo artist in mesa": a person's trade and the (lower-case) town they work in.
_WORKS_IN = re.compile(
    r"\b(?:he's|she's|hes|shes|he is|she is|who's|whos|works as) an? (?:[a-z]+ )?(?:artist|teacher|"
    r"nurse|barber|stylist|mechanic|farmer|rancher|pastor|coach|cop|officer|firefighter|realtor|"
    r"lawyer|chef|baker|bartender|driver|contractor|electrician|plumber|welder|owner|vet|dentist) "
    r"(?:in|from|out of|over in|up in|down in) ([a-z]{3,})\b")
# Tests that let a text skip a place pattern: it cannot match without one of these.
_HINTS = {p: hint(p) for p in (_FACILITY_WORD, _TOWN, _PERSON_FROM)}
_HINTS[_WORKS_IN] = re.compile(r"(?:s|is|as) an? ")
_HINTS[_LOWER_FACILITY] = re.compile(" " + _LOWER_PLACE)
_NOT_PLACE = frozenset({
    "the", "work", "school", "church", "home", "here", "there", "town", "out", "our", "my", "his",
    "her", "their", "your", "next", "down", "up", "across", "around", "way", "back", "nowhere",
    "somewhere", "another", "other", "last", "this", "that", "earlier", "before", "yesterday",
    "today", "tonight", "again", "behind", "far", "over", "above", "below", "outside", "inside",
    "class", "college", "camp", "daycare", "practice", "clinic", "office", "hospital", "er",
    "urgent", "nursing", "jail", "prison", "abroad", "overseas", "state", "country", "city",
    "gym", "store", "bar", "party", "neighborhood", "area", "suburbs", "team", "league", "band",
    "internet", "online", "news", "same", "nearby", "training", "residency", "recovery", "charge",
    # ages, not places: "kids from newborn up to 21", "from birth to 18"
    "newborn", "newborns", "birth", "infancy", "age", "ages", "toddlers", "babies", "preschool",
    "kindergarten", "teens", "adulthood", "zero", "one", "two", "three", "six", "twelve"})
# "Bounce Zone off Hwy 101": a named place by a numbered road.
_OFF_ROAD = re.compile(r"\b(?:[A-Z][\w'&-]*\s+){1,3}off\s+(?:(?:Hwy|Highway|Route|Rte|Rt|FM|SR|US"
                       r"|County R(?:oa)?d|CR|I)[- ]?\d+|[Ee]xit \d+)")
_HINTS[_OFF_ROAD] = re.compile(" off ")
_NOT_FACILITY = frozenset({"local", "public", "private", "any", "every", "some", "new", "old",
                           "your", "junior", "senior", "and", "for", "from", "with", "into", "her",
                           "his", "their", "our", "at", "in", "to", "or", "kids", "daily"})
# Sentence openers that are no place's name: "Which daycare", "Every fire hall".
_NOT_OPENER = frozenset({"which", "what", "whose", "each", "one", "no", "any", "every", "this",
                         "that", "these", "those", "near", "nearest", "closest", "same", "small",
                         "big", "little", "old", "volunteer", "rural", "county", "city", "town"})
# A country or a state alone is larger than Safe Harbor's subdivisions: "a resident in Germany".
_LARGER = COUNTRIES | US_STATES
_NOT_TOWN = frozenset({"The", "A", "An", "My", "Our", "His", "Her", "Their", "This", "That",
                       "January", "February", "March", "April", "May", "June", "July", "August",
                       "September", "October", "November", "December", "Monday", "Tuesday",
                       "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Medicine",
                       "Dr", "Mr", "Mrs", "Ms", "Miss", "America", "English", "Spanish"})


def _finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    test = _HINTS[pattern]
    return pattern.finditer(text) if test is None or test.search(text) else iter(())


def places(norm: Normalized, context: Context, taken: list[tuple[int, int]],
            facilities: bool = True) -> list[tuple[Entity, bool]]:
    """Facilities and small towns named in free text (beyond street addresses): (place, is_town).
    Facilities only if `facilities` (the caller keeps none when the text has no date)."""
    text = norm.text.text
    found: list[tuple[Entity, bool]] = []

    def add(begin: int, finish: int, town: bool) -> None:
        start, end = norm.text.span(begin, finish)
        if in_own_place(text[begin:finish], context.practice) or any(
                s < end and start < e for s, e in taken):
            return
        found.append((Entity("GEO", start, end, norm.original[start:end]), town))

    for m in _finditer(_FACILITY_WORD, text) if facilities else ():
        before = _NAME_BEFORE.search(text, max(0, m.start() - 60), m.start())
        add(before.start() if before else m.start(), m.end(), False)
    for m in _finditer(_OFF_ROAD, text) if facilities else ():
        add(m.start(), m.end(), False)
    for m in _finditer(_TOWN, text):
        if m.group(1).split()[0] not in _NOT_TOWN and m.group(1).lower() not in _LARGER:
            add(m.start(1), m.end(1), True)
    for m in _finditer(_LOWER_FACILITY, text) if facilities else ():
        word = m.group(1).lower()
        if word not in _NOT_PLACE and word not in _NOT_FACILITY and word not in _NOT_OPENER:
            add(m.start(), m.end(), False)
    # the pattern's literal " from " or " ... in ": a few `in` tests skip most texts in C
    from_words = any(w in text for w in _FROM_WORDS)
    for m in _finditer(_PERSON_FROM, text) if from_words else ():
        if m.group(1).split()[0] not in _NOT_PLACE:
            add(m.start(1), m.end(1), True)
    for m in _finditer(_WORKS_IN, text):
        if m.group(1) not in _NOT_PLACE:
            add(m.start(1), m.end(1), True)
    return found
