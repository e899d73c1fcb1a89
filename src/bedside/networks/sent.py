"""What this installation sent to networks that take no idempotency key, so `find` can answer.

Facebook, Instagram, Threads and LinkedIn accept no client key with a post. A connector for one
of them writes a row here (network, handle, key, a digest of the exact text, when) and commits it
to disk BEFORE the request that creates the post, then records the remote id from the answer.
`find(key)` then reads:

    no row                  nothing was ever sent with this key: None
    a remote id             that publication
    a row, no remote id     the request went out but its answer was lost (a killed worker, a
                            timeout, a 5xx): the connector lists the account's recent posts (or
                            the replies under `reply_to`) made since the row was written and
                            matches the digest of their exact text (`settle`):
                              one match                  that publication (recorded)
                              none yet (before SETTLE)   TransientError: ask again later
                              several                    CannotTell (the same text twice)
                              none, but the account      CannotTell: the network may have
                              posted something since       reworded ours; a person looks
                              none, nothing since        None: it was not created

A 4xx answer means the network created nothing, so the row is removed (`forget`) and a later
attempt starts clean. Only a digest is kept (SHA-256 of the key and the text): the text may
hold patient data. The file lives in the data directory, like the outbox: workers on several
machines must share one data directory, or a reconciler on another machine finds no row.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bedside.networks.base import CannotTell, NetworkError, Published, TransientError

__all__ = ["SETTLE", "SKEW", "Candidate", "Journal", "Sent", "digest", "matching", "recall",
           "send_once"]

SETTLE = timedelta(minutes=5)  # a created post shows in the account's listing well within this
SKEW = timedelta(minutes=2)  # clocks differ: look at posts a little older than the row
BUSY_MS = 10_000
_SCHEMA = """CREATE TABLE IF NOT EXISTS sent (
    network      TEXT NOT NULL,
    handle       TEXT NOT NULL,
    key          TEXT NOT NULL,
    digest       TEXT NOT NULL,   -- sha256(key, text): never the text
    reply_to     TEXT,
    sent_at      TEXT NOT NULL,   -- ISO 8601 UTC, written before the request
    remote_id    TEXT,
    url          TEXT,
    published_at TEXT,
    PRIMARY KEY (network, handle, key)
)"""


@dataclass(frozen=True, slots=True)
class Sent:
    """One row: a post sent (or being sent) with an idempotency key."""

    network: str
    handle: str
    key: str
    digest: str
    reply_to: str | None
    sent_at: datetime
    published: Published | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A post as the network lists it, to compare with what was sent."""

    remote_id: str
    text: str
    created_at: datetime
    url: str | None = None
    mine: bool = True  # made by the account itself (a comment listing holds others' too)

    def __repr__(self) -> str:
        return f"Candidate(remote_id={self.remote_id!r}, text=<{len(self.text)} chars>)"


def digest(key: str, text: str) -> str:
    """SHA-256 of the key and the text as the network shows it (NFC, LF line ends, trimmed)."""
    shown = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    return hashlib.sha256(f"{key}\0{shown}".encode()).hexdigest()


def matching(sent: Sent, candidates: Sequence[Candidate], *, now: datetime) -> Published | None:
    """Decide from a listing whether `sent` was created (pure; see the module docstring).

    Raises TransientError while it is too soon to say no, CannotTell when two posts match.
    """
    since = sent.sent_at - SKEW
    found = [c for c in candidates
             if c.created_at >= since and digest(sent.key, c.text) == sent.digest]
    if len(found) > 1:
        ids = ", ".join(c.remote_id for c in found)
        raise CannotTell(f"{sent.network}: {len(found)} posts carry the same text ({ids});"
                         " check which one bedside published")
    if found:
        return Published(found[0].remote_id, found[0].url, found[0].created_at)
    wait = sent.sent_at + SETTLE - now
    if wait > timedelta(0):
        raise TransientError(f"{sent.network}: too soon to tell whether the post was created",
                             retry_after=wait.total_seconds())
    others = [c.remote_id for c in candidates if c.mine and c.created_at >= since]
    if others:  # the network may have reworded ours: a person must look, not a guess
        raise CannotTell(f"{sent.network}: no post carries the exact text sent, but the account"
                         f" posted {', '.join(others)} since; check whether one is this post")
    return None


