"""The outbox: a real local network that keeps every post it is sent, for dry runs, demos, tests.

It honours the contract of a real connector. Posts go to `<data_dir>/outbox.sqlite3` (SQLite in
WAL mode, readable by its owner only: posts may hold patient data; the file, its tables, queries
and rows are networks.outbox_store). One transaction, an INSERT … ON CONFLICT DO NOTHING on the
unique (handle, idempotency_key) and a SELECT, is the publication: a process killed before its
commit published nothing, one killed after it published exactly once, and a second publish with
the same key returns the first record, as Mastodon does with its Idempotency-Key header. Several
processes may publish at once.

A key stays used after its post is deleted: `publish` and `find` still return that publication,
so the reconciler never publishes again a post that someone took down.

The rest of the protocol is as honest: `receive()` records a reply, mention, comment, review or
quote as if someone had written it (for demos and the inbox's tests), and `fetch_interactions`
returns them; `fetch_metrics` counts the replies and quotes received and says None for what the
outbox cannot know (likes, impressions); the profile is stored and checked against the limits;
`sample_followers` is empty (nobody follows a local file); `export_archive` writes the outbox's
own data export, which `read_archive` reads back (networks.outbox_archive).

Simulation knobs, read from the account's `options`, to show or test a network under stress:

    rate_limit_until   unix time; `publish` raises TransientError until then
    retry_after        the seconds that TransientError asks to wait (default: until the end)
    reject             a reason; `publish` raises PermanentError(reason), as for a revoked token
    cannot_tell        true: `find` raises CannotTell, as when a network cannot be searched

The rate-limit knob applies to every call on the account; `reject` to publish and update_profile.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

from bedside.errors import UsageError
from bedside.networks import outbox_store
from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    CannotTell,
    Follower,
    Image,
    Interaction,
    InteractionKind,
    Limits,
    NetworkContext,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    TransientError,
)
from bedside.networks.outbox_store import OutboxFile, OutboxRecord, RecordedImage

__all__ = [
    "OUTBOX_LIMITS",
    "OutboxNetwork",
    "OutboxRecord",
    "RecordedImage",
    "rejection",
    "simulated_failure",
]

log = logging.getLogger(__name__)

# The outbox's own limits: a design choice, not a fact to check, so not in limits.toml.
OUTBOX_LIMITS = Limits(
    name="Outbox", max_length=5000, unit="characters", max_images=4, alt_text_max=1500,
    bio_max=500, display_name_max=50, source="bedside.networks.outbox",
)
_KINDS: tuple[str, ...] = get_args(InteractionKind)


class OutboxNetwork:
    """The local network: a SQLite file in the data directory."""

    name = "outbox"
    limits = OUTBOX_LIMITS

    def __init__(self, context: NetworkContext) -> None:
        self.file = OutboxFile(context.data_dir / "outbox.sqlite3")
        self.path = self.file.path

    def publish(
        self, account: AccountRef, post: OutgoingPost, *, idempotency_key: str
    ) -> Published:
        """Record `post` once per key; return its publication (the first one, for a known key).

        Raises PermanentError (content rejected, the `reject` knob), TransientError (the file
        is busy, the rate-limit knob) or ImageError (an image file cannot be read).
        """
        _require_key(idempotency_key)
        failure = simulated_failure(account.options, now=time.time())
        if failure is not None:
            raise failure
        reason = rejection(post, self.limits)
        if reason is not None:
            raise PermanentError(f"content rejected: {reason}")
        images = json.dumps([outbox_store.recorded(image) for image in post.images])
        now = datetime.now(UTC).isoformat()
        with self.file.connection(write=True) as db:
            record = outbox_store.save_post(db, account.handle, idempotency_key, post,
                                            images=images, now=now)
        log.debug(
            "outbox: %s holds %s for key %s (%d chars, %d images)",
            record.handle, record.remote_id, idempotency_key, len(post.text), len(post.images),
        )
        return record.published

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """Return the publication made with this key, None if there was none.

        The key alone answers: the hints `post` and `sent_after` are not needed.
        """
        _require_key(idempotency_key)
        if _flag(account.options, "cannot_tell"):
            raise CannotTell("The outbox cannot tell whether this post exists (simulated).")
        with self.file.connection() as db:
            record = outbox_store.post_for_key(db, account.handle, idempotency_key)
        return None if record is None else record.published

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Mark the post deleted; a post already deleted or unknown to this handle is gone."""
        match = outbox_store.REMOTE_ID.fullmatch(remote_id)
        if match is None:
            raise PermanentError(f"{remote_id!r} is not an outbox post id (outbox:<number>).")
        with self.file.connection(write=True) as db:
            outbox_store.mark_deleted(db, account.handle, int(match[1]),
                                      now=datetime.now(UTC).isoformat())

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Accept any handle; keep what was given (the outbox checks no password)."""
        if not handle.strip():
            raise PermanentError("An outbox account needs a handle.")
        return {str(key): str(value) for key, value in secrets.items()}

    def receive(
        self,
        handle: str,
        *,
        kind: InteractionKind,
        author_handle: str,
        text: str,
        author_name: str = "",
        in_reply_to: str | None = None,
        rating: int | None = None,
        created_at: datetime | None = None,
    ) -> Interaction:
        """Record something said to `handle`, as a network would deliver it; return it.

        Raises UsageError for an unknown kind, a rating outside 1-5 or on anything but a review,
        or a reply to a post that is not this handle's.
        """
        if kind not in _KINDS:
            raise UsageError(f"{kind!r} is not an interaction kind ({', '.join(_KINDS)}).")
        if rating is not None and (kind != "review" or not 1 <= rating <= 5):
            raise UsageError("A rating is 1 to 5 stars, and only a review has one.")
        if not author_handle.strip():
            raise UsageError("An interaction needs its author's handle.")
        when = (created_at or datetime.now(UTC)).astimezone(UTC).isoformat()
        with self.file.connection(write=True) as db:
            if in_reply_to is not None and not outbox_store.owns(db, handle, in_reply_to):
                raise UsageError(f"{in_reply_to!r} is not a post of outbox account {handle!r}.")
            interaction = outbox_store.add_interaction(
                db, handle, kind=kind, author_handle=author_handle, author_name=author_name,
                text=text, created_at=when, in_reply_to=in_reply_to, rating=rating)
        log.debug("outbox: %s received %s %s (%d chars)",
                  handle, kind, interaction.remote_id, len(text))
        return interaction

    def fetch_interactions(
        self, account: AccountRef, *, since: datetime | None = None
    ) -> Sequence[Interaction]:
        """What was received for the account after `since` (all when None), oldest first."""
        _throttle(account.options)
        after = "" if since is None else since.astimezone(UTC).isoformat()
        with self.file.connection() as db:
            return outbox_store.interactions(db, account.handle, after=after)

    def fetch_metrics(
        self, account: AccountRef, remote_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Replies and quotes received for each post still up; None for what nobody counted."""
        _throttle(account.options)
        now = datetime.now(UTC)
        found = []
        with self.file.connection() as db:
            for remote_id in remote_ids:
                if not outbox_store.owns(db, account.handle, remote_id, alive=True):
                    continue
                counts = outbox_store.kinds_received(db, account.handle, remote_id)
                found.append(PostMetrics(
                    remote_id=remote_id, fetched_at=now,
                    replies=counts.get("reply", 0), quotes=counts.get("quote", 0),
                ))
        return found

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        """The posts the account has up; nobody follows a local file, nor does it follow."""
        _throttle(account.options)
        with self.file.connection() as db:
            posts = outbox_store.live_posts(db, account.handle)
        return AccountMetrics(fetched_at=datetime.now(UTC), followers=0, following=0, posts=posts)

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        """None: the outbox has no followers."""
        _throttle(account.options)
        return []

    def get_profile(self, account: AccountRef) -> Profile:
        """The stored profile; a handle never updated has an empty one."""
        _throttle(account.options)
        with self.file.connection() as db:
            return outbox_store.read_profile(db, account.handle)

    def update_profile(
        self,
        account: AccountRef,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        avatar: Image | None = None,
    ) -> Profile:
        """Store what is given, keep the rest; refuse what is longer than the limits allow."""
        failure = simulated_failure(account.options, now=time.time())
        if failure is not None:
            raise failure
        limits = self.limits
        for what, value, most in (("display name", display_name, limits.display_name_max),
                                  ("bio", bio, limits.bio_max)):
            if value is not None and most is not None and len(value) > most:
                raise PermanentError(
                    f"profile rejected: the {what} has {len(value):,} characters,"
                    f" more than the {most:,} accepted"
                )
        picture = None if avatar is None else json.dumps(outbox_store.recorded(avatar))
        now = datetime.now(UTC).isoformat()
        with self.file.connection(write=True) as db:
            return outbox_store.write_profile(db, account.handle, display_name=display_name,
                                              bio=bio, avatar=picture, now=now)

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        """Posts from an outbox export (`export_archive`); ArchiveError names file and post."""
        from bedside.networks.outbox_archive import read_archive

        return read_archive(path)

    def export_archive(self, handle: str, path: Path) -> int:
        """Write `handle`'s posts still up, with their counts, as an archive; return how many."""
        from bedside.networks.outbox_archive import write_archive

        records = [r for r in self.records(handle) if r.deleted_at is None]
        account = AccountRef(network=self.name, handle=handle)
        metrics = {m.remote_id: m for m in self.fetch_metrics(
            account, [r.remote_id for r in records])}
        return write_archive(path, handle, records, metrics)

    def records(self, handle: str | None = None) -> list[OutboxRecord]:
        """Return every post the outbox holds (only `handle`'s when given), oldest first."""
        with self.file.connection() as db:
            return outbox_store.records(db, handle)


