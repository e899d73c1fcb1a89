"""A network's own data export imported as published history: all or nothing, never twice.

The whole file is read through the account's connector first (a damaged file stops there, with
the file and the position, and nothing is stored). Every new post is then checked by the guard
like any version, because old posts can hold a patient's details and the audit of past posts is
where a practice finds them. Then one transaction stores what the store does not hold yet: a post
of origin `imported`, its one version with its findings, its ledger row already `published` with
the network's id and date (never scheduled, never sent), and the export's counts as a metric
snapshot. A remote id is unique on its account, so importing the same export again, or one that
holds posts bedside published itself, adds nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bedside.errors import BedsideError
from bedside.guard import engine as guard
from bedside.guard.context import Context, Practice
from bedside.networks.base import ArchiveError, ArchivePost, Network
from bedside.services import audit
from bedside.services.accounts import AccountView, find_account
from bedside.services.post_views import SEVERITY_RANK
from bedside.services.workspaces import Actor, practice_of
from bedside.store import Store
from bedside.store.models import (
    METRICS,
    Account,
    MetricSnapshot,
    Post,
    PostTarget,
    PostVersion,
    Publication,
    StoredFinding,
    Workspace,
)

log = logging.getLogger(__name__)

NetworkFor = Callable[[str], Network]
# progress(stage, done, total): stage is "reading" (total unknown: None), "checking", "storing".
Progress = Callable[[str, int, int | None], None]

REMOTE_ID_MAX = 300  # Publication.remote_id and reply_to
BATCH = 500  # posts per INSERT round; also how often the storing stage reports progress
# What a careless reader raises on a damaged file; turned into an ArchiveError naming the file.
_PARSE_ERRORS = (ValueError, KeyError, TypeError, IndexError, AttributeError, zipfile.BadZipFile)

T = TypeVar("T")


class ImportConflict(BedsideError):
    """The store changed under the import (another import or the publisher); nothing was stored."""


@dataclass(frozen=True)
class ArchiveReport:
    """What an import found and stored. Counts only: no post's text."""

    account: str  # network:handle
    file: str
    read: int  # posts in the export
    imported: int  # posts stored now
    already_held: int  # posts the store held before (imported earlier, or published by bedside)
    repeated: int  # the same remote id a second time in the export (kept once)
    snapshots: int  # metric snapshots stored (new posts, and changed counts of held ones)
    first: datetime | None  # the oldest and newest imported post
    last: datetime | None
    worst: Mapping[str, int] = field(default_factory=dict)  # imported posts per worst severity
    rules: Mapping[str, int] = field(default_factory=dict)  # imported posts per warn/block rule
    post_ids: tuple[int, ...] = ()

    @property
    def blocked(self) -> int:
        """Imported posts a guard rule blocks: they would not be sent today."""
        return self.worst.get("block", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account, "file": self.file, "read": self.read,
            "imported": self.imported, "already_held": self.already_held,
            "repeated": self.repeated, "snapshots": self.snapshots,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "worst": dict(self.worst), "rules": dict(self.rules), "post_ids": list(self.post_ids),
        }


@dataclass(frozen=True)
class _Checked:
    """One new post with what the guard said, ready to store."""

    post: ArchivePost
    findings: tuple[StoredFinding, ...]
    worst: str | None
    promotional: bool


