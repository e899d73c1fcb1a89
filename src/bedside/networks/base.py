"""The `Network` protocol every connector implements and the errors it raises; the values it
takes and returns are in networks.values, and every name is importable from here.

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
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from bedside.errors import BedsideError
from bedside.networks.values import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    Follower,
    Image,
    ImageError,
    Interaction,
    InteractionKind,
    Limits,
    NetworkContext,
    OutgoingPost,
    PostMetrics,
    Profile,
    Published,
    Unit,
    link_after_blank_line,
    link_on_next_line,
)

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
    "link_after_blank_line",
    "link_on_next_line",
]


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
