"""Bedside's errors, split by what the caller should do.

    BedsideError                 anything bedside raises on purpose; surfaces show its message
    └── UsageError               the user asked for something malformed (bad flag value, bad input)
    ProfileError (ValueError)    a practice profile (TOML) that cannot be read or is invalid; it
                                 lives in the pure guard, which imports nothing of the project
"""

from __future__ import annotations

from bedside.guard.context import ProfileError

__all__ = ["BedsideError", "ProfileError", "UsageError"]


class BedsideError(Exception):
    """An error whose message is meant for the user, shown without a traceback."""


class UsageError(BedsideError):
    """The user asked for something malformed."""
