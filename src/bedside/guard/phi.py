"""PHI judgement (layer two): which identifiers are a patient's, and replies that confirm care.

Layer one (identifiers.py, names.py) finds identifier spans whoever they belong to. This layer
decides which of them disclose a patient: an identifier near a patient reference or a care event,
a reply that confirms the person answered was seen, a photo of a patient, a role that singles one
person out. Every patient identifier blocks (45 CFR 164.502(a); Safe Harbor 164.514(b)(2), see
../shared/domain/hipaa.md). The cue lexicons and their sources are in data/phi.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from bedside.guard.context import Context
from bedside.guard.findings import Entity, Finding
from bedside.guard.lexicon import load_data
from bedside.guard.names import is_public_name
from bedside.guard.normalize import Normalized

SOURCE = "HIPAA Privacy Rule, 45 CFR 164.502(a); Safe Harbor identifiers, 45 CFR 164.514(b)(2)"
REPLY_SOURCE = ("45 CFR 164.502(a); HHS OCR review-reply settlements (Elite Dental 2019, "
                "Igbinadolor 2022, New Vision Dental 2022, Manasa Health Center 2023)")

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
_CLINICIAN = regex.compile(
    r"(?:\b(?:dr|doctor|nurse|prof|professor)\.?\s+$)|(?:^,?\s*(?:md|do|rn|np|pa-c|pa|dds|dmd|"
    r"phd|mph|lpn|cnm|crna|facp|faafp)\b)", regex.I)
_FACILITY = regex.compile(
    r"(?:\b(?:St|Saint|Mount|Mt)\.?\s+)?(?:[A-Z][\w'.-]*\s+){0,3}?"
    r"(?:Hospital|Medical Center|Medical Centre|Memorial|Regional|General|Infirmary|Hospice|"
    r"Nursing Home|Care Center|Rehab(?:ilitation)? Center|Elementary|Middle School|High School|"
    r"High|Academy|University|College|Fire Station|Station|Church|Mosque|Synagogue|Temple|Prison|"
    r"Jail|Shelter|Manor|Village|Apartments|Mall|Plant|Factory|Mill|Farm|Ranch)\b(?:\s+\d+)?"
    r"|\b(?:St|Saint)\.?\s+[A-Z][a-z]+'s\b")
_TOWN = regex.compile(r"\b(?:from|in|of|near|outside)\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+){0,2})\b")
_NOT_TOWN = frozenset({"The", "A", "An", "My", "Our", "His", "Her", "Their", "This", "That",
                       "January", "February", "March", "April", "May", "June", "July", "August",
                       "September", "October", "November", "December", "Monday", "Tuesday",
                       "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Medicine",
                       "Dr", "Mr", "Mrs", "Ms", "Miss", "America", "English", "Spanish"})


@dataclass(frozen=True, slots=True)
class _Cues:
    patient: regex.Pattern[str]
    care: regex.Pattern[str]
    photo: regex.Pattern[str]
    roles: regex.Pattern[str]
    relationship: regex.Pattern[str]
    safe: regex.Pattern[str]


def _words(patterns: list[str]) -> regex.Pattern[str]:
    return regex.compile(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w])")


@cache
def _cues() -> _Cues:
    d = load_data("phi")
    return _Cues(_words(d["patient_refs"]), _words(d["care_context"]), _words(d["photo_words"]),
                 _words(d["unique_roles"]), _words(d["relationship"]),
                 _words(d["relationship_safe"]))


def _spans(pattern: regex.Pattern[str], norm: Normalized) -> list[tuple[int, int]]:
    sk = norm.skeleton
    return [sk.span(m.start(), m.end()) for m in pattern.finditer(sk.text)]


def _near(pos: tuple[int, int], spans: list[tuple[int, int]], window: int = _WINDOW) -> bool:
    return any(s - window <= pos[1] and pos[0] <= e + window for s, e in spans)


def _finding(rule: str, phi_type: str, start: int, end: int, norm: Normalized, message: str,
             suggestion: str, source: str = SOURCE) -> Finding:
    return Finding(rule=rule, category="phi", severity="block", start=start, end=end,
                   excerpt=norm.original[start:end], message=message, suggestion=suggestion,
                   source=source, phi_type=phi_type)


_MESSAGES: dict[str, tuple[str, str]] = {
    "NAME": ("This names a patient. A name is the first of HIPAA's 18 identifiers, and a "
             "patient's permission in a post is not a signed authorization.",
             "Remove the name or say 'a patient'; publish only with a written HIPAA "
             "authorization (45 CFR 164.508) on file."),
    "DATE": ("This ties a date or time to a patient's care ('today', 'last night', a visit or "
             "birth date). Dates of care are HIPAA identifiers and let people who know the "
             "patient recognise them.",
             "Drop the date or time, or make it vague ('recently', 'a while ago')."),
    "GEO": ("This places a patient: a street, a town, a school or another facility (with a "
            "time) can identify who it is.",
            "Remove the place; say 'a local hospital' or 'nearby' at most."),
    "PHONE": ("This is a phone number that is not the practice's own: if it is a patient's, "
              "it is a HIPAA identifier.",
              "Remove it; contact the patient privately, never in a post."),
    "EMAIL": ("This is an email address that is not the practice's own: if it is a patient's, "
              "it is a HIPAA identifier.",
              "Remove it; contact the patient privately through the portal."),
    "AGE_OVER_89": ("An age over 89 is a HIPAA identifier on its own (few people are that old).",
                    "Say '90 or older' or leave the age out."),
}
_DEFAULT_MESSAGE = ("This is a {kind} ({label}), a HIPAA identifier with no place in a social "
                    "media post.",
                    "Remove it entirely; handle the matter privately through secure channels.")
_LABELS = {"SSN": "Social Security number", "MRN": "medical record number",
           "HEALTH_PLAN_ID": "health plan member number", "ACCOUNT": "account or card number",
           "DEVICE_ID": "device serial or identifier", "VEHICLE": "vehicle plate or VIN",
           "LICENSE": "licence or certificate number", "BIOMETRIC": "biometric identifier",
           "IP": "IP address", "FAX": "fax number"}


def _entity_finding(e: Entity, norm: Normalized) -> Finding:
    if e.type in _MESSAGES:
        message, suggestion = _MESSAGES[e.type]
    else:
        label = _LABELS.get(e.type, e.type.lower())
        message = _DEFAULT_MESSAGE[0].format(kind="patient identifier", label=label)
        suggestion = _DEFAULT_MESSAGE[1]
    return _finding(f"phi.{e.type.lower()}", e.type, e.start, e.end, norm, message, suggestion)


def _is_clinician(e: Entity, original: str) -> bool:
    """A name written with a clinician's title or credentials is a colleague, not a patient."""
    before = original[max(0, e.start - 9):e.start]
    after = original[e.end:e.end + 8]
    return bool(_CLINICIAN.search(before) or _CLINICIAN.match(after)) or e.text.lower().startswith(
        ("dr ", "dr.", "doctor "))


