"""Listings build their views in a few queries (views_of); each must equal the view one post at a
time gives (view_of), whatever the post went through."""

from __future__ import annotations

from datetime import timedelta

from bedside.services import publish, workspaces

from .conftest import NOW, PHI, SAFE, Practice


def test_a_listing_gives_the_same_views_as_one_at_a_time(practice: Practice) -> None:
    p = practice
    workspaces.set_require_signoff(p.store, p.owner, True)
    draft = publish.compose(p.store, p.owner, SAFE, to=["lakeside"])
    blocked = publish.compose(p.store, p.owner, PHI, to=["lakeside", "dr.patel"])
    for rule in blocked.unresolved[:1]:
        publish.override(p.store, p.reviewer, blocked.id, rule=rule, reason="consent on file")
    held = publish.compose(p.store, p.owner, SAFE + " Bring your card.", to=["lakeside"])
    publish.schedule(p.store, p.owner, held.id, NOW + timedelta(days=1), now=NOW)
    cleared = publish.compose(p.store, p.owner, SAFE + " Masks welcome.", to=["dr.patel"])
    publish.schedule(p.store, p.owner, cleared.id, NOW + timedelta(days=2), now=NOW)
    publish.approve(p.store, p.reviewer, cleared.id, now=NOW)
    turned_down = publish.compose(p.store, p.owner, "Book now, 20% off!", to=["lakeside"])
    publish.request_review(p.store, p.owner, turned_down.id, now=NOW)
    publish.reject(p.store, p.reviewer, turned_down.id, note="too salesy")
    publish.revise(p.store, p.owner, draft.id, text=SAFE + " Updated hours.")

    listed = publish.list_posts(p.store, p.owner)
    one_by_one = [publish.get_post(p.store, p.owner, v.id) for v in listed]
    assert listed == one_by_one
    stages = {v.id: v.stage for v in listed}
    assert stages == {draft.id: "draft", blocked.id: "blocked", held.id: "awaiting sign-off",
                      cleared.id: "scheduled", turned_down.id: "draft"}
    waiting = publish.awaiting_review(p.store, p.reviewer)
    assert [v.id for v in waiting] == [held.id]  # the blocked draft was never sent for review
    assert waiting == [publish.get_post(p.store, p.owner, held.id)]
