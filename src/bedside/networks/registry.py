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

__all__ = ["NetworkImportError", "UnknownNetwork", "get_network", "names", "register"]

_TARGETS: dict[str, str] = {
    "outbox": "bedside.networks.outbox:OutboxNetwork",
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


def get_network(name: str, context: NetworkContext) -> Network:
    """Return the connector for `name`, built with `context`.

    Raises UnknownNetwork (with the known names) or NetworkImportError.
    """
    target = _TARGETS.get(name)
    if target is None:
        known = ", ".join(names()) or "none"
        raise UnknownNetwork(f"Unknown network {name!r}; bedside knows: {known}.")
    network = _load(target)(context)
    if not isinstance(network, Network):
        raise NetworkImportError(f"{target} (network {name!r}) does not implement Network.")
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
