"""What this data directory sent to networks that cannot look a post up by key, so `find` can
answer honestly.

Facebook, Instagram, Threads, LinkedIn and X take no client key with a post; Mastodon takes one
but forgets it after an hour and has no endpoint to look it up. Their connectors write a row here,
committed to disk (synchronous=FULL), BEFORE the request that creates the post (`begin`), then
record the answer: the remote id (`published`) or a refusal (`refused`: the network answered
with an error, so it made nothing). Rows live in `<data_dir>/<network>-journal.sqlite3`, created
readable by its owner only (it names accounts and post ids). The table is `sends`: an older
file's `attempts` table is left unread, so its keys are unknown here (CannotTell, never None).

No post text is kept: the text may hold patient data. `fingerprint` is an HMAC-SHA256 keyed by
the idempotency key of the text with its links removed and its spaces folded (networks shorten
and rewrite both), enough to recognise our post among the account's recent ones.

`recall` answers `find`:

    a remote id         that publication (a deleted post stays found: never sent again)
    refused             None: nothing was made
    sent, no answer     (a killed worker, a timeout, a 5xx) the account's posts since the first
                        send (or the replies under `reply_to`) are listed and matched (`decide`)
    no row              this data directory never sent the key, but a worker on another machine
                        (its own data directory) may have: with a `Hint` (the post and the time
                        its key was first usable, which the reconciler knows from the ledger) the
                        listing since then is matched the same way; without one, CannotTell.
                        Never None: that would send the post a second time.

`decide`, on a listing:

    one match                            that publication (recorded when the row exists)
    several                              CannotTell: the same text twice
    none yet, within SETTLE of the send  TransientError: the listing may lag; ask again later
    none, the account posted since       CannotTell: the network may have reworded ours
    none, nothing posted since           None: it was not created
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import httpx

from bedside.networks.base import (
    CannotTell,
    NetworkError,
    OutgoingPost,
    Published,
    TransientError,
)

__all__ = ["SETTLE", "SKEW", "Candidate", "Entry", "Hint", "Journal", "Search", "decide",
           "fingerprint", "hint", "recall", "resume", "send_once"]

SETTLE = timedelta(minutes=5)  # a created post shows in the account's listing well within this
SKEW = timedelta(minutes=2)  # clocks differ: look at posts a little older than the first send
BUSY_SECONDS = 10.0

State = Literal["began", "published", "refused"]
_LINKS = re.compile(r"https?://\S+")
_SCHEMA = """CREATE TABLE IF NOT EXISTS sends (
    handle          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL,   -- began | published | refused
    fingerprint     TEXT NOT NULL,   -- HMAC(key, text): never the text
    reply_to        TEXT,
    first_sent_at   TEXT NOT NULL,   -- ISO 8601 UTC, the first send of this key (written before it)
    last_sent_at    TEXT NOT NULL,   -- the latest send (written before it)
    remote_id       TEXT,
    url             TEXT,
    published_at    TEXT,
    PRIMARY KEY (handle, idempotency_key)
)"""


def fingerprint(text: str, key: str) -> str:
    """HMAC-SHA256 keyed by `key` of `text` with its links removed and its spaces folded."""
    plain = _LINKS.sub(" ", unicodedata.normalize("NFC", text))
    folded = " ".join(plain.split())
    return hmac.new(key.encode(), folded.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One row: a post sent (or being sent) with an idempotency key, and what came of it."""

    handle: str
    key: str
    state: State
    fingerprint: str
    reply_to: str | None
    first_sent_at: datetime
    last_sent_at: datetime
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


@dataclass(frozen=True, slots=True)
class Search:
    """What a connector lists: the account's posts (or the replies under `reply_to`) created at
    or after `since` (SKEW already taken off)."""

    since: datetime
    reply_to: str | None


@dataclass(frozen=True, slots=True)
class Hint:
    """What the caller knows when this data directory has no row: the text exactly as the
    connector sends it, the post it answers, and a time before which the key was never used."""

    text: str
    reply_to: str | None
    sent_after: datetime

    def __repr__(self) -> str:
        return (f"Hint(text=<{len(self.text)} chars>, reply_to={self.reply_to!r}, "
                f"sent_after={self.sent_after.isoformat()})")