def _places(norm: Normalized, context: Context, taken: list[tuple[int, int]]) -> list[Entity]:
    """Facilities and small places named in free text (beyond street addresses)."""
    text = norm.text.text
    own = " ".join((context.practice.name, *context.practice.addresses)).lower()
    found: list[Entity] = []
    for m in _FACILITY.finditer(text):
        start, end = norm.text.span(m.start(), m.end())
        if m.group().lower() in own or any(s < end and start < e for s, e in taken):
            continue
        found.append(Entity("GEO", start, end, norm.original[start:end]))
    for m in _TOWN.finditer(text):
        first = m.group(1).split()[0]
        if first in _NOT_TOWN or m.group(1).lower() in own:
            continue
        start, end = norm.text.span(m.start(1), m.end(1))
        if any(s < end and start < e for s, e in taken):
            continue
        found.append(Entity("GEO", start, end, norm.original[start:end]))
    return found


def check_phi(norm: Normalized, entities: list[Entity], context: Context) -> list[Finding]:
    """Findings for patient identifiers and patient-relationship confirmations."""
    cues = _cues()
    patient = _spans(cues.patient, norm)
    care = _spans(cues.care, norm)
    reply = context.kind == "reply"
    relation: list[tuple[int, int]] = []
    if reply:
        safe = _spans(cues.safe, norm)
        relation = [s for s in _spans(cues.relationship, norm) if not _near(s, safe, 25)]

    findings: list[Finding] = []
    patient_names: list[tuple[int, int]] = []
    names = [e for e in entities if e.type == "NAME" and not e.own]
    for e in names:
        if is_public_name(e.text) or _is_clinician(e, norm.original):
            continue
        if patient or care or relation or reply:
            patient_names.append((e.start, e.end))
            findings.append(_entity_finding(e, norm))
    anchors = patient + patient_names + relation  # spans that say "this is about a patient"
    about_patient = bool(anchors)

    occupied = [(e.start, e.end) for e in entities]
    candidates = [e for e in entities if e.type != "NAME"]
    if about_patient:
        candidates += _places(norm, context, occupied)
    for e in candidates:
        if e.own:
            continue
        if e.type in _ALWAYS:
            findings.append(_entity_finding(e, norm))
        elif e.type in ("PHONE", "EMAIL"):
            if _TOLL_FREE.match(e.text) or _ROLE_MAILBOX.match(e.text):
                continue
            findings.append(_entity_finding(e, norm))
        elif e.type in ("DATE", "GEO") and about_patient and _near((e.start, e.end), anchors):
            findings.append(_entity_finding(e, norm))

    for s, e in relation:
        findings.append(_finding(
            "phi.patient_relationship", "PATIENT_RELATIONSHIP", s, e, norm,
            "This reply confirms that the person is or was your patient. Merely confirming it is "
            "a disclosure of PHI; OCR has fined practices for review replies like this.",
            "Answer without any care detail: 'Thank you for your feedback. Privacy rules keep us "
            "from discussing anyone's care here; please call our office manager so we can help.'",
            REPLY_SOURCE))
    if about_patient:
        for s, e in _spans(cues.photo, norm):
            findings.append(_finding(
                "phi.photo", "PHOTO", s, e, norm,
                "This shares a photo or image of a patient. Full-face photos and comparable "
                "images are HIPAA identifiers; any patient image needs a written authorization.",
                "Post no patient images unless a signed HIPAA authorization is on file and the "
                "image shows nothing that identifies them."))
    if care:
        for s, e in _spans(cues.roles, norm):
            findings.append(_finding(
                "phi.unique_role", "OTHER_ID", s, e, norm,
                "This describes one recognisable person (a role or relation) next to health "
                "details: readers who know them will know who it is.",
                "Remove the description that singles the person out."))
    return findings
