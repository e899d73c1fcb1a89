"""The outbox's file: `<data_dir>/outbox.sqlite3`, its tables, the queries networks.outbox
makes, and its rows as records.

SQLite in WAL mode, created whole and readable by its owner only (posts may hold patient data);
every call is one connection, a write one transaction taken at once (BEGIN IMMEDIATE) so that
another process's writer is waited for up to BUSY_MS. What SQLite raises becomes the network
errors the publisher understands: locked or unreadable is transient, damaged is not.

The queries take a connection from `OutboxFile.connection`, so that the caller decides what
one transaction holds (a publication is its INSERT and the SELECT of what the key holds).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bedside.networks.base import (
    Image,
    Interaction,
    InteractionKind,
    NetworkError,
    OutgoingPost,
    Profile,
    Published,
    TransientError,
)

__all__ = [
    "BUSY_MS",
    "OutboxFile",
    "OutboxRecord",
    "REMOTE_ID",
    "RecordedImage",
    "SCHEMA",
    "add_interaction",
    "interactions",
    "kinds_received",
    "live_posts",
    "mark_deleted",
    "owns",
    "post_for_key",
    "read_profile",
    "records",
    "recorded",
    "save_post",
    "write_profile",
]

BUSY_MS = 10_000  # how long a writer waits for another process's transaction
REMOTE_ID = re.compile(r"outbox:([1-9][0-9]*)")
SCHEMA = (
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
    """CREATE TABLE IF NOT EXISTS interactions (
        n               INTEGER PRIMARY KEY AUTOINCREMENT,
        handle          TEXT NOT NULL,   -- our account, the one spoken to
        kind            TEXT NOT NULL,
        author_handle   TEXT NOT NULL,
        author_name     TEXT NOT NULL,
        text            TEXT NOT NULL,
        created_at      TEXT NOT NULL,   -- ISO 8601, UTC
        in_reply_to     TEXT,
        rating          INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS interactions_handle ON interactions (handle, created_at)",
    """CREATE TABLE IF NOT EXISTS profiles (
        handle          TEXT PRIMARY KEY,
        display_name    TEXT NOT NULL,
        bio             TEXT NOT NULL,
        avatar          TEXT,            -- JSON: {"mime", "alt", "size", "sha256"}
        updated_at      TEXT NOT NULL
    )""",
)
_COLUMNS = "n, handle, idempotency_key, text, link, reply_to, images, published_at, deleted_at"
_INTERACTION = "n, kind, author_handle, author_name, text, created_at, in_reply_to, rating"


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


