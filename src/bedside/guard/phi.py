"""PHI judgement (layer two): which identifiers are a patient's, and replies that confirm care.

Layer one (identifiers.py, names.py) finds identifier spans whoever they belong to. This layer
decides which of them disclose a patient: an identifier near a patient reference or a care event,
a reply that confirms the person answered was seen, a photo of a patient, a role that singles one
person out. Every patient identifier blocks (45 CFR 164.502(a); Safe Harbor 164.514(b)(2), see
../shared/domain/hipaa.md). The cue lexicons and their sources are in data/phi.toml.
"""

from __future__ import annotations

import re
from functools import cache

import regex

from bedside.guard import heads
from bedside.guard.context import Context, in_own_place
from bedside.guard.dates import is_year_only
from bedside.guard.findings import Entity, Finding
from bedside.guard.lexicon import load_data
from bedside.guard.names import is_public_name
from bedside.guard.normalize import Normalized
from bedside.guard.phi_places import places
from bedside.guard.phi_records import record_numbers
from bedside.guard.phrases import CueSet

# Identifiers with no innocent use in a post: any one of them is a disclosure.
_ALWAYS = frozenset({"SSN", "MRN", "HEALTH_PLAN_ID", "ACCOUNT", "DEVICE_ID", "VEHICLE", "LICENSE",
                     "BIOMETRIC", "IP", "FAX", "AGE_OVER_89"})
# Identifiers that are a patient's only when the text is about a patient.
_CONTEXTUAL = frozenset({"NAME", "DATE", "GEO", "PHONE", "EMAIL"})
_WINDOW = 110  # characters between a date or place and the patient it is tied to

_TOLL_FREE = regex.compile(r"^\D*(?:\+?1\D*)?\(?8(?:00|33|44|55|66|77|88)\D")
_ROLE_MAILBOX = regex.compile(
    r"^(?:info|hello|contact|support|help|office|admin|billing|press|media|team|appointments?|"
    r"frontdesk|reception|careers|jobs|privacy|feedback|noreply|no-reply)@", regex.I)
_CREDENTIALS = (
    r"md|do|rn|np|pa-c|pa|dds|dmd|phd|mph|lpn|cnm|crna|facp|faafp|atc|dpt|otr|cpnp|fnp|aprn|ibclc|"
    # audiology, speech, therapy, pharmacy, nutrition, nursing and counselling credentials
    r"aud|ccc-a|ccc-slp|slp|lcsw|lisw|lpc|lpcc|lmft|lmhc|psyd|pharmd|rph|rdn|rd|dnp|msn|bsn|cnp|"
    r"ladc|cadc|bcba|cdces|cde|lac|dpm|od|dc|mft|lsw|ot|cota|pta|cna|cma|rrt|emt|paramedic")
_CLINICIAN = regex.compile(
    r"(?:\b(?:dr|doc|doctor|nurse|prof|professor)\.?\s+$)|(?:^,?\s*(?:" + _CREDENTIALS + r")\b)",
    regex.I)
_CREDENTIAL = re.compile(r"(?:" + _CREDENTIALS + r")\.?", re.I)  # "AuD" read as a name

# A name followed by the person's work at the practice is staff or a volunteer, not a patient.
_STAFF_AFTER = re.compile(
    r",? (?:who|that) (?:has |have |had )?(?:volunteered|volunteers|worked|works|answered|answers|"
    r"runs|ran|manages|managed|staffed|staffs|been (?:with us|on our team|volunteering|working))\b")

