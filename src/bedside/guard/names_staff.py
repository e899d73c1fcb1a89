"""Names the practice introduces as its own people by their role, whom no list holds."""

from __future__ import annotations

from bedside.guard.names_context import Doc, Tok

# Staff and volunteers the practice names by their role are its own people, never patients
# (../shared/corpus/README.md: staff are never patients), even when the profile does not list
# them: "our volunteer Ruby", "Pam, our front desk hero", "Ruby, who has volunteered at our ...".
_STAFF_ROLES = frozenset("""
volunteer volunteers receptionist receptionists scheduler biller coder scribe ma rn lpn cna np
nurse nurses hygienist aesthetician esthetician manager coordinator tech technician intern
medic paramedic janitor custodian admin assistant staffer
""".split())
_STAFF_VERBS = frozenset("volunteered volunteers volunteering worked works working".split())


def staff_role(doc: Doc, first: Tok, end: int) -> bool:
    """The name from `first` to `end` is introduced as one of the practice's own staff by role."""
    p = doc.prev(first)
    if p is not None and p.key in _STAFF_ROLES and (pp := doc.prev(p)) is not None and (
            pp.key == "our" and doc.text[pp.end:first.start].count(" ") == 2):
        return True  # "our volunteer Ruby"
    m = doc.word.search(doc.text, end)
    if m is None or doc.text[end:m.start()].strip() != ",":
        return False
    nxt = doc.tok(*m.span())
    seen: list[str] = []
    for _ in range(5):  # "Ruby, our front desk volunteer", "Ruby, who has volunteered at our"
        seen.append(nxt.key)
        if seen[0] == "our" and nxt.key in _STAFF_ROLES or (
                seen[0] == "who" and nxt.key in _STAFF_VERBS):
            return seen[0] == "our" or "our" in _next_keys(doc, nxt, 3)
        got = doc.next(nxt)
        if got is None:
            return False
        nxt = got
    return False


def _next_keys(doc: Doc, t: Tok, n: int) -> list[str]:
    out: list[str] = []
    cur: Tok | None = t
    for _ in range(n):
        cur = doc.next(cur) if cur is not None else None
        if cur is None:
            break
        out.append(cur.key)
    return out
