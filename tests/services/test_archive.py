"""Archive import on both backends: the outbox's real export read back into published history,
all or nothing, never twice, with the guard's findings and the export's counts."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bedside.networks import NetworkContext
from bedside.networks.base import AccountRef, ArchiveError, ArchivePost, Network, OutgoingPost
from bedside.networks.outbox import OutboxNetwork
from bedside.networks.registry import get_network
from bedside.services import ledger, publish
from bedside.services.archive import ArchiveReport, NetworkFor, import_archive
from bedside.services.audit import entries
from bedside.services.workspaces import PermissionDenied
from bedside.store.models import (
    AuditEntry,
    MetricSnapshot,
    Post,
    PostVersion,
    Publication,
    StoredFinding,
)
from bedside.store.secrets import sealer_for

from .conftest import Practice

PHI = "Great to see Maria Gonzalez back at her follow-up this morning!"
FLU = "Flu shots are in: walk in Tuesday 9-12."
THREAD = "Part 2: bring your vaccine card."
REPLY = "Thank you for visiting us, we hope your knee feels better after the surgery!"
T0 = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)


def networks_for(p: Practice) -> NetworkFor:
    """The registry, as the CLI builds it: the real outbox connector reads its real export."""
    return lambda name: get_network(name, NetworkContext(data_dir=p.settings.data_dir))


def outbox(p: Practice) -> OutboxNetwork:
    network = networks_for(p)("outbox")
    assert isinstance(network, OutboxNetwork)
    return network


def run(p: Practice, path: Path, account: str = "lakeside", **kw: Any) -> ArchiveReport:
    return import_archive(p.store, p.owner, account, path, networks=networks_for(p), **kw)


def write_export(path: Path, posts: Sequence[dict[str, Any]], *, handle: str = "lakeside",
                 mtime: datetime | None = None) -> Path:
    """An export in the outbox's documented format (networks/outbox_archive.py)."""
    path.write_text(json.dumps({"format": "bedside-outbox-archive", "version": 1,
                                "handle": handle, "exported_at": T0.isoformat(),
                                "posts": list(posts)}))
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def item(n: int, text: str, *, reply_to: str | None = None, when: datetime = T0,
         **metrics: int) -> dict[str, Any]:
    return {"id": f"outbox:{n}", "url": f"outbox://lakeside/{n}",
            "published_at": (when + timedelta(days=n)).isoformat(), "text": text,
            "reply_to": reply_to, "metrics": metrics}


def table_counts(p: Practice) -> dict[str, int]:
    with p.store.session() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Post, PostVersion, Publication, StoredFinding, MetricSnapshot)}


def imports_audited(p: Practice) -> list[AuditEntry]:
    with p.store.session() as s:
        return list(entries(s, p.owner.workspace_id, action="archive.imported"))


# --- the outbox's own export, end to end ----------------------------------------------------


def test_an_outbox_export_becomes_published_history(practice: Practice, tmp_path: Path) -> None:
    box = outbox(practice)
    ref = AccountRef(network="outbox", handle="lakeside")
    first = box.publish(ref, OutgoingPost(FLU), idempotency_key="k-1")
    box.publish(ref, OutgoingPost(THREAD, reply_to=first.remote_id), idempotency_key="k-2")
    box.publish(ref, OutgoingPost(PHI), idempotency_key="k-3")
    box.receive("lakeside", kind="reply", author_handle="pat", text="Thanks!",
                in_reply_to=first.remote_id)
    path = tmp_path / "lakeside-export.json"
    assert box.export_archive("lakeside", path) == 3

    seen: list[tuple[str, int, int | None]] = []
    report = run(practice, path, progress=lambda *a: seen.append(a))

    assert (report.read, report.imported, report.already_held, report.repeated) == (3, 3, 0, 0)
    assert report.snapshots == 3  # the outbox counts replies and quotes of every post
    assert report.worst == {"block": 1, "ok": 2} and report.blocked == 1
    assert report.rules == {"phi.date": 1, "phi.name": 1}
    assert {s for s, _, _ in seen} == {"reading", "checking", "storing"}
    assert ("storing", 3, 3) in seen and ("checking", 3, 3) in seen
    records = {r.remote_id: r for r in box.records("lakeside")}
    with practice.store.session() as s:
        rows = s.scalars(select(Publication).order_by(Publication.id)).all()
        assert [r.remote_id for r in rows] == list(records)
        for row in rows:
            record = records[row.remote_id or ""]
            post = s.get_one(Post, row.post_id)
            assert (post.origin, post.status, post.scheduled_at) == ("imported", "draft", None)
            assert row.state == "published" and row.attempts == 0
            assert row.published_at == record.published_at == post.created_at
            assert row.remote_url == record.url and row.reply_to == record.reply_to
            assert [t.account.handle for t in post.targets] == ["lakeside"]
        counts = {r.remote_id: (m.replies, m.quotes, m.likes, m.source) for r, m in s.execute(
            select(Publication, MetricSnapshot).join(MetricSnapshot))}
        assert counts[first.remote_id] == (1, 0, None, "archive")
    views = {p.text: p for p in publish.list_posts(practice.store, practice.owner)}
    assert set(views) == {FLU, THREAD, PHI}
    assert all(v.stage == "published" for v in views.values())
    assert {f.rule for f in views[PHI].findings} == {"phi.name", "phi.date"}
    assert {(f.network, f.account_kind) for f in views[PHI].findings} == {("outbox", "practice")}
    assert publish.awaiting_review(practice.store, practice.owner) == []  # history, not work
    [entry] = imports_audited(practice)
    assert entry.account_id == views[FLU].targets[0].id and entry.actor_id == practice.owner.user_id
    assert entry.detail["imported"] == 3 and entry.detail["blocked"] == 1
    assert "Gonzalez" not in json.dumps(entry.detail)  # counts and rule names, never text


