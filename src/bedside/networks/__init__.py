"""The networks bedside publishes to: one `Network` protocol, one module per network.

Connectors load on first use through the registry (`get_network`); `OutboxNetwork` and
`OutboxRecord` are exported here too, imported only when first touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchiveError,
    ArchivePost,
    CannotTell,
    Follower,
    Image,
    ImageError,
    Interaction,
    InteractionKind,
    Limits,
    Network,
    NetworkContext,
    NetworkError,
    OAuthNetwork,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    Refreshable,
    TransientError,
    Unit,
    Unsupported,
)
from bedside.networks.registry import (
    NetworkImportError,
    UnknownNetwork,
    get_network,
    names,
    network_class,
    register,
)

if TYPE_CHECKING:
    from bedside.networks.outbox import OutboxNetwork, OutboxRecord

__all__ = [
    "AccountMetrics",
    "AccountRef",
    "ArchiveError",
    "ArchivePost",
    "CannotTell",
    "Follower",
    "Image",
    "ImageError",
    "Interaction",
    "InteractionKind",
    "Limits",
    "Network",
    "NetworkContext",
    "NetworkError",
    "NetworkImportError",
    "OAuthNetwork",
    "OutboxNetwork",
    "OutboxRecord",
    "OutgoingPost",
    "PermanentError",
    "PostMetrics",
    "Profile",
    "Published",
    "Refreshable",
    "TransientError",
    "Unit",
    "UnknownNetwork",
    "Unsupported",
    "get_network",
    "names",
    "network_class",
    "register",
]

_LAZY = {"OutboxNetwork", "OutboxRecord"}


def __getattr__(name: str) -> Any:
    """Import the outbox only when one of its names is asked for (PEP 562)."""
    if name in _LAZY:
        from bedside.networks import outbox

        return getattr(outbox, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