class Journal:
    """The sent rows of one data directory (`<data_dir>/sent.sqlite3`, readable by its owner)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "sent.sqlite3"
        self._ready = False

    def get(self, network: str, handle: str, key: str) -> Sent | None:
        with self._db() as db:
            row = db.execute(
                "SELECT network, handle, key, digest, reply_to, sent_at, remote_id, url,"
                " published_at FROM sent WHERE network = ? AND handle = ? AND key = ?",
                (network, handle, key),
            ).fetchone()
        return None if row is None else _sent(row)

    def begin(self, network: str, handle: str, key: str, *, text: str,
              reply_to: str | None, now: datetime | None = None) -> Sent:
        """Record, durably, that the post is about to be sent (a new attempt restarts the clock)."""
        when = (now or datetime.now(UTC)).isoformat()
        with self._db(write=True) as db:
            db.execute(
                "INSERT INTO sent (network, handle, key, digest, reply_to, sent_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (network, handle, key) DO UPDATE"
                " SET digest = excluded.digest, reply_to = excluded.reply_to,"
                " sent_at = excluded.sent_at WHERE sent.remote_id IS NULL",
                (network, handle, key, digest(key, text), reply_to, when),
            )
        sent = self.get(network, handle, key)
        assert sent is not None
        return sent

    def settle(self, network: str, handle: str, key: str, published: Published) -> None:
        with self._db(write=True) as db:
            db.execute(
                "UPDATE sent SET remote_id = ?, url = ?, published_at = ?"
                " WHERE network = ? AND handle = ? AND key = ?",
                (published.remote_id, published.url, published.published_at.isoformat(),
                 network, handle, key),
            )

    def forget(self, network: str, handle: str, key: str) -> None:
        """The network refused the post: nothing was created with this key."""
        with self._db(write=True) as db:
            db.execute("DELETE FROM sent WHERE network = ? AND handle = ? AND key = ?"
                       " AND remote_id IS NULL", (network, handle, key))

    @contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            with closing(sqlite3.connect(self.path, timeout=BUSY_MS / 1000,
                                         isolation_level=None)) as db:
                if not self._ready:
                    db.execute("PRAGMA journal_mode = WAL")
                    db.execute(_SCHEMA)
                    self._ready = True
                db.execute("PRAGMA synchronous = FULL")  # the row is on disk before the request
                if write:
                    db.execute("BEGIN IMMEDIATE")
                yield db
                if write:
                    db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise TransientError(f"the sent-posts file is busy: {exc}", retry_after=1.0) from exc
        except sqlite3.DatabaseError as exc:
            raise NetworkError(f"the sent-posts file {self.path} is damaged: {exc}") from exc
        except OSError as exc:
            raise TransientError(f"cannot use {self.path}: {exc.strerror}") from exc


def send_once(journal: Journal, sent_as: tuple[str, str, str], *, text: str,
              reply_to: str | None, call: Callable[[], httpx.Response]) -> httpx.Response:
    """Make the one request that creates a post, journalled around it.

    The row is written first; a connection never made or a 4xx answer (the network created
    nothing) removes it; a timeout, a dropped connection or a 5xx leaves it for `find`.
    """
    network, handle, key = sent_as
    journal.begin(network, handle, key, text=text, reply_to=reply_to)
    try:
        response = call()
    except (httpx.ConnectError, httpx.ConnectTimeout):
        journal.forget(network, handle, key)
        raise
    if 400 <= response.status_code < 500:
        journal.forget(network, handle, key)
    return response


def _sent(row: tuple[str, ...]) -> Sent:
    network, handle, key, dig, reply_to, sent_at, remote_id, url, published_at = row
    published = None
    if remote_id is not None:
        published = Published(remote_id, url, datetime.fromisoformat(published_at))
    return Sent(network, handle, key, dig, reply_to, datetime.fromisoformat(sent_at), published)


def recall(journal: Journal, sent_as: tuple[str, str, str],
           candidates: Callable[[Sent], Sequence[Candidate]],
           *, now: datetime | None = None) -> Published | None:
    """What was published with this key: the recorded publication, one found among
    `candidates(sent)` when the answer was lost, or None (never sent, or not created).

    Raises TransientError (too soon to say no) or CannotTell (two posts match).
    """
    network, handle, key = sent_as
    sent = journal.get(network, handle, key)
    if sent is None or sent.published is not None:
        return None if sent is None else sent.published
    found = matching(sent, candidates(sent), now=now or datetime.now(UTC))
    if found is not None:
        journal.settle(network, handle, key, found)
    return found
