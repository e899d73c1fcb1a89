"""The guard: reads a draft the way a compliance officer at a medical practice would.

Pure: text and context in, findings and labels out; no settings, database or network.
"""

from bedside.guard.context import Context, Practice, load_practice
from bedside.guard.engine import check
from bedside.guard.findings import Entity, Finding, Labels, Report

__all__ = ["Context", "Entity", "Finding", "Labels", "Practice", "Report", "check", "load_practice"]
