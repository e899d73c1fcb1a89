"""Personal names (stub until the names recogniser lands)."""

from __future__ import annotations

from bedside.guard.context import Practice
from bedside.guard.findings import Entity
from bedside.guard.normalize import Normalized


def find_names(norm: Normalized, practice: Practice) -> list[Entity]:
    """Every personal-name span."""
    return []


def is_public_name(text: str) -> bool:
    """True for public figures and historical physicians, who are never patients."""
    return False