class OutboxFile:
    """The SQLite file, created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ready = False

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
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
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            db.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut, not a kill
            if not self._ready:
                upgrade(db)
                self._ready = True
        except BaseException:
            db.close()
            raise
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
                    for statement in SCHEMA:
                        db.execute(statement)
                with suppress(FileExistsError):
                    os.link(aside, self.path)
            finally:
                os.unlink(aside)



def upgrade(db: sqlite3.Connection) -> None:
    """Add the tables a file made by an older bedside lacks (each statement is IF NOT EXISTS)."""
    (tables,) = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('interactions', 'profiles')"
    ).fetchone()
    if tables < 2:
        db.execute("BEGIN IMMEDIATE")
        for statement in SCHEMA:
            db.execute(statement)
        db.execute("COMMIT")


def save_post(db: sqlite3.Connection, handle: str, key: str, post: OutgoingPost, *,
              images: str, now: str) -> OutboxRecord:
    """Record `post` unless `key` already holds one; return what the key holds."""
    db.execute(
        "INSERT INTO posts (handle, idempotency_key, text, link, reply_to, images,"
        " published_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (handle, idempotency_key) DO NOTHING",
        (handle, key, post.text, post.link, post.reply_to, images, now),
    )
    return _record(_select_key(db, handle, key))


def post_for_key(db: sqlite3.Connection, handle: str, key: str) -> OutboxRecord | None:
    """The post recorded with `key`, deleted or not; None if none."""
    row = _select_key(db, handle, key)
    return None if row is None else _record(row)


def mark_deleted(db: sqlite3.Connection, handle: str, n: int, *, now: str) -> None:
    """Mark post `n` of `handle` deleted, unless it is already."""
    db.execute(
        "UPDATE posts SET deleted_at = ? WHERE n = ? AND handle = ? AND deleted_at IS NULL",
        (now, n, handle),
    )


def records(db: sqlite3.Connection, handle: str | None = None) -> list[OutboxRecord]:
    """Every post (only `handle`'s when given), oldest first."""
    where, args = ("WHERE handle = ?", (handle,)) if handle is not None else ("", ())
    rows = db.execute(f"SELECT {_COLUMNS} FROM posts {where} ORDER BY n", args).fetchall()
    return [_record(row) for row in rows]


def live_posts(db: sqlite3.Connection, handle: str) -> int:
    """How many posts `handle` has up."""
    (posts,) = db.execute(
        "SELECT count(*) FROM posts WHERE handle = ? AND deleted_at IS NULL", (handle,),
    ).fetchone()
    return int(posts)


def owns(db: sqlite3.Connection, handle: str, remote_id: str, *, alive: bool = False) -> bool:
    match = REMOTE_ID.fullmatch(remote_id)
    if match is None:
        return False
    gone = " AND deleted_at IS NULL" if alive else ""
    row = db.execute(
        f"SELECT 1 FROM posts WHERE n = ? AND handle = ?{gone}", (int(match[1]), handle)
    ).fetchone()
    return row is not None


def add_interaction(db: sqlite3.Connection, handle: str, *, kind: InteractionKind,
                    author_handle: str, author_name: str, text: str, created_at: str,
                    in_reply_to: str | None, rating: int | None) -> Interaction:
    """Record something said to `handle`; return it as read back."""
    cursor = db.execute(
        "INSERT INTO interactions (handle, kind, author_handle, author_name, text,"
        " created_at, in_reply_to, rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (handle, kind, author_handle, author_name, text, created_at, in_reply_to, rating),
    )
    row = db.execute(f"SELECT {_INTERACTION} FROM interactions WHERE n = ?",
                     (cursor.lastrowid,)).fetchone()
    return _interaction(row)


def interactions(db: sqlite3.Connection, handle: str, *, after: str) -> list[Interaction]:
    """What was said to `handle` after the ISO time `after` ("": all), oldest first."""
    rows = db.execute(
        f"SELECT {_INTERACTION} FROM interactions"
        " WHERE handle = ? AND created_at > ? ORDER BY created_at, n",
        (handle, after),
    ).fetchall()
    return [_interaction(row) for row in rows]


def kinds_received(db: sqlite3.Connection, handle: str, remote_id: str) -> dict[str, int]:
    """{kind: how many} of the interactions answering post `remote_id`."""
    return dict(db.execute(
        "SELECT kind, count(*) FROM interactions WHERE handle = ? AND in_reply_to = ?"
        " GROUP BY kind", (handle, remote_id),
    ).fetchall())


def read_profile(db: sqlite3.Connection, handle: str) -> Profile:
    """The stored profile; a handle never updated has an empty one."""
    row = db.execute(
        "SELECT display_name, bio, avatar FROM profiles WHERE handle = ?", (handle,),
    ).fetchone()
    return _profile(handle, row)


def write_profile(db: sqlite3.Connection, handle: str, *, display_name: str | None,
                  bio: str | None, avatar: str | None, now: str) -> Profile:
    """Store what is not None, keep the rest; return the profile as stored."""
    db.execute(
        "INSERT INTO profiles (handle, display_name, bio, avatar, updated_at)"
        " VALUES (?, '', '', NULL, ?) ON CONFLICT (handle) DO NOTHING",
        (handle, now),
    )
    db.execute(
        "UPDATE profiles SET display_name = coalesce(?, display_name),"
        " bio = coalesce(?, bio), avatar = coalesce(?, avatar), updated_at = ?"
        " WHERE handle = ?",
        (display_name, bio, avatar, now, handle),
    )
    return read_profile(db, handle)


def _interaction(row: Any) -> Interaction:
    n, kind, author_handle, author_name, text, created_at, in_reply_to, rating = row
    return Interaction(
        remote_id=f"outbox:in:{n}", kind=kind, author_handle=author_handle,
        author_name=author_name, text=text, created_at=datetime.fromisoformat(created_at),
        url=f"outbox://{author_handle}/in/{n}", in_reply_to=in_reply_to, rating=rating,
    )


def _profile(handle: str, row: Any) -> Profile:
    if row is None:
        return Profile(handle=handle)
    display_name, bio, avatar = row
    picture = None if avatar is None else json.loads(avatar)
    url = None if picture is None else f"outbox://{handle}/avatar/{picture['sha256']}"
    return Profile(handle=handle, display_name=display_name, bio=bio, avatar_url=url)


def recorded(image: Image) -> dict[str, Any]:
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
