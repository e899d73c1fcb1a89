"""networks.journal: what a keyless connector remembers, and how `recall` answers from it."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bedside.networks.base import CannotTell, OutgoingPost, Published
from bedside.networks.journal import Candidate, Journal, Search, hint, recall

TEXT = "Flu shots are in: walk in Tuesday 9-12."
NOW = datetime.now(UTC)


def test_the_file_is_private_and_holds_no_text(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "x")
    journal.begin("@clinic", "k1", text=TEXT, reply_to="99")
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert b"Flu shots" not in journal.path.read_bytes()
    entry = journal.get("@clinic", "k1")
    assert entry is not None and (entry.state, entry.reply_to) == ("began", "99")


def test_an_unknown_key_is_never_none_without_hints(tmp_path: Path) -> None:
    asked: list[Search] = []
    with pytest.raises(CannotTell, match="no attempt with this key"):
        recall(Journal(tmp_path, "x"), "@clinic", "k1", lambda s: asked.append(s) or [])
    assert asked == []  # nothing to search for


def test_hints_search_since_sent_after_less_the_skew(tmp_path: Path) -> None:
    sent_after = NOW - timedelta(minutes=30)
    ours = Candidate("7", TEXT, sent_after + timedelta(seconds=5))
    asked: list[Search] = []

    def listing(search: Search) -> list[Candidate]:
        asked.append(search)
        return [Candidate("6", TEXT, sent_after - timedelta(hours=3)), ours]  # an older twin

    found = recall(Journal(tmp_path, "x"), "@clinic", "k1", listing,
                   hint=hint(OutgoingPost(TEXT), sent_after), now=NOW)
    assert found == Published("7", None, ours.created_at)
    assert asked == [Search(sent_after - timedelta(minutes=2), None)]


def test_a_row_refused_before_this_claim_does_not_answer_for_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "x")
    journal.begin("@clinic", "k1", text=TEXT, reply_to=None, now=NOW - timedelta(hours=2))
    journal.refused("@clinic", "k1")
    assert recall(journal, "@clinic", "k1", lambda s: []) is None  # no hints: our own refusal
    other = [Candidate("8", "Pharmacy hours change.", NOW - timedelta(minutes=20))]
    with pytest.raises(CannotTell, match="posted 8 since"):  # another machine's claim, later
        recall(journal, "@clinic", "k1", lambda s: other,
               hint=hint(OutgoingPost(TEXT), NOW - timedelta(minutes=30)), now=NOW)


def test_an_older_journal_file_is_left_unread(tmp_path: Path) -> None:
    path = tmp_path / "x-journal.sqlite3"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE attempts (handle TEXT, idempotency_key TEXT, state TEXT,"
                   " fingerprint TEXT, began_at TEXT, remote_id TEXT, url TEXT,"
                   " published_at TEXT)")
    journal = Journal(tmp_path, "x")
    assert journal.get("@clinic", "k1") is None
    journal.begin("@clinic", "k1", text=TEXT, reply_to=None)
    assert journal.get("@clinic", "k1") is not None
