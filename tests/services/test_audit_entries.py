"""audit.list_entries on both backends: newest first, filtered, members by email, owners and
reviewers only, one workspace's entries only."""

from __future__ import annotations

import pytest

from bedside.services import accounts, audit, workspaces
from bedside.services.workspaces import PermissionDenied

from .conftest import Practice


def test_entries_are_filtered_and_name_who_acted(practice: Practice) -> None:
    p = practice
    accounts.set_paused(p.store, p.owner, "lakeside", paused=True, reason="on leave")
    accounts.set_paused(p.store, p.owner, "lakeside", paused=False)
    found = audit.list_entries(p.store, p.owner, action="account.")
    assert [e.action for e in found][:2] == ["account.resumed", "account.paused"]
    assert found[1].actor == "anita@lakeside.example" and found[1].reason == "on leave"
    assert audit.list_entries(p.store, p.reviewer, actor_email="kim@lakeside.example") == []
    assert audit.list_entries(p.store, p.owner, actor_email="nobody@x.example") == []
    assert [e.action for e in audit.list_entries(p.store, p.owner, action="account.paused")] \
        == ["account.paused"]


def test_editors_may_not_read_it_and_other_practices_see_none(practice: Practice) -> None:
    p = practice
    workspaces.add_member(p.store, p.owner, "sam@lakeside.example", "editor")
    editor = workspaces.actor_for(p.store, "sam@lakeside.example")
    with pytest.raises(PermissionDenied):
        audit.list_entries(p.store, editor)
    other = workspaces.init_workspace(p.store, profile_toml='[practice]\nname = "Hillcrest"',
                                      owner_email="lee@hillcrest.example")
    assert [e.action for e in audit.list_entries(p.store, other)] == ["workspace.created"]
