"""Bedside's errors, split by what the caller should do.

    BedsideError                 anything bedside raises on purpose; surfaces show its message
    └── UsageError               the user asked for something malformed (bad flag value, bad input)
    ProfileError (ValueError)    a practice profile (TOML) that cannot be read or is invalid; it
                                 lives in the pure guard, which imports nothing of the project
"""

from __future__ import annotations

from typing import ClassVar

from bedside.guard.context import ProfileError

__all__ = ["BedsideError", "ProfileError", "UsageError"]


# Exit codes beyond the guard's verdicts (0 ok, 1 warn, 2 block), named after sysexits(3).
EX_USAGE = 64
EX_NOINPUT = 66
EX_UNAVAILABLE = 69
EX_NOPERM = 77


class BedsideError(Exception):
    """An error whose message is meant for the user, shown without a traceback."""

    exit_code: ClassVar[int] = EX_USAGE  # the command line's, for this kind of error


class UsageError(BedsideError):
    """The user asked for something malformed."""
