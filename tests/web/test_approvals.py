"""Approvals on both backends: the reviewer's list with highlighted findings; approve, reject
with a note, override a blocking finding with a reason (audit-logged by services.publish);
roles, CSRF, workspace isolation and escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from web_helpers import EDITOR, OTHER_OWNER, OWNER, PASSWORD, REVIEWER, Web, csrf

from bedside.services import accounts, audit, publish, users, workspaces
from bedside.services.publish import PostView

PATIENT = "Ruth Smith, 92, came in for her flu shot. Flu shots are in for everyone."
CLEAN = "Flu shots are in. Ask at the front desk about a walk-in appointment."
LAKESIDE = "lakeside-family-medicine"
XSS = f'<script>alert("x")</script> {PATIENT} <b onmouseover=alert(1)>hi</b>'


@pytest.fixture
def signoff(web: Web) -> Web:
    workspaces.set_require_signoff(web.store, web.owner, True)
    return web


def scheduled(web: Web, text: str = CLEAN) -> PostView:
    """A post scheduled for tomorrow on the outbox account (held for sign-off if required)."""
    outbox = accounts.find_account(web.store, web.owner, "outbox:lakeside").id
    post = publish.compose(web.store, web.owner, text, to=[outbox])
    return publish.schedule(web.store, web.owner, post.id,
                            datetime.now(UTC) + timedelta(days=1))


def blocked(web: Web, text: str = PATIENT) -> PostView:
    """A draft with a patient's name whose author asked for a review."""
    outbox = accounts.find_account(web.store, web.owner, "outbox:lakeside").id
    draft = publish.compose(web.store, web.owner, text, to=[outbox])
    return publish.request_review(web.store, web.owner, draft.id)


def actions(web: Web, post_id: int, prefix: str) -> list[str]:
    with web.store.session() as s:
        return [e.action for e in audit.entries(s, web.owner.workspace_id, post_id=post_id,
                                                 action=prefix)]


def test_the_reviewer_sees_waiting_and_blocked_posts_with_findings(signoff: Web) -> None:
    waiting, stopped = scheduled(signoff), blocked(signoff)
    page = signoff.client_for(REVIEWER).get("/approvals")
    assert page.status_code == 200
    assert f'id="post-{waiting.id}"' in page.text and f'id="post-{stopped.id}"' in page.text
    assert "awaiting sign-off" in page.text
    assert waiting.scheduled_at is not None  # shown on the practice's clock, not in UTC
    local = waiting.scheduled_at.astimezone(ZoneInfo("America/Chicago"))
    assert f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}</time>" in page.text
    assert "review requested by its author" in page.text  # the blocked draft was sent
    assert re.search(r'<mark class="finding block" title="[^"]*phi\.name[^"]*">Ruth Smith</mark>',
                     page.text)
    assert "Rule source: HIPAA" in page.text
    assert 'name="rule" value="phi.name"' in page.text  # an override form per blocking rule


