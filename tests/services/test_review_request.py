"""Request review: a draft reaches the reviewers' list when its author asks, and a requested post
waits for the answer even where the workspace does not require sign-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bedside.errors import UsageError
from bedside.services import audit, publish, workspaces
from bedside.services.publish import AlreadyOut
from bedside.services.workspaces import NotFound, PermissionDenied
from bedside.store.models import Publication

from .conftest import LATER, NOW, PHI, PROFILE, SAFE, Practice


def _states(p: Practice, post_id: int) -> list[str]:
    with p.store.session() as s:
        return [r.state for r in s.scalars(select(Publication).where(
            Publication.post_id == post_id).order_by(Publication.id))]


def _waiting(p: Practice) -> list[int]:
    return [v.id for v in publish.awaiting_review(p.store, p.reviewer)]


def test_only_requested_drafts_reach_the_reviewers_list(practice: Practice) -> None:
    p = practice
    quiet = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    blocked = publish.compose(p.store, p.owner, PHI, to=["lakeside"])
    asked = publish.compose(p.store, p.owner, SAFE + " Bring your card.", to=["lakeside"])
    assert _waiting(p) == []  # work in progress is its author's, blocked or not
    view = publish.request_review(p.store, p.owner, asked.id, now=NOW)
    assert view.review_requested and view.stage == "awaiting sign-off"
    publish.request_review(p.store, p.owner, blocked.id, now=NOW)
    assert _waiting(p) == [blocked.id, asked.id]
    assert publish.get_post(p.store, p.owner, quiet.id).stage == "draft"
    assert publish.get_post(p.store, p.owner, blocked.id).stage == "blocked"
    with p.store.session() as s:
        logged = audit.entries(s, p.owner.workspace_id, action="post.review_requested")
        assert sorted(e.post_id for e in logged) == [blocked.id, asked.id]


def test_a_request_holds_a_post_where_sign_off_is_optional(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, LATER, now=NOW)
    assert _states(p, post.id) == ["scheduled"]  # optional sign-off: queued at once
    held = publish.request_review(p.store, p.owner, post.id, now=NOW)
    assert held.stage == "awaiting sign-off" and _states(p, post.id) == ["cancelled"]
    assert _waiting(p) == [post.id]
    approved = publish.approve(p.store, p.reviewer, post.id, version=1, now=NOW)
    assert approved.stage == "scheduled" and not approved.review_requested
    assert _states(p, post.id) == ["scheduled"] and _waiting(p) == []
    with pytest.raises(UsageError, match="already signed off"):
        publish.request_review(p.store, p.owner, post.id, now=NOW)


def test_a_rejection_answers_the_request(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.request_review(p.store, p.owner, post.id, now=NOW)
    rejected = publish.reject(p.store, p.reviewer, post.id, note="say which clinic", version=1)
    assert rejected.stage == "draft" and not rejected.review_requested
    assert _waiting(p) == []
    revised = publish.revise(p.store, p.owner, post.id, text=SAFE + " Main St clinic.")
    assert revised.stage == "draft"  # asking again is the author's choice
    again = publish.request_review(p.store, p.owner, post.id, now=NOW)
    assert again.stage == "awaiting sign-off" and _waiting(p) == [post.id]


def test_roles_workspaces_and_posts_already_out(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    with pytest.raises(PermissionDenied):
        publish.request_review(p.store, p.reviewer, post.id)  # a reviewer does not compose
    other = workspaces.init_workspace(p.store, profile_toml=PROFILE.replace("Lakeside", "Hilltop"),
                                      owner_email="owner@hilltop.example")
    with pytest.raises(NotFound):
        publish.request_review(p.store, other, post.id)
    publish.schedule(p.store, p.owner, post.id, NOW + timedelta(seconds=30), now=NOW)
    with p.store.session() as s:
        row = s.scalars(select(Publication).where(Publication.post_id == post.id)).one()
        row.state = "published"
    with pytest.raises(AlreadyOut):
        publish.request_review(p.store, p.owner, post.id, now=NOW)
