"""Compose, revise, review and schedule: what reaches the ledger, and when nothing must."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bedside.errors import UsageError
from bedside.services import audit, publish, workspaces
from bedside.services.workspaces import NotFound, PermissionDenied
from bedside.store.models import Publication

from .conftest import LATER, NOW, PHI, SAFE, Practice


def _rows(p: Practice, post_id: int) -> list[Publication]:
    with p.store.session() as s:
        return list(s.scalars(select(Publication).where(Publication.post_id == post_id)
                              .order_by(Publication.account_id)))


def test_compose_stores_findings_per_network_and_kind(practice: Practice) -> None:
    post = publish.compose(practice.store, practice.owner, PHI, to=["lakeside", "dr.patel"])
    assert post.version == 1 and post.stage == "blocked"
    phi = [f for f in post.findings if f.category == "phi"]
    assert phi and all(f.severity == "block" for f in phi)
    assert {f.account_kind for f in post.findings} == {"practice", "personal"}
    name = next(f for f in phi if "Maria" in f.excerpt)
    assert PHI[name.start:name.end] == name.excerpt


def test_blocking_finding_stops_scheduling_until_overridden(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, PHI, to=["lakeside"])
    with pytest.raises(publish.Blocked, match="blocking findings"):
        publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    assert _rows(p, post.id) == []
    with pytest.raises(PermissionDenied, match="may not review"):
        publish.override(p.store, p.owner, post.id, rule=post.unresolved[0], reason="consented")
    with pytest.raises(UsageError, match="needs a reason"):
        publish.override(p.store, p.reviewer, post.id, rule=post.unresolved[0], reason=" ")
    for rule in post.unresolved:
        publish.override(p.store, p.reviewer, post.id, rule=rule,
                         reason="written HIPAA authorization on file, 2026-11-30")
    scheduled = publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    assert scheduled.stage == "scheduled"
    assert [r.state for r in _rows(p, post.id)] == ["scheduled"]
    with p.store.session() as s:
        overrides = audit.entries(s, p.owner.workspace_id, action="post.override")
        assert len(overrides) == len(post.unresolved)
        assert all(e.reason and "authorization" in e.reason for e in overrides)


def test_schedule_makes_one_ledger_row_per_account(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside", "dr.patel"])
    queued: list[tuple[list[int], datetime]] = []
    view = publish.schedule(p.store, p.owner, post.id, LATER, now=NOW,
                            enqueue=lambda ids, at: queued.append((list(ids), at)))
    rows = _rows(p, post.id)
    assert [r.state for r in rows] == ["scheduled", "scheduled"]
    assert all(r.due_at == LATER and r.version_id == view.version_id for r in rows)
    assert len({r.idempotency_key for r in rows}) == 2
    assert queued == [([r.id for r in rows], LATER)]


def test_signoff_binds_to_the_exact_version(practice: Practice) -> None:
    p = practice
    workspaces.set_require_signoff(p.store, p.owner, True)
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    held = publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    assert held.stage == "awaiting sign-off" and _rows(p, post.id) == []
    approved = publish.approve(p.store, p.reviewer, post.id, version=1, now=NOW)
    assert approved.stage == "scheduled"
    assert [r.state for r in _rows(p, post.id)] == ["scheduled"]
    edited = publish.revise(p.store, p.owner, post.id, text=SAFE + " Bring your insurance card.",
                            now=NOW)
    assert edited.version == 2 and edited.stage == "awaiting sign-off" and not edited.approved
    assert [r.state for r in _rows(p, post.id)] == ["cancelled"]
    with pytest.raises(UsageError, match="at version 2"):
        publish.approve(p.store, p.reviewer, post.id, version=1, now=NOW)
    publish.approve(p.store, p.reviewer, post.id, version=2, now=NOW)
    rows = _rows(p, post.id)
    assert [r.state for r in rows] == ["scheduled"] and rows[0].version_id == edited.version_id


def test_approval_after_the_time_expires_instead_of_posting_late(practice: Practice) -> None:
    p = practice
    workspaces.set_require_signoff(p.store, p.owner, True)
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, NOW + timedelta(hours=1), now=NOW)
    late = publish.approve(p.store, p.reviewer, post.id, now=NOW + timedelta(hours=3))
    assert late.stage == "needs attention"
    [row] = _rows(p, post.id)
    assert row.state == "expired" and "not sent late" in (row.last_error or "")


def test_rejection_needs_a_note_and_withdraws(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    with pytest.raises(UsageError, match="say why"):
        publish.reject(p.store, p.reviewer, post.id, note="")
    rejected = publish.reject(p.store, p.reviewer, post.id,
                              note="Tuesday clinic moved to Wednesday")
    assert [r.state for r in _rows(p, post.id)] == ["cancelled"]
    # Sign-off is optional here: the rejected post is a draft again, not "scheduled".
    assert (rejected.status, rejected.stage) == ("draft", "draft")
    assert publish.awaiting_review(p.store, p.reviewer) == []


def test_published_post_cannot_be_edited(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    with p.store.session() as s:
        s.scalars(select(Publication)).one().state = "published"
    with pytest.raises(publish.AlreadyOut, match="compose a new post"):
        publish.revise(p.store, p.owner, post.id, text="changed")


def test_time_in_the_past_or_naive_is_refused(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    with pytest.raises(UsageError, match="has passed"):
        publish.schedule(p.store, p.owner, post.id, NOW - timedelta(hours=2), now=NOW)
    with pytest.raises(UsageError, match="time zone"):
        publish.schedule(p.store, p.owner, post.id, datetime(2026, 12, 2, 9), now=NOW)


def test_dst_schedule_keeps_wall_clock(practice: Practice) -> None:
    p = practice
    chicago = ZoneInfo("America/Chicago")
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    # 2027-03-14 is the spring-forward day in the US: 09:00 local is 14:00 UTC, not 15:00.
    at = datetime(2027, 3, 14, 9, 0, tzinfo=chicago)
    view = publish.schedule(p.store, p.owner, post.id, at, now=NOW)
    assert view.scheduled_at == datetime(2027, 3, 14, 14, 0, tzinfo=UTC)
    assert view.scheduled_at.astimezone(chicago).hour == 9


def test_promotional_share_warning(practice: Practice) -> None:
    p = practice
    promo = "Book now! 20% off Botox this month only. Call (555) 010-2000 to schedule."
    warnings: list[str] = []
    for i in range(4):
        text = promo if i % 2 else SAFE
        post = publish.compose(p.store, p.owner, text, to=["lakeside"])
        assert post.promotional == bool(i % 2)
        warnings = publish.schedule(p.store, p.owner, post.id, LATER + timedelta(hours=i),
                                    now=NOW).warnings
    assert warnings and "50%" in warnings[0] and "20%" in warnings[0]


def test_workspaces_are_isolated(practice: Practice) -> None:
    p = practice
    other = workspaces.init_workspace(p.store, profile_toml='[practice]\nname = "Other Clinic"',
                                      owner_email="x@other.example")
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    with pytest.raises(NotFound):
        publish.get_post(p.store, other, post.id)
    with pytest.raises(NotFound):
        publish.compose(p.store, other, SAFE, to=["lakeside"])