def hint(post: OutgoingPost | None, sent_after: datetime | None,
         text: Callable[[OutgoingPost], str] = lambda post: post.text) -> Hint | None:
    """The Hint for `find`'s optional arguments (None unless both are given); `text` is how the
    connector turns the post into the text it sends (a link appended, for instance)."""
    if post is None or sent_after is None:
        return None
    return Hint(text(post), post.reply_to, sent_after)


def decide(network: str, prints: Collection[str], key: str, search: Search,
           listing: Sequence[Candidate], *, last_sent: datetime,
           now: datetime) -> Published | None:
    """Whether one of `listing` is the post (pure; see the module docstring).

    Raises TransientError while it is too soon to say no, CannotTell when it cannot be said.
    """
    recent = [c for c in listing if c.created_at >= search.since]
    found = [c for c in recent if c.mine and fingerprint(c.text, key) in prints]
    if len(found) > 1:
        ids = ", ".join(c.remote_id for c in found)
        raise CannotTell(f"{network}: {len(found)} posts carry the same text ({ids});"
                         " check which one bedside published")
    if found:
        return Published(found[0].remote_id, found[0].url, found[0].created_at)
    wait = last_sent + SETTLE - now
    if wait > timedelta(0):
        raise TransientError(f"{network}: too soon to tell whether the post was created",
                             retry_after=wait.total_seconds())
    others = [c.remote_id for c in recent if c.mine]
    if others:  # the network may have reworded ours: a person must look, not a guess
        raise CannotTell(f"{network}: no post carries the exact text sent, but the account"
                         f" posted {', '.join(others)} since; check whether one is this post")
    return None


class Journal:
    """The rows of one network in one data directory; safe across threads and processes."""

    def __init__(self, data_dir: Path, network: str) -> None:
        self.network = network
        self.path = data_dir / f"{network}-journal.sqlite3"
        self._ready = False

    def get(self, handle: str, key: str) -> Entry | None:
        if not self.path.exists():
            return None
        with self._db() as db:
            return _get(db, handle, key)

    def begin(self, handle: str, key: str, *, text: str, reply_to: str | None,
              now: datetime | None = None) -> Entry | None:
        """Record, durably, that the post is about to be sent; return the row as it was.

        A published row is left alone (the caller returns its publication, sending nothing). A
        row sent without an answer keeps its first send time (Mastodon's key window and the
        listing's start count from it); a refused one starts afresh.
        """
        when = (now or datetime.now(UTC)).isoformat()
        with self._db(write=True) as db:
            earlier = _get(db, handle, key)
            if earlier is None or earlier.state == "refused":
                db.execute(
                    "INSERT OR REPLACE INTO sends (handle, idempotency_key, state, fingerprint,"
                    " reply_to, first_sent_at, last_sent_at) VALUES (?, ?, 'began', ?, ?, ?, ?)",
                    (handle, key, fingerprint(text, key), reply_to, when, when),
                )
            elif earlier.state == "began":
                db.execute(
                    "UPDATE sends SET last_sent_at = ? WHERE handle = ? AND idempotency_key = ?",
                    (when, handle, key),
                )
            return earlier

    def published(self, handle: str, key: str, published: Published) -> None:
        with self._db(write=True) as db:
            db.execute(
                "UPDATE sends SET state = 'published', remote_id = ?, url = ?,"
                " published_at = ? WHERE handle = ? AND idempotency_key = ?",
                (published.remote_id, published.url, published.published_at.isoformat(),
                 handle, key),
            )

    def refused(self, handle: str, key: str) -> None:
        """The network answered with an error: it made nothing with this key."""
        with self._db(write=True) as db:
            db.execute(
                "UPDATE sends SET state = 'refused' WHERE handle = ? AND idempotency_key = ?"
                " AND state = 'began'", (handle, key),
            )

    @contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            with closing(sqlite3.connect(self.path, timeout=BUSY_SECONDS,
                                         isolation_level=None)) as db:
                if not self._ready:
                    db.execute("PRAGMA journal_mode = WAL")
                    db.execute(_SCHEMA)
                    self._ready = True
                db.execute("PRAGMA synchronous = FULL")  # the row is on disk before the request
                if write:
                    db.execute("BEGIN IMMEDIATE")  # read and write as one step across processes
                yield db
                if write:
                    db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise TransientError(f"the journal {self.path} is busy: {exc}",
                                 retry_after=1.0) from exc
        except sqlite3.DatabaseError as exc:
            raise NetworkError(f"the journal {self.path} is damaged: {exc}") from exc
        except OSError as exc:
            raise TransientError(f"cannot use {self.path}: {exc.strerror}") from exc


