"""The `Network` protocol every connector implements, and the values it takes and returns.

    NetworkError (BedsideError)   anything a connector raises on purpose
    ├── TransientError            try again later, after `retry_after` seconds when the network says
    ├── PermanentError            retrying cannot help (bad credentials, revoked token, content
    │                             rejected): the publisher pauses the account and shows `reason`
    └── CannotTell                `find` cannot say whether a post exists (the reconciler waits)
    ImageError (BedsideError, ValueError)   an image without alt text, of the wrong type, unreadable

Post texts can hold patient data and credentials are secrets: the reprs below show lengths and
counts, never the text or a token, so a value that reaches a log or a traceback leaks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from bedside.errors import BedsideError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AccountRef",
    "CannotTell",
    "Image",
    "ImageError",
    "Limits",
    "Network",
    "NetworkContext",
    "NetworkError",
    "OutgoingPost",
    "PermanentError",
    "Published",
    "TransientError",
    "Unit",
]

# How a network counts a post's length; the names of guard/data/limits.toml plus "bytes".
Unit = Literal["graphemes", "weighted", "characters", "bytes"]


class NetworkError(BedsideError):
    """A network call failed; the subclass says what the caller should do."""


class TransientError(NetworkError):
    """The call may succeed later: retry, no sooner than `retry_after` seconds when it is set."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(NetworkError):
    """Retrying cannot help; `reason` says why in words the account's owner understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CannotTell(NetworkError):
    """The network cannot say whether a post exists, so nobody may assume either way."""


class ImageError(BedsideError, ValueError):
    """An image that cannot be posted as given."""


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class AccountRef:
    """One account on one network, as a connector needs it.

    `credentials` arrive decrypted from the caller and are never shown; `options` are the
    account's settings for its connector (the outbox reads its simulation knobs there).
    """

    network: str
    handle: str
    credentials: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "credentials", _frozen(self.credentials))
        object.__setattr__(self, "options", _frozen(self.options))

    def __repr__(self) -> str:
        hidden = f"<{len(self.credentials)} hidden>"
        return (
            f"AccountRef(network={self.network!r}, handle={self.handle!r}, "
            f"credentials={hidden}, options={dict(self.options)!r})"
        )


@dataclass(frozen=True, slots=True)
class Image:
    """An image to attach: a file or its bytes, its MIME type, and its alt text (required)."""

    source: Path | bytes
    mime: str
    alt: str

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ImageError("Every image needs alt text: describe it for those who cannot see it.")
        if not self.mime.startswith("image/"):
            raise ImageError(f"{self.mime!r} is not an image type (image/png, image/jpeg…).")

    def read(self) -> bytes:
        """Return the image's bytes; raise ImageError when its file cannot be read."""
        if isinstance(self.source, bytes):
            return self.source
        try:
            return self.source.read_bytes()
        except OSError as exc:
            raise ImageError(f"Cannot read the image {self.source}: {exc.strerror}.") from exc

    def __repr__(self) -> str:
        source = self.source
        where = f"<{len(source)} bytes>" if isinstance(source, bytes) else str(source)
        return f"Image(source={where}, mime={self.mime!r}, alt=<{len(self.alt)} chars>)"


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """What to publish: text, an optional link, images, and the remote id it replies to."""

    text: str
    link: str | None = None
    images: tuple[Image, ...] = ()
    reply_to: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "images", tuple(self.images))

    def __repr__(self) -> str:
        return (
            f"OutgoingPost(text=<{len(self.text)} chars>, link={self.link!r}, "
            f"images={len(self.images)}, reply_to={self.reply_to!r})"
        )


@dataclass(frozen=True, slots=True)
class Published:
    """A post as the network holds it: its id there, its public address, when it went out."""

    remote_id: str
    url: str | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Limits:
    """What a network accepts; field names follow guard/data/limits.toml (None: no known limit)."""

    name: str
    max_length: int
    unit: Unit
    max_images: int | None = None
    alt_text_max: int | None = None
    bio_max: int | None = None
    display_name_max: int | None = None


@dataclass(frozen=True, slots=True)
class NetworkContext:
    """What a connector may use: the data directory and the one shared HTTP client."""

    data_dir: Path
    http: httpx.Client | None = None


@runtime_checkable
class Network(Protocol):
    """One social network, built by the registry as `cls(context: NetworkContext)`."""

    name: str
    limits: Limits

    def publish(
        self, account: AccountRef, post: OutgoingPost, *, idempotency_key: str
    ) -> Published:
        """Publish `post`; a second call with the same key returns the first publication.

        Raises TransientError (try later), PermanentError (pause the account).
        """
        ...

    def find(self, account: AccountRef, *, idempotency_key: str) -> Published | None:
        """Return the publication made with this key, None if there was none.

        Raises CannotTell when the network cannot answer.
        """
        ...

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a published post; a post already gone is not an error."""
        ...
