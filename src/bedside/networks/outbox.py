"""The outbox: a real local network that keeps every post it is sent, for dry runs, demos, tests.

It honours the contract of a real connector. Posts go to `<data_dir>/outbox.sqlite3` (SQLite in
WAL mode, readable by its owner only: posts may hold patient data). One transaction, an
INSERT … ON CONFLICT DO NOTHING on the unique (handle, idempotency_key) and a SELECT, is the
publication: a process killed before its commit published nothing, one killed after it published
exactly once, and a second publish with the same key returns the first record, as Mastodon does
with its Idempotency-Key header. Several processes may publish at once.

A key stays used after its post is deleted: `publish` and `find` still return that publication,
so the reconciler never publishes again a post that someone took down.

Simulation knobs, read from the account's `options`, to show or test a network under stress:

    rate_limit_until   unix time; `publish` raises TransientError until then
    retry_after        the seconds that TransientError asks to wait (default: until the end)
    reject             a reason; `publish` raises PermanentError(reason), as for a revoked token
    cannot_tell        true: `find` raises CannotTell, as when a network cannot be searched
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bedside.errors import UsageError
from bedside.networks.base import (
    AccountRef,
    CannotTell,
    Image,
    Limits,
    NetworkContext,
    NetworkError,
    OutgoingPost,
    PermanentError,
    Published,
    TransientError,
)

__all__ = [
    "OUTBOX_LIMITS",
    "OutboxNetwork",
    "OutboxRecord",
    "RecordedImage",
    "rejection",
    "simulated_failure",
]

log = logging.getLogger(__name__)

OUTBOX_LIMITS = Limits(
    name="Outbox", max_length=5000, unit="characters", max_images=4, alt_text_max=1500,
    bio_max=500, display_name_max=50,
)
BUSY_MS = 10_000  # how long a writer waits for another process's transaction
_REMOTE_ID = re.compile(r"outbox:([1-9][0-9]*)")
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS posts (
        n               INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a delete
        handle          TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        text            TEXT NOT NULL,
        link            TEXT,
        reply_to        TEXT,
        images          TEXT NOT NULL,   -- JSON: [{"mime", "alt", "size", "sha256"}]
        published_at    TEXT NOT NULL,   -- ISO 8601, UTC
        deleted_at      TEXT
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS posts_handle_key ON posts (handle, idempotency_key)",
)
_COLUMNS = "n, handle, idempotency_key, text, link, reply_to, images, published_at, deleted_at"


@dataclass(frozen=True, slots=True)
class RecordedImage:
    """What the outbox keeps of an image: its type, alt text, size and SHA-256."""

    mime: str
    alt: str = field(repr=False)
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One post as the outbox holds it."""

    remote_id: str
    url: str
    handle: str
    idempotency_key: str
    text: str = field(repr=False)
    link: str | None
    reply_to: str | None
    images: tuple[RecordedImage, ...]
    published_at: datetime
    deleted_at: datetime | None

    @property
    def published(self) -> Published:
        return Published(self.remote_id, self.url, self.published_at)


