"""Promotion: does the post sell (book now, offers, new services) rather than give value?"""

from __future__ import annotations

from bedside.guard.context import Context
from bedside.guard.findings import Finding
from bedside.guard.normalize import Normalized


def check_promotion(norm: Normalized, context: Context) -> tuple[list[Finding], bool]:
    """Findings and the `promotional` label."""
    return [], False
