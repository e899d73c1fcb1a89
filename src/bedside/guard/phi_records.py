"""Record numbers written loosely after their label, for the PHI judgement (phi.py).

The identifier layer reads "MRN: 00482913" (a label, then the code). Staff venting about the
EHR write the label, a few words, then the number ("MRNs need 11 digits. typed 40082713355
wrong", "the MRN AND the acct #. 00482913 / ACC-77120"). A medical record or account number is
a Safe Harbor identifier (45 CFR 164.514(b)(2)(i)(H), (J); ../shared/domain/hipaa.md) whoever
posts it. Only texts that hold a label word are read at all.
"""

from __future__ import annotations

import re

from bedside.guard.findings import Entity

# A label and the identifier type it names; "acct"/"account" only with "#" or "number".
_LABEL = re.compile(
    r"\b(?:(?P<MRN>mrns?|mr ?#|medical record(?: number| no| #)?s?|chart (?:number|no|#))"
    r"|(?P<ACCOUNT>acct|accts|account (?:number|no|#)|account#|acc ?#)"
    r"|(?P<HEALTH_PLAN_ID>member (?:id|number|#)|(?:insurance|policy) (?:id|number|#))"
    r"|(?P<LICENSE>(?:driver'?s?|drivers'|dl|dmv|state|medical|nursing|dea|cdl) licen[cs]es? ?"
    r"(?:#|number|no\b|num\b)?|dl ?#|licen[cs]e ?#|lic ?#))", re.I)
_GATE = ("mrn", "mr #", "mr#", "medical record", "chart n", "chart #", "acc",  # acct, account
         "member", "insurance", "policy", "licen", "dl #", "dl#", "lic #", "lic#")
# A code within reach of the label: 6 to 12 digits, maybe after a letter prefix ("ACC-77120"),
# or written in groups ("412 663 908", "D12-448-903"): the way a licence or a record number is
# copied off a card.
_CODE = re.compile(r"(?<![\w/.:$-])(?:(?P<prefix>[A-Za-z]{1,4})[-#]?)?"
                   r"(?:\d{5,12}|(?P<grouped>\d{2,4}(?:[ -]\d{2,4}){1,3}))(?![\w/:%-]|[.,]\d)")
_PREFIXES = {"acc": "ACCOUNT", "acct": "ACCOUNT", "mrn": "MRN", "mr": "MRN", "pt": "MRN",
             "mbr": "HEALTH_PLAN_ID", "mem": "HEALTH_PLAN_ID", "dl": "LICENSE", "lic": "LICENSE"}
_STATE_LETTER = re.compile(r"[A-Z]")  # "D12-448-903": a state's one-letter licence prefix
_REACH = 80  # characters from a label to the code it names


def record_numbers(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    """Codes named by a label a few words before them (`taken`: spans already found)."""
    low = text.lower()
    if not any(g in low for g in _GATE):
        return []
    labels = [(m.end(), str(m.lastgroup)) for m in _LABEL.finditer(text)]
    if not labels:
        return []
    found: list[Entity] = []
    pending = [kind for _, kind in labels]  # label types not yet given to a code, in order
    for m in _CODE.finditer(text, labels[0][0]):
        s, e = m.span()
        if any(a < e and s < b for a, b in taken) or not any(0 <= s - end <= _REACH
                                                             for end, _ in labels):
            continue
        raw_prefix = m.group("prefix") or ""
        prefix = raw_prefix.lower()
        grouped = m.group("grouped")
        if grouped and sum(c.isdigit() for c in grouped) < 6:
            continue  # "2 wks 3 days": a few small numbers, not a code
        if len(raw_prefix) == 1:
            if not (_STATE_LETTER.fullmatch(raw_prefix) and "LICENSE" in
                    (k for _, k in labels)):
                continue
            kind = "LICENSE"
        elif prefix and prefix not in _PREFIXES:
            continue
        elif prefix:
            kind = _PREFIXES[prefix]
        elif not grouped and len(m.group()) < 6:
            continue
        else:
            kind = pending[0] if pending else labels[-1][1]
        if kind in pending:
            pending.remove(kind)
        found.append(Entity(kind, s, e, text[s:e]))
    return found
