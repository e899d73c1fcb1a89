"""Voice: personal content and professionalism (disparagement, profanity, intoxication)."""

from __future__ import annotations

from bedside.guard.context import Context
from bedside.guard.findings import Finding
from bedside.guard.normalize import Normalized


def check_voice(norm: Normalized, context: Context) -> tuple[list[Finding], bool]:
    """Findings and the `personal` label."""
    return [], False
