"""Members: roles changed and members removed by an owner, audit-logged; the practice always
keeps an owner, even when two owners step down at the same moment."""

from __future__ import annotations

import threading

import pytest

from bedside.errors import UsageError
from bedside.services import audit, workspaces
from bedside.services.workspaces import NotFound, PermissionDenied, _keep_an_owner, _membership

from .conftest import PROFILE, Practice

OWNER, REVIEWER = "anita@lakeside.example", "kim@lakeside.example"


def test_roles_change_and_members_leave_with_an_audit_trail(practice: Practice) -> None:
    p = practice
    workspaces.set_role(p.store, p.owner, " Kim@Lakeside.example ", "editor")
    assert (REVIEWER, "editor") in workspaces.members(p.store, p.owner)
    assert workspaces.actor_for(p.store, REVIEWER).can("compose")
    workspaces.set_role(p.store, p.owner, REVIEWER, "editor")  # unchanged: nothing logged
    workspaces.remove_member(p.store, p.owner, REVIEWER)
    assert workspaces.members(p.store, p.owner) == [(OWNER, "owner")]
    with p.store.session() as s:
        trail = [(e.action, e.detail.get("member"), e.detail.get("role"),
                  e.detail.get("previous"))
                 for e in audit.entries(s, p.owner.workspace_id, action="member.")]
    # The audit log names whom each change was about, not only who made it.
    assert trail == [("member.removed", REVIEWER, "editor", None),
                     ("member.role_changed", REVIEWER, "editor", "reviewer"),
                     ("member.added", REVIEWER, "reviewer", None)]


def test_refusals(practice: Practice) -> None:
    p = practice
    with pytest.raises(PermissionDenied):
        workspaces.set_role(p.store, p.reviewer, OWNER, "reviewer")
    with pytest.raises(PermissionDenied):
        workspaces.remove_member(p.store, p.reviewer, OWNER)
    with pytest.raises(UsageError, match="not a role"):
        workspaces.set_role(p.store, p.owner, REVIEWER, "admin")
    with pytest.raises(UsageError, match="only owner"):
        workspaces.set_role(p.store, p.owner, OWNER, "editor")
    with pytest.raises(UsageError, match="only owner"):
        workspaces.remove_member(p.store, p.owner, OWNER)
    other = workspaces.init_workspace(p.store, profile_toml=PROFILE.replace("Lakeside", "Hill"),
                                      owner_email="lee@hill.example")
    with pytest.raises(NotFound):
        workspaces.set_role(p.store, other, REVIEWER, "editor")
    with pytest.raises(NotFound):
        workspaces.remove_member(p.store, p.owner, "lee@hill.example")


def test_two_owners_stepping_down_at_once_leave_one(practice: Practice) -> None:
    p = practice
    workspaces.set_role(p.store, p.owner, REVIEWER, "owner")
    outcome: list[str] = []
    started = threading.Event()

    def second_owner() -> None:
        started.set()
        kim = workspaces.actor_for(p.store, REVIEWER)
        try:
            workspaces.set_role(p.store, kim, REVIEWER, "editor")
            outcome.append("stepped down")
        except UsageError as exc:
            outcome.append(str(exc))

    with p.store.session() as s:  # the first owner's step-down, in progress
        mine = _membership(s, p.owner, OWNER)
        _keep_an_owner(s, p.owner, mine)
        mine.role = "editor"
        thread = threading.Thread(target=second_owner)
        thread.start()
        started.wait()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second step-down did not wait for the first"
    thread.join(timeout=30)
    assert len(outcome) == 1 and "only owner" in outcome[0]
    assert sorted(workspaces.members(p.store, p.owner)) == [(OWNER, "editor"),
                                                           (REVIEWER, "owner")]