def rejection(post: OutgoingPost, limits: Limits) -> str | None:
    """Say why a network with `limits` refuses `post`, or None (length in code points)."""
    if not post.text.strip() and not post.images:
        return "the post is empty"
    if len(post.text) > limits.max_length:
        return f"{len(post.text):,} characters, more than the {limits.max_length:,} accepted"
    if limits.max_images is not None and len(post.images) > limits.max_images:
        return f"{len(post.images)} images, more than the {limits.max_images} accepted"
    for number, image in enumerate(post.images, 1):
        if limits.alt_text_max is not None and len(image.alt) > limits.alt_text_max:
            return (
                f"the alt text of image {number} has {len(image.alt):,} characters,"
                f" more than the {limits.alt_text_max:,} accepted"
            )
    return None


def simulated_failure(options: Mapping[str, Any], *, now: float) -> NetworkError | None:
    """Return the error the simulation knobs in `options` call for at `now`, if any."""
    reason = options.get("reject")
    if reason is not None:
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError("The outbox option 'reject' must be a reason, in words.")
        return PermanentError(reason)
    until = _seconds(options, "rate_limit_until")
    if until is not None and now < until:
        wait = _seconds(options, "retry_after")
        return TransientError(
            f"Rate limited (simulated by the outbox) for {until - now:.0f} more seconds.",
            retry_after=until - now if wait is None else wait,
        )
    return None


def _seconds(options: Mapping[str, Any], name: str) -> float | None:
    value = options.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UsageError(f"The outbox option {name!r} must be a number of seconds, not {value!r}.")
    return float(value)


def _flag(options: Mapping[str, Any], name: str) -> bool:
    value = options.get(name, False)
    if not isinstance(value, bool):
        raise UsageError(f"The outbox option {name!r} must be true or false, not {value!r}.")
    return value


def _throttle(options: Mapping[str, Any]) -> None:
    """Raise the rate-limit knob's TransientError, if it is on; `reject` is for writes only."""
    failure = simulated_failure({k: v for k, v in options.items() if k != "reject"},
                                now=time.time())
    if failure is not None:
        raise failure


def _require_key(key: str) -> None:
    if not key:
        raise ValueError("idempotency_key must not be empty")