class OutboxNetwork:
    """The local network: a SQLite file in the data directory."""

    name = "outbox"
    limits = OUTBOX_LIMITS

    def __init__(self, context: NetworkContext) -> None:
        self.path = context.data_dir / "outbox.sqlite3"
        self._ready = False

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
        images = json.dumps([_recorded(image) for image in post.images])
        now = datetime.now(UTC).isoformat()
        with self._connection(write=True) as db:
            db.execute(
                "INSERT INTO posts (handle, idempotency_key, text, link, reply_to, images,"
                " published_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (handle, idempotency_key) DO NOTHING",
                (account.handle, idempotency_key, post.text, post.link, post.reply_to, images, now),
            )
            row = _select_key(db, account.handle, idempotency_key)
        record = _record(row)
        log.debug(
            "outbox: %s holds %s for key %s (%d chars, %d images)",
            record.handle, record.remote_id, idempotency_key, len(post.text), len(post.images),
        )
        return record.published

    def find(self, account: AccountRef, *, idempotency_key: str) -> Published | None:
        """Return the publication made with this key, None if there was none."""
        _require_key(idempotency_key)
        if _flag(account.options, "cannot_tell"):
            raise CannotTell("The outbox cannot tell whether this post exists (simulated).")
        with self._connection() as db:
            row = _select_key(db, account.handle, idempotency_key)
        return None if row is None else _record(row).published

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Mark the post deleted; a post already deleted or unknown to this handle is gone."""
        match = _REMOTE_ID.fullmatch(remote_id)
        if match is None:
            raise PermanentError(f"{remote_id!r} is not an outbox post id (outbox:<number>).")
        with self._connection(write=True) as db:
            db.execute(
                "UPDATE posts SET deleted_at = ? WHERE n = ? AND handle = ? AND deleted_at IS NULL",
                (datetime.now(UTC).isoformat(), int(match[1]), account.handle),
            )

    def records(self, handle: str | None = None) -> list[OutboxRecord]:
        """Return every post the outbox holds (only `handle`'s when given), oldest first."""
        where, args = ("WHERE handle = ?", (handle,)) if handle is not None else ("", ())
        with self._connection() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM posts {where} ORDER BY n", args).fetchall()
        return [_record(row) for row in rows]

    @contextmanager
    def _connection(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """Yield a connection, in one write transaction when `write` (committed on success)."""
        try:
            db = self._connect()
            try:
                if write:  # IMMEDIATE: take the write lock now, so the busy timeout applies
                    db.execute("BEGIN IMMEDIATE")
                yield db
                if write:
                    db.execute("COMMIT")
            finally:
                db.close()  # without a COMMIT, closing rolls the transaction back
        except sqlite3.OperationalError as exc:  # locked past the timeout, disk full, unreadable
            message = f"The outbox file is unavailable: {exc}."
            raise TransientError(message, retry_after=1.0) from exc
        except sqlite3.DatabaseError as exc:
            raise NetworkError(f"The outbox file {self.path} is damaged: {exc}.") from exc
        except OSError as exc:  # the data directory cannot be created
            raise TransientError(f"The outbox cannot use {self.path.parent}: {exc}.") from exc

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self._create()
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        db.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut, not just a kill
        return db

    def _create(self) -> None:
        """Create the file whole: built aside, then linked into place (the first link wins).

        Switching a shared file to WAL races with other processes (SQLite answers "locked"
        without waiting); a file that appears complete, already in WAL mode, cannot race.
        """
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, aside = tempfile.mkstemp(dir=self.path.parent, prefix=".outbox-", suffix=".tmp")
            os.close(fd)  # mkstemp made it 0600; SQLite gives its WAL files the same mode
            try:
                with closing(sqlite3.connect(aside, isolation_level=None)) as db:
                    db.execute("PRAGMA journal_mode = WAL")
                    for statement in _SCHEMA:
                        db.execute(statement)
                with suppress(FileExistsError):
                    os.link(aside, self.path)
            finally:
                os.unlink(aside)
        self._ready = True


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


def _require_key(key: str) -> None:
    if not key:
        raise ValueError("idempotency_key must not be empty")


def _recorded(image: Image) -> dict[str, Any]:
    data = image.read()
    return {
        "mime": image.mime, "alt": image.alt, "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _select_key(db: sqlite3.Connection, handle: str, key: str) -> Any:
    return db.execute(
        f"SELECT {_COLUMNS} FROM posts WHERE handle = ? AND idempotency_key = ?", (handle, key)
    ).fetchone()


def _record(row: Any) -> OutboxRecord:
    n, handle, key, text, link, reply_to, images, published_at, deleted_at = row
    return OutboxRecord(
        remote_id=f"outbox:{n}",
        url=f"outbox://{handle}/{n}",
        handle=handle,
        idempotency_key=key,
        text=text,
        link=link,
        reply_to=reply_to,
        images=tuple(RecordedImage(**image) for image in json.loads(images)),
        published_at=datetime.fromisoformat(published_at),
        deleted_at=None if deleted_at is None else datetime.fromisoformat(deleted_at),
    )