def import_archive(
    store: Store,
    actor: Actor,
    account_ref: str | int,
    path: Path,
    *,
    networks: NetworkFor,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ArchiveReport:
    """Import the export at `path` into the account's published history; return what was done.

    Raises ArchiveError (the file and position of the first problem: nothing stored),
    ImportConflict, NotFound, PermissionDenied, and the registry's errors for the network.
    """
    actor.require("compose", "import a network's archive")
    account = find_account(store, actor, account_ref)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    report = progress or _quiet
    posts = read_archive(networks(account.network), path, account.network, report)
    unique, repeated = _first_of_each(posts)
    with store.session() as s:
        held = _held_ids(s, account.id)
        practice = practice_of(s.get_one(Workspace, actor.workspace_id))
    fresh = [p for p in unique if p.remote_id not in held]
    # A post answering one of the account's own posts continues a thread; any other is a reply
    # to someone else, which the guard reads as one (confirming a patient is the classic slip).
    own = held | {p.remote_id for p in unique}
    checked = []
    for done, post in enumerate(fresh, 1):
        checked.append(_check(post, account, practice, replying=_is_reply(post, own)))
        report("checking", done, len(fresh))
    as_of = _export_time(path, moment)
    try:
        with store.session() as s:
            # One import per account at a time (PostgreSQL; SQLite's BEGIN IMMEDIATE already is).
            s.execute(select(Account.id).where(Account.id == account.id).with_for_update())
            held = _held_ids(s, account.id)  # again, under the lock
            new = [c for c in checked if c.post.remote_id not in held]
            post_ids = _store_new(s, actor, account, new, moment, as_of, report)
            refreshed = _refresh_counts(s, account.id, [p for p in unique if p.remote_id in held],
                                        as_of)
            result = _report(account, path, posts, unique, repeated, new, post_ids,
                             snapshots=sum(1 for c in new if _counts(c.post)) + refreshed)
            audit.record(s, actor.workspace_id, "archive.imported", actor_id=actor.user_id,
                         account_id=account.id, file=path.name, read=result.read,
                         imported=result.imported, already_held=result.already_held,
                         repeated=result.repeated, snapshots=result.snapshots,
                         blocked=result.blocked, rules=dict(result.rules))
    except IntegrityError:
        # A remote id stored meanwhile by something that does not take the account lock.
        raise ImportConflict(f"{account.label} changed while {path.name} was being imported; "
                             "nothing was imported: run the import again") from None
    log.info("archive import into account %d: %d read, %d imported, %d already held, "
             "%d blocked", account.id, result.read, result.imported, result.already_held,
             result.blocked)
    return result


def read_archive(network: Network, path: Path, network_name: str,
                 progress: Progress | None = None) -> list[ArchivePost]:
    """Every post of the export, read to the end before anything is stored.

    Raises ArchiveError naming the file and the position of the first problem.
    """
    if not path.exists():
        raise ArchiveError(f"{path}: no such file")
    report = progress or _quiet
    posts: list[ArchivePost] = []
    try:
        for number, post in enumerate(network.read_archive(path), 1):
            posts.append(_valid(post, f"{path}, post {number}"))
            report("reading", number, None)
    except ArchiveError:
        raise
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
    except _PARSE_ERRORS as exc:
        # The reader let a parsing error through: the file is not what it expects. Its message
        # may quote the file (patient data), so only its type is logged.
        log.warning("the %s archive reader raised %s on a file", network_name,
                    type(exc).__name__)
        raise ArchiveError(f"{path} is damaged or is not a {network_name} data export "
                           f"(after {len(posts)} posts)") from None
    report("reading", len(posts), len(posts))
    return posts


def _valid(post: ArchivePost, where: str) -> ArchivePost:
    """Refuse what the store could not hold faithfully (a reader's slip is the file's fault)."""
    if not post.remote_id or len(post.remote_id) > REMOTE_ID_MAX:
        raise ArchiveError(f"{where}: its id is empty or longer than {REMOTE_ID_MAX} characters")
    if post.reply_to is not None and len(post.reply_to) > REMOTE_ID_MAX:
        raise ArchiveError(f"{where}: the id it replies to is longer than {REMOTE_ID_MAX} "
                           "characters")
    if post.created_at.tzinfo is None:
        raise ArchiveError(f"{where}: its date has no time zone")
    for name, value in post.metrics.items():
        if name not in METRICS:
            raise ArchiveError(f"{where}: {name!r} is not a count bedside keeps "
                               f"({', '.join(METRICS)})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ArchiveError(f"{where}: {name} must be a whole number of 0 or more")
    return post


def _first_of_each(posts: Sequence[ArchivePost]) -> tuple[list[ArchivePost], int]:
    seen: dict[str, ArchivePost] = {}
    for post in posts:
        seen.setdefault(post.remote_id, post)
    return list(seen.values()), len(posts) - len(seen)


def _held_ids(s: Session, account_id: int) -> set[str]:
    return set(s.scalars(select(Publication.remote_id).where(
        Publication.account_id == account_id, Publication.remote_id.is_not(None))))


def _is_reply(post: ArchivePost, own: set[str]) -> bool:
    return post.reply_to is not None and post.reply_to not in own


def _check(post: ArchivePost, account: AccountView, practice: Practice, *,
           replying: bool) -> _Checked:
    context = Context(network=account.network, kind="reply" if replying else "post",
                      account=account.kind, practice=practice)  # type: ignore[arg-type]
    result = guard.check(post.text, context)
    findings = tuple(
        StoredFinding(network=account.network, account_kind=account.kind, rule=f.rule,
                      category=f.category, severity=f.severity, start=f.start, end=f.end,
                      excerpt=f.excerpt, message=f.message, suggestion=f.suggestion or None,
                      source=f.source or None)
        for f in result.findings
    )
    worst = max((f.severity for f in findings), key=SEVERITY_RANK.__getitem__, default=None)
    return _Checked(post, findings, worst, result.labels.promotional)


def _store_new(s: Session, actor: Actor, account: AccountView, new: Sequence[_Checked],
               moment: datetime, as_of: datetime, report: Progress) -> list[int]:
    """Insert the new posts in batches (a few INSERT rounds per batch, not one per row)."""
    post_ids: list[int] = []
    for batch in _chunks(new, BATCH):
        posts = [Post(workspace_id=actor.workspace_id, status="draft", origin="imported",
                      created_at=c.post.created_at) for c in batch]
        s.add_all(posts)
        s.flush()
        versions = [PostVersion(post_id=p.id, number=1, text=c.post.text, images={},
                                promotional=c.promotional, worst_severity=c.worst,
                                created_at=c.post.created_at, findings=list(c.findings))
                    for p, c in zip(posts, batch, strict=True)]
        s.add_all(versions)
        s.add_all(PostTarget(post_id=p.id, account_id=account.id) for p in posts)
        s.flush()
        rows = [Publication(post_id=p.id, version_id=v.id, account_id=account.id,
                            idempotency_key=_imported_key(account.id, c.post.remote_id),
                            state="published", due_at=c.post.created_at,
                            next_attempt_at=c.post.created_at, remote_id=c.post.remote_id,
                            remote_url=c.post.url, reply_to=c.post.reply_to,
                            published_at=c.post.created_at, created_at=moment, updated_at=moment)
                for p, v, c in zip(posts, versions, batch, strict=True)]
        s.add_all(rows)
        s.flush()
        s.add_all(_snapshot(r.id, c.post, as_of) for r, c in zip(rows, batch, strict=True)
                  if _counts(c.post))
        s.flush()
        post_ids += [p.id for p in posts]
        report("storing", len(post_ids), len(new))
    if not new:
        report("storing", 0, 0)
    return post_ids


def _refresh_counts(s: Session, account_id: int, held: Sequence[ArchivePost],
                    as_of: datetime) -> int:
    """A snapshot for each held post whose exported counts differ from its last exported ones."""
    with_counts = {p.remote_id: p for p in held if _counts(p)}
    added = 0
    for ids in _chunks(list(with_counts), BATCH):
        rows: dict[str | None, int] = dict(s.execute(
            select(Publication.remote_id, Publication.id).where(
                Publication.account_id == account_id, Publication.remote_id.in_(ids))).all())
        last: dict[int, MetricSnapshot] = {}
        for snap in s.scalars(select(MetricSnapshot).where(
                MetricSnapshot.publication_id.in_(rows.values()),
                MetricSnapshot.source == "archive")
                .order_by(MetricSnapshot.fetched_at, MetricSnapshot.id)):
            last[snap.publication_id] = snap
        for remote_id, publication_id in rows.items():
            assert remote_id is not None
            post = with_counts[remote_id]
            before = last.get(publication_id)
            if before is None or _counts_of(before) != _counts(post):
                s.add(_snapshot(publication_id, post, as_of))
                added += 1
    return added


def _counts(post: ArchivePost) -> dict[str, int]:
    return {name: int(post.metrics[name]) for name in METRICS if name in post.metrics}


def _counts_of(snap: MetricSnapshot) -> dict[str, int]:
    return {name: value for name in METRICS if (value := getattr(snap, name)) is not None}


def _snapshot(publication_id: int, post: ArchivePost, as_of: datetime) -> MetricSnapshot:
    return MetricSnapshot(publication_id=publication_id, fetched_at=as_of, source="archive",
                          **_counts(post))


def _imported_key(account_id: int, remote_id: str) -> str:
    """The ledger row's key: derived from what it records (the same post gives the same key)."""
    return hashlib.sha256(f"imported:{account_id}:{remote_id}".encode()).hexdigest()


def _export_time(path: Path, now: datetime) -> datetime:
    """When the export's counts were taken: the file's time is the best sign there is."""
    try:
        made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return now
    return min(made, now)


def _report(account: AccountView, path: Path, posts: Sequence[ArchivePost],
            unique: Sequence[ArchivePost], repeated: int, new: Sequence[_Checked],
            post_ids: Sequence[int], *, snapshots: int) -> ArchiveReport:
    worst: dict[str, int] = {}
    rules: dict[str, int] = {}
    for c in new:
        level = c.worst or "ok"
        worst[level] = worst.get(level, 0) + 1
        for rule in sorted({f.rule for f in c.findings if f.severity in ("warn", "block")}):
            rules[rule] = rules.get(rule, 0) + 1
    dates = [c.post.created_at for c in new]
    return ArchiveReport(
        account=account.label, file=str(path), read=len(posts), imported=len(new),
        already_held=len(unique) - len(new), repeated=repeated, snapshots=snapshots,
        first=min(dates, default=None), last=max(dates, default=None),
        worst=dict(sorted(worst.items(), key=lambda kv: -SEVERITY_RANK.get(kv[0], -1))),
        rules=dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
        post_ids=tuple(post_ids),
    )


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _quiet(stage: str, done: int, total: int | None) -> None:
    """No progress to show."""


__all__ = ["ArchiveReport", "ImportConflict", "NetworkFor", "Progress", "import_archive",
           "read_archive"]