def send_once(journal: Journal, handle: str, key: str, *, text: str, reply_to: str | None,
              call: Callable[[], httpx.Response]) -> httpx.Response:
    """Make the one request that creates a post, journalled around it.

    The row is written first; a connection never made or a 4xx answer (the network created
    nothing) marks it refused. A timeout, a dropped connection or a 5xx after the request went
    out may hide a post that exists, and a plain retry (perhaps from another machine, with no
    row of this journal) could publish it twice: those raise CannotTell, so the reconciler asks
    the network (`find` with the post as hint) before anything is sent again.
    """
    journal.begin(handle, key, text=text, reply_to=reply_to)
    try:
        response = call()
    except (httpx.ConnectError, httpx.ConnectTimeout):
        journal.refused(handle, key)
        raise
    except httpx.TransportError as exc:
        raise CannotTell(f"{journal.network}: no answer after the post was sent "
                         f"({type(exc).__name__}); checking before any retry") from None
    if 400 <= response.status_code < 500:
        journal.refused(handle, key)
    elif response.status_code >= 500:
        raise CannotTell(f"{journal.network} answered {response.status_code} after the post was"
                         " sent; it may exist: checking before any retry")
    return response


def recall(journal: Journal, handle: str, key: str,
           candidates: Callable[[Search], Sequence[Candidate]], *, hint: Hint | None = None,
           now: datetime | None = None) -> Published | None:
    """What was published with this key (see the module docstring): the recorded publication,
    one found by `candidates(search)` when the answer was lost or no row is here, or None.

    Raises TransientError (too soon to say no) or CannotTell (no row and no hint, two posts
    match, or the account posted something else since).
    """
    entry = journal.get(handle, key)
    if entry is not None and entry.published is not None:
        return entry.published
    sending = entry if entry is not None and entry.state == "began" else None
    if entry is not None and sending is None and (hint is None
                                                  or entry.first_sent_at >= hint.sent_after):
        return None  # refused during the attempt asked about: nothing was made
    if sending is None and hint is None:
        raise CannotTell(f"{journal.network}: no attempt with this key was sent from this data"
                         " directory, and the network cannot look a key up: check the account")
    prints: set[str] = set()
    firsts: list[datetime] = []
    lasts: list[datetime] = []
    reply_to = None
    if hint is not None:
        prints.add(fingerprint(hint.text, key))
        firsts.append(hint.sent_after)
        lasts.append(hint.sent_after)
        reply_to = hint.reply_to
    if sending is not None:  # what this directory sent wins: it is what the network was given
        prints.add(sending.fingerprint)
        firsts.append(sending.first_sent_at)
        lasts.append(sending.last_sent_at)
        reply_to = sending.reply_to
    search = Search(min(firsts) - SKEW, reply_to)
    found = decide(journal.network, prints, key, search, candidates(search),
                   last_sent=max(lasts), now=now or datetime.now(UTC))
    if found is not None and sending is not None:
        journal.published(handle, key, found)
    return found


def resume(journal: Journal, handle: str, key: str,
           candidates: Callable[[Search], Sequence[Candidate]]) -> Published | None:
    """Before publishing: the publication an earlier attempt from here made, else None (no row
    here, or the earlier attempt made nothing: send). Raises as `recall` does when an earlier
    attempt got no answer and the listing cannot settle it yet."""
    if journal.get(handle, key) is None:
        return None
    return recall(journal, handle, key, candidates)


def _get(db: sqlite3.Connection, handle: str, key: str) -> Entry | None:
    row = db.execute(
        "SELECT state, fingerprint, reply_to, first_sent_at, last_sent_at, remote_id, url,"
        " published_at FROM sends WHERE handle = ? AND idempotency_key = ?", (handle, key),
    ).fetchone()
    if row is None:
        return None
    state, print_, reply_to, first, last, remote_id, url, published_at = row
    published = None
    if state == "published" and remote_id is not None:
        published = Published(remote_id, url, _when(published_at or last))
    return Entry(handle, key, state, print_, reply_to, _when(first), _when(last), published)


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
