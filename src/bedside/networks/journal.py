"""What a connector remembers of each publish attempt, so `find` can answer honestly.

Mastodon and X have no endpoint that answers "was a post made with this key?". The connector
writes a line here before it sends a post (`began`) and after the answer (`published` or
`refused`), in `<data_dir>/<network>-journal.sqlite3` (mode 0600). `find` reads it:

    published   the remote id is known: the post exists (or existed: a deleted post stays found,
                so the reconciler never publishes again what someone took down)
    refused     the network answered with an error: nothing was made
    began       no answer came (a timeout, a killed process): the network may hold the post;
                the connector decides what it can still know (Mastodon: the Idempotency-Key
                window; X: a look through the account's recent posts)
    no line     this data directory never sent the key; another machine's worker may have

The journal keeps no post text: only `fingerprint`, an HMAC-SHA256 of the normalised text keyed
by the idempotency key, to recognise our own post among the account's recent ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

__all__ = ["Attempt", "Journal", "fingerprint"]

State = Literal["began", "published", "refused"]
_LINKS = re.compile(r"https?://\S+")
_SCHEMA = """CREATE TABLE IF NOT EXISTS attempts (
    handle          TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    began_at        TEXT NOT NULL,
    remote_id       TEXT,
    url             TEXT,
    published_at    TEXT,
    PRIMARY KEY (handle, idempotency_key)
)"""


def fingerprint(text: str, key: str) -> str:
    """HMAC of `text` with its links removed and its spaces folded (networks rewrite both)."""
    plain = _LINKS.sub(" ", unicodedata.normalize("NFC", text))
    folded = " ".join(plain.split())
    return hmac.new(key.encode(), folded.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Attempt:
    state: State
    fingerprint: str
    began_at: datetime
    remote_id: str | None
    url: str | None
    published_at: datetime | None


class Journal:
    """One SQLite file per network in the data directory; safe across processes."""

    def __init__(self, data_dir: Path, network: str) -> None:
        self.path = data_dir / f"{network}-journal.sqlite3"

    def began(self, handle: str, key: str, print_: str, *, now: datetime) -> Attempt | None:
        """Record an attempt about to be sent; return the earlier one for this key, if any."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")  # read and write as one step across processes
            earlier = self._get(db, handle, key)
            if earlier is None or earlier.state == "refused":
                db.execute(
                    "INSERT OR REPLACE INTO attempts (handle, idempotency_key, state, fingerprint,"
                    " began_at) VALUES (?, ?, 'began', ?, ?)",
                    (handle, key, print_, now.isoformat()),
                )
            db.execute("COMMIT")
            return earlier

    def published(self, handle: str, key: str, remote_id: str, url: str | None,
                  published_at: datetime) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE attempts SET state = 'published', remote_id = ?, url = ?,"
                " published_at = ? WHERE handle = ? AND idempotency_key = ?",
                (remote_id, url, published_at.isoformat(), handle, key),
            )

    def refused(self, handle: str, key: str) -> None:
        """The network answered with an error: it made nothing."""
        with self._db() as db:
            db.execute(
                "UPDATE attempts SET state = 'refused' WHERE handle = ? AND idempotency_key = ?"
                " AND state = 'began'", (handle, key),
            )

    def get(self, handle: str, key: str) -> Attempt | None:
        if not self.path.exists():
            return None
        with self._db() as db:
            return self._get(db, handle, key)

    @staticmethod
    def _get(db: sqlite3.Connection, handle: str, key: str) -> Attempt | None:
        row = db.execute(
            "SELECT state, fingerprint, began_at, remote_id, url, published_at FROM attempts"
            " WHERE handle = ? AND idempotency_key = ?", (handle, key),
        ).fetchone()
        if row is None:
            return None
        state, print_, began_at, remote_id, url, published_at = row
        return Attempt(
            state=state, fingerprint=print_, began_at=_when(began_at), remote_id=remote_id,
            url=url, published_at=_when(published_at) if published_at else None,
        )

    def _db(self) -> closing[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Created readable by its owner only: it names accounts and post ids.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_SCHEMA)
        return closing(db)


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
