"""PHI judgement (layer two): which identifiers are a patient's, and replies that confirm care."""

from __future__ import annotations

from bedside.guard.context import Context
from bedside.guard.findings import Entity, Finding
from bedside.guard.normalize import Normalized


def check_phi(norm: Normalized, entities: list[Entity], context: Context) -> list[Finding]:
    """Findings for patient identifiers and patient-relationship confirmations."""
    return []
