"""The values the `Network` protocol (networks.base) takes and returns.

Frozen dataclasses, and the two ways a connector puts a post's link into its text. Post texts
can hold patient data and credentials are secrets: the reprs show lengths and counts, never the
text or a token, so a value that reaches a log or a traceback leaks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from bedside.errors import BedsideError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AccountMetrics",
    "AccountRef",
    "ArchivePost",
    "Follower",
    "Image",
    "ImageError",
    "Interaction",
    "InteractionKind",
    "Limits",
    "NetworkContext",
    "OutgoingPost",
    "PostMetrics",
    "Profile",
    "Published",
    "Unit",
    "link_after_blank_line",
    "link_on_next_line",
]

# How a network counts a post's length; the names of guard/data/limits.toml plus "bytes".
Unit = Literal["graphemes", "weighted", "characters", "bytes"]


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


def link_after_blank_line(post: OutgoingPost) -> str:
    """The text as sent where a link is text at the end (Mastodon, X, Bluesky): the link after a
    blank line, unless the text already holds it."""
    if not post.link or post.link in post.text:
        return post.text
    return f"{post.text.rstrip()}\n\n{post.link}"


def link_on_next_line(post: OutgoingPost) -> str:
    """The text as sent where a link is plain text (an Instagram caption, LinkedIn commentary):
    the link on the next line, unless the text already holds it."""
    return post.text if not post.link or post.link in post.text else f"{post.text}\n{post.link}"


@dataclass(frozen=True, slots=True)
class Published:
    """A post as the network holds it: its id there, its public address, when it went out."""

    remote_id: str
    url: str | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Limits:
    """What a network accepts; field names follow guard/data/limits.toml (None: no known limit).

    `checked` is the date the values were last checked against `source` (networks.limits reads
    them from that file); `max_bytes` is a UTF-8 limit on top of `max_length` (Bluesky).
    """

    name: str
    max_length: int
    unit: Unit
    max_images: int | None = None
    alt_text_max: int | None = None
    bio_max: int | None = None
    display_name_max: int | None = None
    max_bytes: int | None = None
    checked: str | None = None
    source: str | None = None


InteractionKind = Literal["reply", "mention", "comment", "review", "quote"]


@dataclass(frozen=True, slots=True)
class Interaction:
    """Something someone said to or about the account: the inbox's raw material.

    `text` may hold a patient's own health details: never log it (the repr shows its length).
    `in_reply_to` is the remote id of our post it answers, when there is one; `rating` is a
    review's stars (1-5) where the network has them.
    """

    remote_id: str
    kind: InteractionKind
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    url: str | None = None
    in_reply_to: str | None = None
    rating: int | None = None

    def __repr__(self) -> str:
        return (
            f"Interaction(remote_id={self.remote_id!r}, kind={self.kind!r}, "
            f"author_handle={self.author_handle!r}, text=<{len(self.text)} chars>)"
        )


@dataclass(frozen=True, slots=True)
class PostMetrics:
    """Counts for one of our posts at one moment; None where the network does not say."""

    remote_id: str
    fetched_at: datetime
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    impressions: int | None = None
    clicks: int | None = None


@dataclass(frozen=True, slots=True)
class AccountMetrics:
    """The account's counts at one moment; None where the network does not say."""

    fetched_at: datetime
    followers: int | None = None
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True, slots=True)
class Follower:
    """One follower as the bot-follower rules need it (../shared/domain: bot-follower rules)."""

    handle: str
    display_name: str = ""
    bio: str = ""
    has_avatar: bool | None = None
    created_at: datetime | None = None
    posts: int | None = None
    followers: int | None = None
    following: int | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """An account's public face, for the profile audit (mistake 7)."""

    handle: str
    display_name: str = ""
    bio: str = ""
    avatar_url: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class ArchivePost:
    """One post read from a network's own data export (no API key needed).

    `metrics` uses PostMetrics' names (likes, replies, reposts, quotes, impressions, clicks) for
    the counts the export has; `text` may hold patient data (the repr shows its length).
    """

    network: str
    remote_id: str
    created_at: datetime
    text: str
    url: str | None = None
    reply_to: str | None = None
    metrics: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metrics", _frozen(self.metrics))

    def __repr__(self) -> str:
        return (
            f"ArchivePost(network={self.network!r}, remote_id={self.remote_id!r}, "
            f"text=<{len(self.text)} chars>)"
        )


@dataclass(frozen=True, slots=True)
class NetworkContext:
    """What a connector may use: the data directory and the one shared HTTP client."""

    data_dir: Path
    http: httpx.Client | None = None
