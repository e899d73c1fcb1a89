"""Risky medical-advertising claims: guarantees, cures, absolute safety, superlatives and more."""

from __future__ import annotations

from bedside.guard.context import Context
from bedside.guard.findings import Finding
from bedside.guard.normalize import Normalized


def check_claims(norm: Normalized, context: Context) -> list[Finding]:
    return []