# "on a friday", "every tuesday": any such day, not the date of one visit
_ANY_DAY = re.compile(r"\b(?:a|an|every|any|most|some|each|other|no)\s+$", re.I)
_WEEKDAY = re.compile(r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b", re.I)

_CUE_LISTS = ("patient_definite", "patient_indefinite", "care_events", "care_context",
              "photo_words", "unique_roles", "relative_dates", "birth_labels", "encounter_events",
              "teaching_events", "patient_with_care", "injured_who", "own_family", "habitual",
              "patient_gatherings")


@cache
def _lists(reply: bool) -> dict[str, list[str]]:
    """The cue lists of a post, or those a reply adds."""
    d = load_data("phi")
    if not reply:
        return {key: list(d[key]) for key in _CUE_LISTS}
    # A frame around a care noun ("glad the {noun} is working") would expand to too many phrases
    # for the trie, and as a regex it costs more than the rest of the reply check: its two
    # halves and the nouns are matched as cue lists and joined in _frames.
    lists: dict[str, list[str]] = {"relationship": [], "relationship_safe":
                                   list(d["relationship_safe"]), "care_noun": list(d["care_nouns"]),
                                   "relationship_firm": list(d["relationship_firm"])}
    for i, frame in enumerate(_noun_frames()):
        lead, tail = frame
        lists[f"lead{i}"] = [lead]
        if tail:
            lists[f"tail{i}"] = [tail]
    lists["relationship"] = [p for p in d["relationship"] if "{noun}" not in p]
    return lists


@cache
def _cues(reply: bool) -> CueSet:
    return CueSet.build(_lists(reply))


@cache
def _reply_phrases() -> CueSet:
    """A post's and a reply's cue lists in one trie: a reply's words are read once. (Only its
    phrases are used: each list's regex part runs as that of _cues, which heads.py knows.)"""
    return CueSet.build({**_lists(False), **_lists(True)})


@cache
def _noun_frames() -> tuple[tuple[str, str], ...]:
    """(lead, tail) of each relationship pattern written around {noun}."""
    frames = []
    for p in load_data("phi")["relationship"]:
        if "{noun}" in p:
            lead, _, tail = p.partition("{noun}")
            frames.append((lead.strip(), tail.strip()))
    return tuple(frames)


def _joined(text: str, end: int, start: int) -> bool:
    """Does a span that starts at `start` follow one that ends at `end` (or overlap its end)?"""
    return start <= end or (start - end <= 3 and not any(c.isalnum() for c in text[end:start]))


def _frames(text: str, found: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Relationship spans where a frame's lead, a care noun and the frame's tail meet."""
    nouns = found.get("care_noun", [])
    out: list[tuple[int, int]] = []
    if not nouns:
        return out
    for i, (_, tail) in enumerate(_noun_frames()):
        for ls, le in found.get(f"lead{i}", []):
            for ns, ne in nouns:
                if ns <= ls or not _joined(text, le, ns):
                    continue
                if not tail:
                    out.append((ls, ne))
                    continue
                out.extend((ls, te) for ts, te in found.get(f"tail{i}", [])
                           if ts >= ne and _joined(text, ne, ts))
    return out


# "patient" before one of these words names a service, not a person ("our patient portal").
_SERVICE_AFTER = re.compile(
    r"\s+(?:portal|care|safety|education|experience|satisfaction|advocates?|services|forms?|"
    r"resources|population|privacy|information|info|records|centered|centred|outcomes|"
    r"engagement|reviews?|feedback|volume|load|panel|line|lounge|parking|friendly|first)\b")
_PATIENT_KINDS = ("patient_definite", "patient_indefinite")
# "41yo dad", "G2P1 at 39 wks": one person, written with digits the skeleton reads as letters
_GLUED_HINT = re.compile(r"\d(?:[yY](?:[oO]|/[oO])|[pP]\d)")  # digit first: `re` skips in C
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|this|one) (?:[\w'-]+ ){1,2}$")
_GLUED_AGE = re.compile(r"(?<![\w/.])(?:\d{1,3}(?:yo|y/o)|g\d{1,2}p\d{1,2})(?![\w])")


# No one patient: "every 80 yr old", "if one more frequent flyer", "12-18 y/o's" (a group or a
# hypothetical); "my baby", "baby shower", "a baby np" (the author's own child, or a modifier).
_GENERIC_BEFORE = re.compile(
    r"(?:\b(?:every|any|all|most|many|each|no)(?: \d+| of (?:my|our|the|these|those))?"
    r"|\b(?:if|when|whenever|every time|next time|once) (?:one more|another|any|some|a|an))\s*$")
_RANGE_BEFORE = re.compile(r"\d ?(?:-|to) ?$")  # "12-18 y/o": a range of ages
_FAMILY_WORDS = frozenset({"baby", "babies", "twins", "newborn", "preemie"})
_OWN_BEFORE = re.compile(r"\b(?:my|our own|my own)(?: (?:little|lil|sweet|youngest|oldest|own))? $")
_MODIFIER_AFTER = re.compile(
    r" (?:shower|food|formula|wipes|monitor|teeth|blues|fever|steps|aspirin|shampoo|carrier|names?"
    r"|gear|registry|sign|clothes|boom|np|nurse|nurses|doc|doctor|resident|intern|attending|fat"
    r"|brain|face|powder|oil|lotion|sling|swing|bump|announcement|photographer)\b")


_AGE_WORD = re.compile(r"y/?o|yr|year|month|week|day|\d[mf]$")  # "my 9 yo" (not "my 4th scope")
# "somebody else is catching that baby": another clinician's, in the future
_ELSE_BEFORE = re.compile(r"\b(?:somebody|someone|anybody|anyone|nobody) else\b[^.!?]{0,30}$")
# "thank you to the Guidry family & Guidry's Boil House for sponsoring": donors, not patients
_SPONSOR_AFTER = re.compile(
    r"[^.!?]{0,50}?\b(?:(?:for|who|that) (?:\w+ )?"
    r"(?:sponsor|donat|fund|host|underwr|volunteer|cater)"
    r"|(?:\w+ )?(?:sponsored|donated|underwrote|catered|hosted)\b)")


def _nobody(sk: str, s: int, e: int) -> bool:
    """Is a definite-patient cue about no one patient (a group, a hypothetical, one's own child,
    a sponsor, or a modifier)?"""
    before = sk[max(0, s - 24):s]
    if _GENERIC_BEFORE.search(before) or sk.startswith(("'s", "s "), e) or (
            sk[s:s + 1].isdigit() and (_RANGE_BEFORE.search(before) or (
                _OWN_BEFORE.search(before) and _AGE_WORD.search(sk, s, e)))):
        return True  # "12-18 y/o", "my 9 yo": a range of ages, the author's own child
    if sk.endswith(("family", "families"), s, e) and _SPONSOR_AFTER.match(sk, e):
        return True
    if sk[s:e] in _FAMILY_WORDS or sk.endswith(" baby", s, e):
        return bool(_OWN_BEFORE.search(before) or _MODIFIER_AFTER.match(sk, e)
                    or _ELSE_BEFORE.search(sk, max(0, s - 60), s))
    return False


def cue_patterns() -> list[re.Pattern[str]]:
    """The cue lists' regexes, for the shared scan of heads.py."""
    return [c.rest for c in (_cues(False), _cues(True)) if c.rest is not None]


def _find(norm: Normalized, reply: bool) -> dict[str, list[tuple[int, int]]]:
    """Cue spans (original offsets) per cue list: a post's lists, and a reply's too if `reply`."""
    sk = norm.skeleton
    found: dict[str, list[tuple[int, int]]] = {}
    raw = (_reply_phrases() if reply else _cues(False)).find_phrases(sk.text)
    for cues in (_cues(False), _cues(True)) if reply else (_cues(False),):
        if cues.rest is not None:
            for kind, spans in cues.find_rest(sk.text, heads.at(norm, cues.rest)).items():
                raw.setdefault(kind, []).extend(spans)
    if reply:
        raw["relationship"] = raw.get("relationship", []) + _frames(sk.text, raw)
    identity = sk.offsets is None  # the skeleton's offsets are the original's
    # "41yo dad": the skeleton reads the digits as letters ("aiyo"); the text layer has them, at
    # the same offsets unless the skeleton dropped characters (rare: then this cue is skipped)
    if len(norm.text.text) == len(sk.text) and _GLUED_HINT.search(norm.text.text):
        raw.setdefault("patient_definite", []).extend(
            m.span() for m in _GLUED_AGE.finditer(norm.text.text.lower()))
    for s, e in raw.pop("injured_who", []):  # "a deckhand who got his leg caught"
        if m := _ARTICLE_BEFORE.search(sk.text, max(0, s - 40), s):
            raw.setdefault("patient_definite", []).append((m.start(), e))
    for kind, spans in raw.items():
        if kind == "patient_definite":  # "pulled 500 at 44 yo": the author's own age
            digits = norm.text.text if len(norm.text.text) == len(sk.text) else sk.text
            spans = [(s, e) for s, e in spans if not (digits[s:s + 1].isdigit() and
                                                     sk.text[max(0, s - 3):s] == "at ")
                     and not _nobody(sk.text, s, e)]
        if kind in _PATIENT_KINDS:
            spans = [(s, e) for s, e in spans if not _SERVICE_AFTER.match(sk.text, e)]
        found[kind] = spans if identity else [sk.span(s, e) for s, e in spans]
    return found


def _labelled_birth(e: Entity, labels: list[tuple[int, int]], text: str) -> bool:
    """Is a date written right after "DOB" or "date of birth" ("DOB: 3/4/31")?"""
    return e.type == "DATE" and not is_year_only(e.text) and any(
        0 <= e.start - end <= 6 and not any(c.isalnum() for c in text[end:e.start])
        or text[end:e.start].strip(" :#-").lower() in ("is", "of", "was")
        for _, end in labels if end <= e.start)


def _near(pos: tuple[int, int], spans: list[tuple[int, int]], window: int = _WINDOW) -> bool:
    return any(s - window <= pos[1] and pos[0] <= e + window for s, e in spans)


def _finding(rule: str, phi_type: str, start: int, end: int, norm: Normalized) -> Finding:
    text = _texts()
    said = text.get(phi_type) or text["default"]
    source = said.get("source", text["default"]["source"])
    return Finding(rule=rule, category="phi", severity="block", start=start, end=end,
                   excerpt=norm.original[start:end], message=said["message"],
                   suggestion=said["suggestion"], source=source, phi_type=phi_type)


@cache
def _texts() -> dict[str, dict[str, str]]:
    """What each finding says, per PHI type (data/phi.toml [finding.*])."""
    found: dict[str, dict[str, str]] = load_data("phi")["finding"]
    return found


def _entity_finding(e: Entity, norm: Normalized) -> Finding:
    return _finding(f"phi.{e.type.lower()}", e.type, e.start, e.end, norm)


def _is_clinician(e: Entity, original: str) -> bool:
    """A name written with a clinician's title or credentials is a colleague, not a patient."""
    before = original[max(0, e.start - 9):e.start]
    after = original[e.end:e.end + 8]
    if _STAFF_AFTER.match(original, e.end):  # "Miss Ruby, who has volunteered at our desk"
        return True
    return bool(_CLINICIAN.search(before) or _CLINICIAN.match(after)) or e.text.lower().startswith(
        ("dr ", "dr.", "doc ", "doctor "))


@cache
def _personal_pages() -> re.Pattern[str]:
    """Sites whose pages belong to one person (data/phi.toml personal_pages)."""
    return re.compile("|".join(load_data("phi")["personal_pages"]), re.I)


def _personal_page(url: str) -> bool:
    return _personal_pages().search(url) is not None



# A pet's name: "a dog named Moose", "our clinic cat, Biscuit".
_PET_BEFORE = re.compile(
    r"\b(?:dog|dogs|cat|cats|pup|puppy|pupper|kitten|kitty|horse|pony|goat|bunny|rabbit|hamster|"
    r"parrot|pet|lab|retriever|doodle|pug|beagle|mutt|rescue)(?:'s)?,? (?:(?:is )?named|called|"
    r"name is|name's)\s+$", re.I)
# "the Jorgensen kid", "the Miller twins": a family name for one particular child.
_CHILD_AFTER = re.compile(r"(?:'s)? (?:kid|kids|boy|boys|girl|girls|twins|baby|youngest|oldest)\b")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
# Relative times that pin one shift ("last night", "this am", "at 2am", "tonight"): with another
# named facility and an acute event they place one encounter.
_SHIFT_TIME = re.compile(r"\d|today|tonight|tonite|2nite|yesterday|yday|yest|last|this|overnight|"
                         r"morning|afternoon|evening", re.I)
_STREET_END = re.compile(r"\b(?:rd|road|st|street|ave|avenue|lane|ln|blvd|boulevard|hwy|highway|"
                         r"pike|trail|tr|drive|dr|way|court|ct|circle|cir)\.?$", re.I)
# A role's place that is no place: "the teacher at your kid's school", "the coach of a team".
_ROLE_NO_PLACE = frozenset({"your", "ur", "yr", "our", "my", "his", "her", "their", "a", "an",
                            "this", "that", "every", "any", "some", "school", "work", "home"})
_OWN_LABEL = re.compile(r"\b(?:my|our|i was|i'm|im)\s+(?:\w+\s+)?$", re.I)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _bare_family(cue: str) -> bool:
    """Is a definite cue only a family word ("baby", "the twins", "that baby")?"""
    return cue.rsplit(" ", 1)[-1] in _FAMILY_WORDS and cue.count(" ") <= 1


def _in_habitual(pos: int, habitual: list[tuple[int, int]], text: str) -> bool:
    """Is `pos` in a sentence that a habitual opener ("love when ...") began before it?"""
    return any(e <= pos and not _SENTENCE_END.search(text, e, pos) for _, e in habitual)


def check_phi(norm: Normalized, entities: list[Entity], context: Context) -> list[Finding]:
    """Findings for patient identifiers and patient-relationship confirmations."""
    reply = context.kind == "reply"
    cues = _find(norm, reply)
    definite = cues.get("patient_definite", [])  # "my patient", "the Okafor family"
    own = cues.get("own_family")
    if own:  # "expecting baby #2", "took the girls": the author's own child
        definite = [(s, e) for s, e in definite if not _bare_family(norm.original[s:e].lower())]
    if cues.get("care_context"):  # "sent me this pic" is about a patient only in a care post
        definite = definite + cues.get("patient_with_care", [])
    indefinite = cues.get("patient_indefinite", [])  # "a patient": only next to a care event
    events = cues.get("care_events", [])
    care = cues.get("care_context", [])
    relation: list[tuple[int, int]] = []
    if reply:
        safe = cues.get("relationship_safe", [])
        relation = [s for s in cues.get("relationship", []) if not _near(s, safe, 25)]
        relation += cues.get("relationship_firm", [])

    findings: list[Finding] = []
    patient_names: list[tuple[int, int]] = []
    low = norm.original.lower()
    for e in entities:
        if e.type != "NAME" or e.own or is_public_name(e.text) or _is_clinician(e, norm.original):
            continue
        if in_own_place(e.text, context.practice):  # "Port Agate": the practice's own town
            continue
        if _CREDENTIAL.fullmatch(e.text) or _PET_BEFORE.search(
                norm.original, max(0, e.start - 30), e.start) or _SPONSOR_AFTER.match(low, e.end):
            continue  # a credential, a pet, a sponsor ("the Guidry family ... for sponsoring")
        if _CHILD_AFTER.match(low, e.end) and _THE_BEFORE.search(
                norm.original, max(0, e.start - 6), e.start):
            definite = definite + [(e.start, e.end)]  # "the Jorgensen kid"
        if definite or indefinite or relation or (care and not own):
            patient_names.append((e.start, e.end))
            findings.append(_entity_finding(e, norm))
    roles = [r for r in cues.get("unique_roles", []) if norm.original[r[0]:r[1]].rsplit(
        " ", 1)[-1].lower() not in _ROLE_NO_PLACE] if care or definite or indefinite else []
    # spans that say "this is about a patient" ("the pastor at first baptist" + care counts)
    anchors = definite + patient_names + relation + roles

    def tied(e: Entity) -> bool:
        """Is a date or place tied to a patient's care?"""
        span = (e.start, e.end)
        if _near(span, anchors) or _near(span, encounters, 60):
            return True
        # "a patient": a street address next to it places them; a date needs a care event too.
        street = e.type == "GEO" and any(c.isdigit() for c in e.text)
        named = e.type == "GEO" and _near(span, indefinite, 60) and bool(
            _STREET_END.search(e.text))  # "a client who lives out Smithfield Rd"
        return named or _near(span, indefinite) and (street or _near(span, events))

    births = [b for b in cues.get("birth_labels", []) if not _OWN_LABEL.search(
        norm.original, max(0, b[0] - 20), b[0])]  # "my 30th bday is tmrw": the author's own
    candidates = [e for e in entities if e.type != "NAME"]
    taken = [(e.start, e.end) for e in entities]
    candidates += record_numbers(norm.original, taken)  # "MRNs need 11 digits. typed 4008..."
    for start, end in cues.get("relative_dates", []):  # "last nite", "this aftn"
        if not any(s < end and start < e for s, e in taken):
            candidates.append(Entity("DATE", start, end, norm.original[start:end]))
    dates = [(e.start, e.end) for e in candidates if e.type == "DATE"]
    clock = [(e.start, e.end) for e in candidates if e.type == "DATE" and _SHIFT_TIME.search(
        e.text)]  # "2:40am", "last night": the time of one shift
    acute = cues.get("encounter_events", [])
    encounters: list[tuple[int, int]] = []  # another facility + a shift's time + acute care
    teaching = cues.get("teaching_events", [])
    if anchors or indefinite or (acute and clock):
        for place, town in places(norm, context, taken, facilities=bool(dates)):
            span = (place.start, place.end)
            if not town and _near(span, clock, 60) and _near(span, acute) and not _near(
                    span, teaching, 60):
                encounters.append(span)
            # A facility identifies an encounter only with a time; a small town does alone.
            elif not (anchors or indefinite) or not (town or _near(span, dates, 60)) or (
                    town and any(0 <= span[0] - e <= 6 for _, e in teaching)):  # "talk in Austin"
                continue
            candidates.append(place)
    habitual = cues.get("habitual", [])
    for e in candidates:
        if e.own or (habitual and e.type == "DATE" and _in_habitual(e.start, habitual,
                                                                    norm.original)):
            continue
        if e.type in _ALWAYS:
            findings.append(_entity_finding(e, norm))
        elif e.type in ("PHONE", "EMAIL"):
            if _TOLL_FREE.match(e.text) or _ROLE_MAILBOX.match(e.text):
                continue
            findings.append(_entity_finding(e, norm))
        elif e.type == "URL" and anchors and _personal_page(e.text):
            findings.append(_entity_finding(e, norm))
        elif e.type == "DATE" and (is_year_only(e.text) or _ANY_DAY.search(
                norm.original, max(0, e.start - 12), e.start) and _WEEKDAY.match(e.text)):
            continue  # Safe Harbor lets the year alone stay; "every tuesday" is no one day
        elif e.type in ("DATE", "GEO") and (tied(e) or _labelled_birth(e, births, norm.original)):
            findings.append(_entity_finding(e, norm))

    for start, end in relation:
        findings.append(_finding("phi.patient_relationship", "PATIENT_RELATIONSHIP", start, end,
                                 norm))
    if anchors or cues.get("patient_gatherings"):  # "swipe for the support group pic"
        for start, end in cues.get("photo_words", []):
            findings.append(_finding("phi.photo", "PHOTO", start, end, norm))
    for start, end in roles:
        findings.append(_finding("phi.unique_role", "OTHER_ID", start, end, norm))
    return findings