def test_importing_the_same_export_again_adds_nothing(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json",
                        [item(1, FLU, likes=4), item(2, THREAD, reply_to="outbox:1")])
    run(practice, path)
    before = table_counts(practice)
    again = run(practice, path)
    assert (again.read, again.imported, again.already_held, again.snapshots) == (2, 0, 2, 0)
    assert again.post_ids == () and again.first is None
    assert table_counts(practice) == before
    assert [e.detail["imported"] for e in imports_audited(practice)] == [0, 2]


def test_a_later_export_adds_new_posts_and_changed_counts_only(practice: Practice,
                                                                tmp_path: Path) -> None:
    early = datetime(2024, 6, 1, tzinfo=UTC)
    run(practice, write_export(tmp_path / "june.json", [item(1, FLU, likes=4), item(2, THREAD)],
                               mtime=early))
    later = write_export(tmp_path / "july.json",
                         [item(1, FLU, likes=9), item(2, THREAD), item(3, PHI, replies=2)],
                         mtime=early + timedelta(days=30))
    report = run(practice, later)
    assert (report.imported, report.already_held, report.snapshots) == (1, 2, 2)
    with practice.store.session() as s:
        history = s.execute(select(Publication.remote_id, MetricSnapshot.fetched_at,
                                   MetricSnapshot.likes, MetricSnapshot.replies)
                            .join(MetricSnapshot)).all()
    # Dated by the export file, not by the import: the counts are as old as the export.
    assert sorted(tuple(r) for r in history) == [
        ("outbox:1", early, 4, None),
        ("outbox:1", early + timedelta(days=30), 9, None),
        ("outbox:3", early + timedelta(days=30), None, 2),
    ]


def test_posts_bedside_published_itself_are_not_imported_twice(practice: Practice,
                                                               tmp_path: Path) -> None:
    now = datetime.now(UTC)
    view = publish.compose(practice.store, practice.owner, FLU, to=["lakeside"])
    view = publish.schedule(practice.store, practice.owner, view.id, now + timedelta(minutes=5),
                            now=now)
    [row] = view.ledger
    due = now + timedelta(minutes=5)
    with practice.store.session() as s:
        claim = ledger.claim(s, row.id, worker="w-1", now=due,
                             sealer=sealer_for(practice.settings))
    assert claim is not None
    box = outbox(practice)
    published = box.publish(claim.account, claim.post, idempotency_key=claim.idempotency_key)
    with practice.store.session() as s:
        assert ledger.record_published(s, row.id, published, worker="w-1", now=due).ok
    box.publish(claim.account, OutgoingPost(THREAD), idempotency_key="written-elsewhere")
    path = tmp_path / "export.json"
    box.export_archive("lakeside", path)

    report = run(practice, path)
    assert (report.read, report.imported, report.already_held) == (2, 1, 1)
    with practice.store.session() as s:
        origins = dict(s.execute(select(Post.origin, func.count()).group_by(Post.origin)).all())
    assert origins == {"composed": 1, "imported": 1}


def test_one_id_twice_in_an_export_is_kept_once(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [item(1, FLU), item(2, THREAD), item(1, FLU)])
    report = run(practice, path)
    assert (report.read, report.imported, report.repeated) == (3, 2, 1)


def test_replies_to_others_are_checked_as_replies(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [
        item(1, FLU), item(2, REPLY, reply_to="outbox:1"),  # a thread of our own: a post
        item(3, REPLY, reply_to="https://reviews.example/r/77"),  # answering someone: a reply
    ])
    report = run(practice, path)
    assert report.rules == {"phi.patient_relationship": 1}
    with practice.store.session() as s:
        flagged = s.scalars(select(Publication.remote_id).join(
            StoredFinding, StoredFinding.version_id == Publication.version_id)).all()
    assert set(flagged) == {"outbox:3"}


