"""Identifier spans (layer one): every Safe Harbor identifier, found whoever it belongs to."""

from __future__ import annotations

from bedside.guard.context import Practice
from bedside.guard.findings import Entity
from bedside.guard.normalize import Normalized


def find_entities(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every identifier span in the original text; `own` marks the practice's own details."""
    return []
