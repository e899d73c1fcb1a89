"""Network names mapped to "module:Class" targets, imported on first use.

Built-in connectors are registered like plugins: a name costs nothing until someone asks for
that network, so a broken or slow connector never slows the others down.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import cache

from bedside.errors import BedsideError
from bedside.networks.base import Network, NetworkContext

__all__ = [
    "NetworkImportError",
    "UnknownNetwork",
    "get_network",
    "names",
    "network_class",
    "register",
    "target",
]

# Every network here is documented in CONTRIBUTING.md and docs/networks.md (a test checks it).
_TARGETS: dict[str, str] = {
    "bluesky": "bedside.networks.bluesky:BlueskyNetwork",
    "facebook": "bedside.networks.facebook:FacebookNetwork",
    "instagram": "bedside.networks.instagram:InstagramNetwork",
    "linkedin": "bedside.networks.linkedin:LinkedInNetwork",
    "mastodon": "bedside.networks.mastodon:MastodonNetwork",
    "outbox": "bedside.networks.outbox:OutboxNetwork",
    "threads": "bedside.networks.threads:ThreadsNetwork",
    "x": "bedside.networks.x:XNetwork",
}
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


class UnknownNetwork(BedsideError):
    """No connector is registered under this name."""


class NetworkImportError(BedsideError):
    """A registered connector cannot be loaded."""


def names() -> list[str]:
    """Return the registered network names, sorted."""
    return sorted(_TARGETS)


def register(name: str, target: str, *, replace: bool = False) -> None:
    """Register `target` ("package.module:Class") under `name`, replacing only when asked."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"network name {name!r}: use lower-case letters, digits and _")
    if not _TARGET.fullmatch(target):
        raise ValueError(f"network target {target!r}: expected 'package.module:Class'")
    if not replace and _TARGETS.get(name, target) != target:
        raise ValueError(f"network {name!r} is already registered as {_TARGETS[name]!r}")
    _TARGETS[name] = target


def target(name: str) -> str:
    """Return the "module:Class" registered for `name`; raise UnknownNetwork."""
    found = _TARGETS.get(name)
    if found is None:
        known = ", ".join(names()) or "none"
        raise UnknownNetwork(f"Unknown network {name!r}; bedside knows: {known}.")
    return found


def network_class(name: str) -> type:
    """Import and return the connector class for `name`, without building it.

    Raises UnknownNetwork or NetworkImportError.
    """
    cls = _load(target(name))
    assert isinstance(cls, type)
    return cls


def get_network(name: str, context: NetworkContext) -> Network:
    """Return the connector for `name`, built with `context`.

    Raises UnknownNetwork (with the known names) or NetworkImportError.
    """
    where = target(name)
    network = _load(where)(context)
    if not isinstance(network, Network):
        raise NetworkImportError(f"{where} (network {name!r}) does not implement Network.")
    return network


@cache
def _load(target: str) -> Callable[[NetworkContext], object]:
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise NetworkImportError(f"Cannot import {module_name} for a network: {exc}") from exc
    cls: object = getattr(module, class_name, None)
    if not isinstance(cls, type):
        raise NetworkImportError(f"{module_name} has no class {class_name}.")
    return cls
