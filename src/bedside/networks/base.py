"""The `Network` protocol every connector implements, and the values it takes and returns.

    NetworkError (BedsideError)   anything a connector raises on purpose
    ├── TransientError            try again later, after `retry_after` seconds when the network says
    ├── PermanentError            retrying cannot help (bad credentials, revoked token, content
    │                             rejected): the publisher pauses the account and shows `reason`
    ├── CannotTell                `find` cannot say whether a post exists (the reconciler waits)
    └── Unsupported               the network's API does not offer this (no follower list, no
                                  profile update, no archive): skip it; the account stays active
    ImageError (BedsideError, ValueError)   an image without alt text, of the wrong type, unreadable
    ArchiveError (BedsideError)   a data export that cannot be read, naming the file and position

Connecting an account: `connect` checks what the user typed (an app password, a token) and
returns the credentials to seal; an `OAuthNetwork` adds a browser step: `authorization_url`, then
`complete_authorization` with the callback's code (what must wait between the two, a PKCE
verifier or a Mastodon server's app, waits in the data directory: networks/oauth_pending.py). A
`Refreshable` network renews its credentials before they expire (`refresh`).

Post texts can hold patient data and credentials are secrets: the reprs below show lengths and
counts, never the text or a token, so a value that reaches a log or a traceback leaks nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from bedside.errors import BedsideError

if TYPE_CHECKING:
    import httpx

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
    "OAuthNetwork",
    "OutgoingPost",
    "PermanentError",
    "PostMetrics",
    "Profile",
    "Published",
    "Refreshable",
    "TransientError",
    "Unit",
    "Unsupported",
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


class Unsupported(NetworkError):
    """The network does not let bedside do this; callers skip it and pause nothing."""


class ArchiveError(BedsideError):
    """A data export that cannot be read: the message names the file and the position."""


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

    def find(
        self,
        account: AccountRef,
        *,
        idempotency_key: str,
        post: OutgoingPost | None = None,
        sent_after: datetime | None = None,
    ) -> Published | None:
        """Return the publication made with this key, None if there was none.

        `post` and `sent_after` are optional hints: the post that would have gone out with this
        key, and a time before which the key was never used. A network without idempotency keys
        needs them to answer for a post another machine may have sent (it keeps its own record
        of what it sent: networks.journal): it then looks for that exact text among the
        account's posts since `sent_after`. Without a record and without hints such a network
        raises CannotTell, never None (None lets the caller send the post again). Networks that
        look a key up (Bluesky, the outbox) ignore the hints.

        Raises CannotTell when the network cannot answer, TransientError when it cannot yet.
        """
        ...

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a published post; a post already gone is not an error."""
        ...

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Check what the user gave (an app password, a token…) against the network and return
        the credentials to store (sealed by the caller), e.g. a session or a checked token.

        Raises PermanentError (refused: wrong password, unknown handle), TransientError, or
        Unsupported when the network connects only through OAuth (see OAuthNetwork).
        """
        ...

    def fetch_interactions(
        self, account: AccountRef, *, since: datetime | None = None
    ) -> Sequence[Interaction]:
        """Replies, mentions, comments and reviews newer than `since`, oldest first."""
        ...

    def fetch_metrics(
        self, account: AccountRef, remote_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Counts for our posts (a post the network no longer has is left out)."""
        ...

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        """The account's follower, following and post counts, as far as the network says."""
        ...

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        """Up to `limit` followers, for the bot-follower check (Unsupported where not listed)."""
        ...

    def get_profile(self, account: AccountRef) -> Profile:
        """The profile as the network shows it."""
        ...

    def update_profile(
        self,
        account: AccountRef,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        avatar: Image | None = None,
    ) -> Profile:
        """Change what is given, leave the rest; returns the profile as the network now holds it.

        Raises Unsupported where the API cannot change the profile (or that part of it).
        """
        ...

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        """Posts from the network's own data export. Raises ArchiveError naming the file and the
        position of the first problem; callers store nothing until the whole file has been read.
        Raises Unsupported for a network whose export bedside does not read."""
        ...


@runtime_checkable
class Refreshable(Protocol):
    """A network whose stored credentials expire and can be renewed without the user."""

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        """New credentials when these expire within the hour, else None (nothing to do).

        Raises PermanentError when they cannot be renewed (revoked, refresh token expired): the
        account must be connected again. The new credentials replace the old ones at once (a
        refresh token may be single-use).
        """
        ...


@runtime_checkable
class OAuthNetwork(Network, Refreshable, Protocol):
    """A network whose accounts connect with OAuth 2 (every one but Bluesky and the outbox).

    The installation's developer app comes from BEDSIDE_<NETWORK>_CLIENT_ID and
    BEDSIDE_<NETWORK>_CLIENT_SECRET (Mastodon registers an app on each server instead).
    """

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str) -> str:
        """Where to send the user to grant access, with `state` and PKCE where the network has
        it. `handle` names the account to connect (Mastodon's holds its server: name@server);
        networks that learn the account at the callback ignore it."""
        ...

    def complete_authorization(
        self, *, code: str, state: str, redirect_uri: str
    ) -> Mapping[str, str]:
        """Exchange the callback's code for credentials (tokens, `expires_at` as ISO 8601 time).

        The caller then hands them to `connect(handle, credentials)`, which checks them and
        picks the account (a Facebook Page among the user's) before they are stored. Raises
        PermanentError when the code is refused, unknown or expired.
        """
        ...
