"""The guard's one entry point: text and context in, a Report out. Pure: no I/O beyond its data."""

from __future__ import annotations

from bedside.guard.claims import check_claims
from bedside.guard.context import Context
from bedside.guard.findings import SEVERITY_RANK, Finding, Labels, Report
from bedside.guard.identifiers import find_entities
from bedside.guard.normalize import normalize
from bedside.guard.phi import check_phi
from bedside.guard.platforms import check_platform
from bedside.guard.promotion import check_promotion
from bedside.guard.voice import check_voice

_DEFAULT = Context()


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per (rule, span), ordered by position then severity (worst first)."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -SEVERITY_RANK[f.severity], f.rule)):
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)


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
    findings += check_platform(text, ctx)
    return Report(
        text=text,
        findings=_dedupe(findings),
        entities=tuple(sorted(entities, key=lambda e: (e.start, e.end, e.type))),
        labels=Labels(promotional=promotional, personal=personal),
    )
