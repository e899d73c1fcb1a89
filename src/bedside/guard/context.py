"""The context a text is judged in: network, post or reply, account, and the practice profile."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

Kind = Literal["post", "reply"]
Account = Literal["practice", "personal"]
NETWORKS = ("x", "bluesky", "mastodon", "facebook", "instagram", "linkedin", "threads")


class ProfileError(ValueError):
    """A practice profile cannot be read or is invalid (the message is one line for the user).

    Defined here because the guard imports nothing of the project; bedside.errors re-exports it.
    """


@dataclass(frozen=True, slots=True)
class Practice:
    """A practice's public details: never patient identifiers (../shared/corpus/practice.toml)."""

    name: str = ""
    specialty: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    network: str | None = None
    kind: Kind = "post"
    account: Account = "practice"
    practice: Practice = field(default_factory=Practice)


def in_own_place(text: str, practice: Practice) -> bool:
    """Is `text` a run of whole words of the practice's own name or address ("Port Agate", its
    town, its street)? Such a place is the practice's, not a patient's."""
    return len(text) >= 4 and f" {text.lower()} " in _own_words(practice.name, practice.addresses)


@cache
def _own_words(name: str, addresses: tuple[str, ...]) -> str:
    """The practice's name and addresses as lower-case words between single spaces."""
    return " " + " ".join(re.findall(r"[\w'&-]+", " ".join((name, *addresses)).lower())) + " "


_LIST_FIELDS = ("phones", "emails", "addresses", "websites", "staff")


def practice_from_mapping(data: dict[str, Any], *, where: str = "profile") -> Practice:
    """Build a Practice from the `[practice]` table; raise ProfileError naming what is wrong."""
    table = data.get("practice", data)
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: [practice] must be a table")
    values: dict[str, Any] = {}
    for key in ("name", "specialty"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise ProfileError(f"{where}: practice.{key} must be a string")
        values[key] = value
    for key in _LIST_FIELDS:
        items = table.get(key, [])
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ProfileError(f"{where}: practice.{key} must be a list of strings")
        values[key] = tuple(i.strip() for i in items if i.strip())
    return Practice(**values)


def load_practice(path: str | Path) -> Practice:
    """Read a practice profile TOML file; raise ProfileError with a one-line reason."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read practice profile {p}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"practice profile {p} is not valid TOML: {exc}") from exc
    return practice_from_mapping(data, where=str(p))
