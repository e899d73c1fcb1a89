"""Platform conventions: length in each network's own units, links and hashtags."""

from __future__ import annotations

from bedside.guard.context import Context
from bedside.guard.findings import Finding


def check_platform(text: str, context: Context) -> list[Finding]:
    return []