def test_a_personal_account_is_checked_as_one(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [item(1, FLU)], handle="dr.patel")
    run(practice, path, account="dr.patel")
    with practice.store.session() as s:
        kinds = set(s.scalars(select(StoredFinding.account_kind)))
        [row] = s.scalars(select(Publication)).all()
    assert row.account.handle == "dr.patel" and kinds <= {"personal"}


# --- damaged files: a clear error, nothing stored --------------------------------------------


def test_a_damaged_export_names_the_place_and_stores_nothing(practice: Practice,
                                                              tmp_path: Path) -> None:
    whole = write_export(tmp_path / "whole.json", [item(n, FLU) for n in range(1, 6)])
    broken = tmp_path / "broken.json"
    broken.write_text(whole.read_text()[:-40])
    with pytest.raises(ArchiveError, match=r"broken\.json is damaged at line 1, column \d+"):
        run(practice, broken)
    bad_fourth = [item(n, FLU) for n in range(1, 6)]
    bad_fourth[3]["published_at"] = "last tuesday"
    path = write_export(tmp_path / "bad.json", bad_fourth)
    with pytest.raises(ArchiveError, match=r"bad\.json, post 4: \"published_at\""):
        run(practice, path)
    assert set(table_counts(practice).values()) == {0}
    assert imports_audited(practice) == []


def test_a_missing_file_or_another_networks_file(practice: Practice, tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="nowhere.json: no such file"):
        run(practice, tmp_path / "nowhere.json")
    tweets = tmp_path / "tweets.js"
    tweets.write_text('window.YTD.tweets.part0 = [{"tweet": {"id_str": "1"}}]')
    with pytest.raises(ArchiveError, match="tweets.js"):
        run(practice, tweets)
    assert set(table_counts(practice).values()) == {0}


class HalfReader:
    """A reader that yields good posts and then fails, as a reader of a truncated file may."""

    name = "outbox"

    def __init__(self, failure: Exception | None, posts: Sequence[ArchivePost]) -> None:
        self.failure, self.posts = failure, posts

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        yield from self.posts
        if self.failure is not None:
            raise self.failure


def run_reader(p: Practice, path: Path, reader: HalfReader) -> ArchiveReport:
    network: Network = reader  # type: ignore[assignment]  # only read_archive is called
    return import_archive(p.store, p.owner, "lakeside", path, networks=lambda _: network)


def good(n: int, **metrics: int) -> ArchivePost:
    return ArchivePost(network="outbox", remote_id=f"outbox:{n}", created_at=T0, text=FLU,
                       metrics=metrics)


@pytest.mark.parametrize("failure, message", [
    (ArchiveError("export.zip: entry data/tweets.js, byte 812: not JSON"), "byte 812"),
    (ValueError("Expecting ',' delimiter"), r"export\.zip is damaged or is not a outbox data "
                                            r"export \(after 2 posts\)"),
    (PermissionError(13, "Permission denied"), "cannot read .*export.zip: Permission denied"),
])
def test_a_reader_failing_half_way_stores_nothing(practice: Practice, tmp_path: Path,
                                                  failure: Exception, message: str) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK")
    with pytest.raises(ArchiveError, match=message):
        run_reader(practice, path, HalfReader(failure, [good(1), good(2)]))
    assert set(table_counts(practice).values()) == {0}


@pytest.mark.parametrize("post, message", [
    (ArchivePost(network="outbox", remote_id="", created_at=T0, text=FLU), "post 2: its id"),
    (ArchivePost(network="outbox", remote_id="x" * 301, created_at=T0, text=FLU), "300"),
    (ArchivePost(network="outbox", remote_id="a", created_at=T0.replace(tzinfo=None), text=FLU),
     "post 2: its date has no time zone"),
    (good(3, favourites=2), "'favourites' is not a count bedside keeps"),
    (good(3, likes=-1), "likes must be a whole number of 0 or more"),
])
def test_what_the_store_cannot_hold_is_refused(practice: Practice, tmp_path: Path,
                                               post: ArchivePost, message: str) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK")
    with pytest.raises(ArchiveError, match=message):
        run_reader(practice, path, HalfReader(None, [good(1), post]))
    assert set(table_counts(practice).values()) == {0}


# --- who may, and two at once ---------------------------------------------------------------


def test_a_reviewer_may_not_import(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [item(1, FLU)])
    with pytest.raises(PermissionDenied, match="may not import"):
        import_archive(practice.store, practice.reviewer, "lakeside", path,
                       networks=networks_for(practice))


def test_two_imports_at_once_store_each_post_once(practice: Practice, tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.json", [item(n, FLU, likes=n) for n in range(1, 41)])
    reports: list[ArchiveReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def one() -> None:
        try:
            start.wait()
            reports.append(run(practice, path))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.imported for r in reports) == [0, 40]
    assert table_counts(practice)["publication"] == 40
    assert table_counts(practice)["metric_snapshot"] == 40
