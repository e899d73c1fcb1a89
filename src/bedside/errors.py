"""Bedside's errors, split by what the caller should do.

    BedsideError                 anything bedside raises on purpose; surfaces show its message
    ├── UsageError               the user asked for something malformed (bad flag value, bad input)
    └── ProfileError             a practice profile (TOML) that cannot be read or is invalid
"""

from __future__ import annotations


class BedsideError(Exception):
    """An error whose message is meant for the user, shown without a traceback."""


class UsageError(BedsideError):
    """The user asked for something malformed."""


class ProfileError(BedsideError):
    """A practice profile cannot be read or is invalid."""
