"""The secret calendar address on both backends: hashed at rest, one per workspace, managers
only, retired by a new one or by turning it off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bedside.services import audit, calendar_links, publish
from bedside.services.workspaces import NotFound, PermissionDenied
from bedside.store.models import CalendarLink

from .conftest import Practice

SAFE = "Flu shots are in. Walk-in clinic Tuesday 9-12, no appointment needed."


def test_the_token_opens_the_feed_and_only_its_hash_is_stored(practice: Practice) -> None:
    p = practice
    post = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    publish.schedule(p.store, p.owner, post.id, datetime.now(UTC) + timedelta(days=2))
    token = calendar_links.create_link(p.store, p.owner)
    assert len(token) >= 40
    with p.store.session() as s:
        stored = s.scalars(select(CalendarLink)).one()
        assert stored.token_hash == calendar_links.token_hash(token) and token not in \
            stored.token_hash
    feed = calendar_links.feed_for_token(p.store, token)
    assert feed.startswith(b"BEGIN:VCALENDAR") and b"Flu shots" in feed
    info = calendar_links.link_info(p.store, p.owner)
    assert info is not None and info.created_by == "anita@lakeside.example"
    with p.store.session() as s:
        assert [e.action for e in audit.entries(s, p.owner.workspace_id, action="calendar.")] \
            == ["calendar.link_created"]


def test_a_new_link_retires_the_old_and_revoking_ends_it(practice: Practice) -> None:
    p = practice
    first = calendar_links.create_link(p.store, p.owner)
    second = calendar_links.create_link(p.store, p.owner)
    with pytest.raises(NotFound):
        calendar_links.feed_for_token(p.store, first)
    assert calendar_links.feed_for_token(p.store, second).startswith(b"BEGIN:VCALENDAR")
    assert calendar_links.revoke_link(p.store, p.owner) is True
    assert calendar_links.revoke_link(p.store, p.owner) is False
    with pytest.raises(NotFound):
        calendar_links.feed_for_token(p.store, second)
    assert calendar_links.link_info(p.store, p.owner) is None
    with pytest.raises(NotFound):
        calendar_links.feed_for_token(p.store, "")


def test_only_a_manager_makes_or_revokes_the_link(practice: Practice) -> None:
    with pytest.raises(PermissionDenied):
        calendar_links.create_link(practice.store, practice.reviewer)
    with pytest.raises(PermissionDenied):
        calendar_links.revoke_link(practice.store, practice.reviewer)
