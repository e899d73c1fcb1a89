"""A network that takes no idempotency key, for the reconciler's tests (registered as "keyless").

Its "server" is one SQLite file that every machine reaches (the account's options["server"]):
it keeps each post it is given, under a new id, whatever the key, like Facebook or X. The
connector side is built as the real keyless connectors are: networks.journal in the machine's
own data directory, `find` answered by journal.recall (with the reconciler's hints when this
machine never sent the key). `posts(server)` lets a test count what the server holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    Follower,
    Image,
    Interaction,
    Limits,
    NetworkContext,
    OutgoingPost,
    PostMetrics,
    Profile,
    Published,
    Unsupported,
)
from bedside.networks.journal import Candidate, Journal, Search, hint, recall, resume

_SCHEMA = ("CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, handle TEXT NOT NULL,"
           " text TEXT NOT NULL, created_at TEXT NOT NULL)")


def posts(server: Path) -> list[tuple[int, str, str]]:
    """(id, handle, text) of every post the server holds, oldest first."""
    with closing(_open(server)) as db:
        return db.execute("SELECT id, handle, text FROM posts ORDER BY id").fetchall()


class KeylessNetwork:
    name = "keyless"
    limits = Limits(name="keyless", max_length=500, unit="characters")

    def __init__(self, context: NetworkContext) -> None:
        self.journal = Journal(context.data_dir, self.name)

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        earlier = resume(self.journal, account.handle, idempotency_key,
                         lambda search: self._candidates(account, search))
        if earlier is not None:
            return earlier
        self.journal.begin(account.handle, idempotency_key, text=post.text,
                           reply_to=post.reply_to)
        now = datetime.now(UTC)
        with closing(_open(_server(account))) as db, db:
            remote_id = db.execute("INSERT INTO posts (handle, text, created_at) VALUES (?, ?, ?)",
                                   (account.handle, post.text, now.isoformat())).lastrowid
        published = Published(str(remote_id), None, now)
        self.journal.published(account.handle, idempotency_key, published)
        return published

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after))

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        with closing(_open(_server(account))) as db:
            rows = db.execute("SELECT id, text, created_at FROM posts WHERE handle = ?",
                              (account.handle,)).fetchall()
        listed = [Candidate(str(i), text, datetime.fromisoformat(at)) for i, text, at in rows]
        return [c for c in listed if c.created_at >= search.since]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        raise Unsupported("keyless: no delete")

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        return dict(secrets)

    def fetch_interactions(self, account: AccountRef, *,
                           since: datetime | None = None) -> Sequence[Interaction]:
        return []

    def fetch_metrics(self, account: AccountRef,
                      remote_ids: Sequence[str]) -> Sequence[PostMetrics]:
        return []

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        raise Unsupported("keyless: no metrics")

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        raise Unsupported("keyless: no followers")

    def get_profile(self, account: AccountRef) -> Profile:
        raise Unsupported("keyless: no profile")

    def update_profile(self, account: AccountRef, *, display_name: str | None = None,
                       bio: str | None = None, avatar: Image | None = None) -> Profile:
        raise Unsupported("keyless: no profile")

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        raise Unsupported("keyless: no archive")


def _server(account: AccountRef) -> Path:
    return Path(str(account.options["server"]))


def _open(server: Path) -> sqlite3.Connection:
    db = sqlite3.connect(server)
    db.execute(_SCHEMA)
    return db
