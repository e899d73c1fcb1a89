"""The guard's one entry point: text and context in, a Report out. Pure: no I/O beyond its data."""

from __future__ import annotations

from dataclasses import replace
from operator import attrgetter

from bedside.guard.claims import check_claims
from bedside.guard.context import Context
from bedside.guard.findings import SEVERITY_RANK, Finding, Labels, Report
from bedside.guard.identifiers import find_entities
from bedside.guard.learned import learned_finding, learned_labels
from bedside.guard.normalize import normalize
from bedside.guard.phi import check_phi
from bedside.guard.platforms import check_platform
from bedside.guard.promotion import check_promotion
from bedside.guard.voice import check_voice

_DEFAULT = Context()


def _merge(text: str, findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per rule and stretch of text: overlapping spans of the same rule become one
    (several cues for one confirmation should read as one problem). Ordered by position, then
    severity (worst first)."""
    if len(findings) < 2:
        return tuple(findings)
    merged: list[Finding] = []
    last: dict[str, int] = {}  # rule -> index in `merged` of its right-most finding
    for f in sorted(findings, key=_by_span):
        i = last.get(f.rule)
        if i is not None and f.start < merged[i].end:
            prev = merged[i]
            if f.end > prev.end:
                merged[i] = replace(prev, end=f.end, excerpt=text[prev.start:f.end])
            continue
        last[f.rule] = len(merged)
        merged.append(f)
    merged.sort(key=_by_place)
    return tuple(merged)


def _by_span(f: Finding) -> tuple[int, int]:
    return f.start, -f.end


def _by_place(f: Finding) -> tuple[int, int, str]:
    return f.start, -SEVERITY_RANK[f.severity], f.rule


_BY_POSITION = attrgetter("start", "end", "type")


def check(text: str, context: Context | None = None) -> Report:
    """Judge `text` the way a practice's compliance officer would."""
    ctx = context or _DEFAULT
    norm = normalize(text)
    entities = find_entities(norm, ctx.practice)
    findings: list[Finding] = []
    findings += check_phi(norm, entities, ctx)
    findings += check_claims(norm, ctx)
    promo_findings, promotional = check_promotion(norm, ctx)
    findings += promo_findings
    voice_findings, personal = check_voice(norm, ctx)
    findings += voice_findings
    # The learned labels only add to the rules: a label, or one finding where none of its
    # category was given (learned.py).
    learned = learned_labels(norm, ctx)
    if learned:
        given = {f.category for f in findings if f.severity != "info"}
        if "claims" in learned and "claims" not in given:
            findings.append(learned_finding(norm, ctx, "claims"))
        if "unprofessional" in learned and "professionalism" not in given:
            findings.append(learned_finding(norm, ctx, "unprofessional"))
        promotional = promotional or "promotional" in learned
        if "personal" in learned and not personal:
            personal = True
            if ctx.account == "practice":
                findings.append(learned_finding(norm, ctx, "personal"))
    findings += check_platform(text, ctx)
    return Report(
        text=text,
        findings=_merge(text, findings),
        entities=tuple(sorted(entities, key=_BY_POSITION)),
        labels=Labels(promotional=promotional, personal=personal),
    )