def test_an_editor_cannot_approve_and_a_reviewer_can(signoff: Web) -> None:
    post = scheduled(signoff)
    assert post.stage == "awaiting sign-off" and post.ledger == []
    editor = signoff.client_for(EDITOR)
    assert editor.get("/approvals").status_code == 403
    refused = editor.post(f"/approvals/{post.id}/approve",
                          data={"version": "1", "csrf_token": csrf(editor)})
    assert refused.status_code == 403
    api = editor.post(f"/api/posts/{post.id}/approve", json={"version": 1},
                      headers={"X-CSRF-Token": csrf(editor)})
    assert api.status_code == 403 and "does not allow" in api.json()["error"]
    owner = signoff.client_for(OWNER)  # an owner is not a reviewer unless given the role
    assert owner.get("/approvals").status_code == 403
    assert publish.get_post(signoff.store, signoff.owner, post.id).approved is False
    reviewer = signoff.client_for(REVIEWER)
    done = reviewer.post(f"/approvals/{post.id}/approve",
                         data={"version": "1", "csrf_token": csrf(reviewer)},
                         follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/approvals?done=approved"
    after = publish.get_post(signoff.store, signoff.owner, post.id)
    assert after.approved and after.stage == "scheduled"
    assert [r.state for r in after.ledger] == ["scheduled"]
    assert actions(signoff, post.id, "post.approved") == ["post.approved"]
    assert "Approved." in reviewer.get("/approvals?done=approved").text


def test_a_stale_version_is_not_signed_off(signoff: Web) -> None:
    post = scheduled(signoff)
    publish.revise(signoff.store, signoff.owner, post.id, text=CLEAN + " Thank you.")
    reviewer = signoff.client_for(REVIEWER)
    response = reviewer.post(f"/approvals/{post.id}/approve",
                             data={"version": "1", "csrf_token": csrf(reviewer)})
    assert response.status_code == 422 and "review the current version" in response.text
    assert publish.get_post(signoff.store, signoff.owner, post.id).approved is False


def test_reject_needs_a_note_and_is_logged(signoff: Web) -> None:
    post = scheduled(signoff)
    reviewer = signoff.client_for(REVIEWER)
    token = csrf(reviewer)
    empty = reviewer.post(f"/approvals/{post.id}/reject",
                          data={"version": "1", "note": "  ", "csrf_token": token})
    assert empty.status_code == 422 and "say why" in empty.text
    done = reviewer.post(f"/approvals/{post.id}/reject",
                         data={"version": "1", "note": "Too salesy", "csrf_token": token},
                         follow_redirects=False)
    assert done.status_code == 303
    assert actions(signoff, post.id, "post.rejected") == ["post.rejected"]
    with signoff.store.session() as s:
        [entry] = audit.entries(s, signoff.owner.workspace_id, post_id=post.id,
                                action="post.rejected")
        assert entry.reason == "Too salesy"


def test_override_needs_a_reason_and_clears_the_finding(web: Web) -> None:
    post = blocked(web)
    reviewer = web.client_for(REVIEWER)
    token = csrf(reviewer)
    for rule in post.unresolved[1:]:  # leave phi.name for the page
        publish.override(web.store, workspaces.actor_for(web.store, REVIEWER, LAKESIDE), post.id,
                         rule=rule, reason="checked with the patient's signed authorization")
    missing = reviewer.post(f"/approvals/{post.id}/override",
                            data={"version": "1", "rule": "phi.name", "reason": "",
                                  "csrf_token": token})
    assert missing.status_code == 422 and "needs a reason" in missing.text
    unknown = reviewer.post(f"/approvals/{post.id}/override",
                            data={"version": "1", "rule": "no.such", "reason": "x",
                                  "csrf_token": token})
    assert unknown.status_code == 422 and "no blocking finding" in unknown.text
    done = reviewer.post(f"/approvals/{post.id}/override",
                         data={"version": "1", "rule": "phi.name",
                               "reason": "signed HIPAA authorization on file",
                               "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    after = publish.get_post(web.store, web.owner, post.id)
    # No block left; the author's request still waits for a sign-off.
    assert after.unresolved == [] and after.stage == "awaiting sign-off"
    with web.store.session() as s:
        entry = audit.entries(s, web.owner.workspace_id, post_id=post.id,
                              action="post.override")[0]
        assert entry.detail["rule"] == "phi.name"
        assert entry.reason == "signed HIPAA authorization on file"


def test_the_api_lists_approves_rejects_and_overrides(signoff: Web) -> None:
    waiting, stopped = scheduled(signoff), blocked(signoff)
    client = signoff.client_for(REVIEWER)
    headers = {"X-CSRF-Token": csrf(client)}
    listed = client.get("/api/approvals").json()
    assert {p["id"] for p in listed} == {waiting.id, stopped.id}
    one = next(p for p in listed if p["id"] == stopped.id)
    assert any(f["rule"] == "phi.name" and f["source"] for f in one["findings"])
    rule = stopped.unresolved[0]
    overridden = client.post(f"/api/posts/{stopped.id}/override",
                             json={"rule": rule, "reason": "authorization on file",
                                   "version": 1}, headers=headers)
    assert overridden.status_code == 200 and rule not in overridden.json()["unresolved"]
    no_note = client.post(f"/api/posts/{waiting.id}/reject", json={"note": ""},
                          headers=headers)
    assert no_note.status_code == 422 and "say why" in no_note.json()["error"]
    approved = client.post(f"/api/posts/{waiting.id}/approve", json={"version": 1},
                           headers=headers).json()
    assert approved["approved"] is True and approved["stage"] == "scheduled"
    schema = client.get("/openapi.json").json()["paths"]
    assert {"/api/approvals", "/api/posts/{post_id}/approve", "/api/posts/{post_id}/reject",
            "/api/posts/{post_id}/override"} <= set(schema)


def test_decisions_without_the_csrf_token_are_refused(signoff: Web) -> None:
    post = scheduled(signoff)
    reviewer = signoff.client_for(REVIEWER)
    assert reviewer.post(f"/approvals/{post.id}/approve", data={"version": "1"}).status_code \
        == 403
    assert reviewer.post(f"/approvals/{post.id}/approve",
                         data={"version": "1", "csrf_token": "forged"}).status_code == 403
    assert reviewer.post(f"/api/posts/{post.id}/approve", json={}).status_code == 403
    assert publish.get_post(signoff.store, signoff.owner, post.id).approved is False


def test_another_practices_reviewer_gets_404(signoff: Web) -> None:
    post = scheduled(signoff)
    stranger = "rev@hillcrest.example"
    workspaces.add_member(signoff.store, signoff.other, stranger, "reviewer")
    member = workspaces.actor_for(signoff.store, stranger, "hillcrest-pediatrics")
    users.set_password(signoff.store, member.user_id, PASSWORD)
    client = signoff.client_for(stranger)
    token = csrf(client)
    assert f"post-{post.id}" not in client.get("/approvals").text
    assert client.get("/api/approvals").json() == []
    for path, data in ((f"/approvals/{post.id}/approve", {"version": "1"}),
                       (f"/approvals/{post.id}/reject", {"version": "1", "note": "no"}),
                       (f"/approvals/{post.id}/override",
                        {"version": "1", "rule": "phi.name", "reason": "x"})):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    api = client.post(f"/api/posts/{post.id}/approve", json={}, headers={"X-CSRF-Token": token})
    assert api.status_code == 404
    assert publish.get_post(signoff.store, signoff.owner, post.id).approved is False
    assert signoff.client_for(OTHER_OWNER).get("/approvals").status_code == 403


def test_post_text_is_escaped_on_the_approvals_page(web: Web) -> None:
    blocked(web, XSS)
    page = web.client_for(REVIEWER).get("/approvals").text
    assert "<script>alert" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;b onmouseover=alert(1)&gt;hi&lt;/b&gt;" in page


def test_a_long_list_shows_the_earliest_first_and_counts_the_rest(
        signoff: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from bedside.web.routes import approvals as approvals_routes

    monkeypatch.setattr(approvals_routes, "PAGE", 2)
    outbox = accounts.find_account(signoff.store, signoff.owner, "outbox:lakeside").id
    later, sooner, soonest = (
        publish.schedule(signoff.store, signoff.owner,
                         publish.compose(signoff.store, signoff.owner, f"{CLEAN} ({n})",
                                         to=[outbox]).id,
                         datetime.now(UTC) + timedelta(days=days))
        for n, days in ((1, 9), (2, 5), (3, 2)))
    page = signoff.client_for(REVIEWER).get("/approvals").text
    assert page.index(f'id="post-{soonest.id}"') < page.index(f'id="post-{sooner.id}"')
    assert f'id="post-{later.id}"' not in page
    assert "Showing the first 2 of 3 posts waiting" in page
    assert len(signoff.client_for(REVIEWER).get("/api/approvals").json()) == 3
