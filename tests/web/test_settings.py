"""Accounts and settings on both backends: accounts (pause with reason, resume, connect),
members and roles, the audit log, CSV import and export, and the secret ICS address; roles,
CSRF, isolation and escaping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from web_helpers import EDITOR, OTHER_OWNER, OWNER, PASSWORD, REVIEWER, Web, csrf, signin

from bedside.services import accounts, audit, calendar_links, publish

SAFE = "Flu shots are in. Walk-in clinic Tuesday 9-12, no appointment needed."
XSS = '<script>alert("x")</script>'


def _lakeside(web: Web) -> int:
    return accounts.find_account(web.store, web.owner, "lakeside").id


def test_settings_page_lists_accounts_members_and_forms(web: Web) -> None:
    accounts.set_paused(web.store, web.owner, "lakeside", paused=True,
                        reason="staff on leave until Monday")
    page = web.client_for(OWNER).get("/settings")
    assert page.status_code == 200
    for expected in ("outbox:lakeside", "Why: staff on leave until Monday", "Resume",
                     OWNER, EDITOR, REVIEWER, "reviewer", "Connect an account", "Add a member",
                     "Export scheduled posts", "Make an address", "/settings/audit"):
        assert expected in page.text, expected
    reviewer = web.client_for(REVIEWER).get("/settings")
    assert reviewer.status_code == 200 and "Why: staff on leave" in reviewer.text
    assert "Connect an account" not in reviewer.text and "Add a member" not in reviewer.text


def test_pause_and_resume_with_reason(web: Web) -> None:
    client = web.client_for(OWNER)
    account = _lakeside(web)
    paused = client.post(f"/settings/accounts/{account}/pause",
                         data={"reason": "rebranding this week", "csrf_token": csrf(client)})
    assert paused.status_code == 200 and "is paused" in paused.text  # followed to /settings
    assert "Why: rebranding this week" in paused.text
    view = accounts.find_account(web.store, web.owner, "lakeside")
    assert view.status == "paused" and view.paused_reason == "rebranding this week"
    api = client.post(f"/api/accounts/{account}/resume", headers={"X-CSRF-Token": csrf(client)})
    assert api.status_code == 200 and api.json()["status"] == "active"
    again = client.post(f"/api/accounts/{account}/pause", json={"reason": ""},
                        headers={"X-CSRF-Token": csrf(client)})
    assert again.json()["paused_reason"] == "paused by a user"


def test_only_an_owner_manages_accounts_and_every_form_needs_csrf(web: Web) -> None:
    account = _lakeside(web)
    for email in (REVIEWER, EDITOR):
        client = web.client_for(email)
        token = csrf(client)
        for path in (f"/settings/accounts/{account}/pause", "/settings/accounts/connect",
                     "/settings/members", "/settings/calendar-link"):
            response = client.post(path, data={"csrf_token": token, "network": "outbox",
                                               "handle": "x", "email": "a@b.example",
                                               "role": "owner"})
            assert response.status_code == 403, (email, path)
        api = client.post(f"/api/accounts/{account}/pause", json={"reason": "x"},
                          headers={"X-CSRF-Token": token})
        assert api.status_code == 403
    owner = web.client_for(OWNER)
    forged = owner.post(f"/settings/accounts/{account}/pause", data={"reason": "x"})
    assert forged.status_code == 403 and "reload the page" in forged.text
    assert accounts.find_account(web.store, web.owner, "lakeside").status == "active"


def test_another_practice_cannot_touch_these_accounts(web: Web) -> None:
    account = _lakeside(web)
    other = web.client_for(OTHER_OWNER)
    token = csrf(other)
    assert other.post(f"/settings/accounts/{account}/pause",
                      data={"reason": "x", "csrf_token": token}).status_code == 404
    assert other.post(f"/api/accounts/{account}/resume",
                      headers={"X-CSRF-Token": token}).status_code == 404
    assert other.get("/api/accounts").json() == []
    assert "lakeside" not in other.get("/settings").text
    assert all("lakeside" not in m["email"] for m in other.get("/api/members").json())
    assert accounts.find_account(web.store, web.owner, "lakeside").status == "active"


def test_connect_an_account(web: Web) -> None:
    client = web.client_for(OWNER)
    response = client.post("/settings/accounts/connect", data={
        "network": "outbox", "handle": "@dr.patel", "kind": "personal",
        "csrf_token": csrf(client)})
    assert response.status_code == 200 and "outbox:dr.patel is connected" in response.text
    api = client.post("/api/accounts/connect", json={"network": "outbox", "handle": "front"},
                      headers={"X-CSRF-Token": csrf(client)})
    assert api.status_code == 200 and api.json()["handle"] == "front"
    labels = [a["network"] + ":" + a["handle"] for a in client.get("/api/accounts").json()]
    assert labels == ["outbox:lakeside", "outbox:dr.patel", "outbox:front"]
    bad = client.post("/api/accounts/connect", json={"network": "myspace", "handle": "x"},
                      headers={"X-CSRF-Token": csrf(client)})
    assert bad.status_code == 422 and "not a network bedside knows" in bad.json()["error"]


def test_add_a_member_who_can_then_sign_in(web: Web) -> None:
    client = web.client_for(OWNER)
    response = client.post("/settings/members", data={
        "email": "Ravi@Lakeside.example", "role": "editor", "password": PASSWORD,
        "csrf_token": csrf(client)})
    assert response.status_code == 200 and "ravi@lakeside.example can now sign in" in response.text
    assert {"email": "ravi@lakeside.example", "role": "editor"} in \
        client.get("/api/members").json()
    twice = client.post("/api/members", json={"email": "ravi@lakeside.example",
                                              "role": "reviewer"},
                        headers={"X-CSRF-Token": csrf(client)})
    assert twice.status_code == 422 and "already a member" in twice.json()["error"]
    short = client.post("/api/members", json={"email": "x@lakeside.example", "role": "editor",
                                              "password": "short"},
                        headers={"X-CSRF-Token": csrf(client)})
    assert short.status_code == 422
    newcomer = web.client()
    signin(newcomer, "ravi@lakeside.example")
    assert "Lakeside Family Medicine" in newcomer.get("/").text


def test_audit_log_is_filterable_and_escaped(web: Web) -> None:
    client = web.client_for(OWNER)
    account = _lakeside(web)
    client.post(f"/api/accounts/{account}/pause", json={"reason": XSS},
                headers={"X-CSRF-Token": csrf(client)})
    client.post(f"/api/accounts/{account}/resume", headers={"X-CSRF-Token": csrf(client)})
    paused = client.get("/api/audit?action=account.paused").json()
    assert [(e["action"], e["actor"], e["reason"]) for e in paused] == [
        ("account.paused", OWNER, XSS)]
    both = [e["action"] for e in client.get("/api/audit?action=account.").json()]
    assert both[:2] == ["account.resumed", "account.paused"]
    assert client.get(f"/api/audit?member={REVIEWER}").json() == []
    future = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert client.get(f"/api/audit?since={future}").json() == []
    page = client.get("/settings/audit?action=account.")
    assert page.status_code == 200 and "account.paused" in page.text
    assert XSS not in page.text and "&lt;script&gt;" in page.text
    settings = client.get("/settings").text
    assert XSS not in settings
    assert web.client_for(REVIEWER).get("/api/audit").status_code == 200
    assert web.client_for(EDITOR).get("/settings/audit").status_code == 403
    other = web.client_for(OTHER_OWNER).get("/api/audit?action=account.").json()
    assert other == []


def test_csv_export_and_import(web: Web) -> None:
    zone = ZoneInfo("America/Chicago")
    at = (datetime.now(zone) + timedelta(days=3)).replace(hour=10, minute=0, second=0,
                                                          microsecond=0)
    post = publish.compose(web.store, web.owner, SAFE, to=["lakeside"])
    publish.schedule(web.store, web.owner, post.id, at)
    client = web.client_for(EDITOR)
    exported = client.get("/settings/export.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert at.strftime("%m/%d/%Y 10:00") in exported.text and "Flu shots" in exported.text
    later = at + timedelta(days=1)
    row = f'{later:%m/%d/%Y %H:%M},"Hand washing matters in winter.",\n'
    response = client.post("/settings/import", data={"to": [str(_lakeside(web))],
                                                     "csrf_token": csrf(client)},
                           files={"file": ("posts.csv", row.encode(), "text/csv")})
    assert response.status_code == 200 and "1 posts scheduled" in response.text
    api = client.post("/api/calendar/import", json={"csv": row.replace("Hand", "Soap"),
                                                    "to": [_lakeside(web)]},
                      headers={"X-CSRF-Token": csrf(client)})
    assert api.status_code == 200 and api.json()["summary"].startswith("1 posts scheduled")
    texts = [p.text for p in publish.list_posts(web.store, web.owner, status="scheduled")]
    assert "Hand washing matters in winter." in texts and "Soap washing matters in winter." \
        in texts
    reviewer = web.client_for(REVIEWER)
    refused = reviewer.post("/api/calendar/import", json={"csv": row, "to": [_lakeside(web)]},
                            headers={"X-CSRF-Token": csrf(reviewer)})
    assert refused.status_code == 403
    other = web.client_for(OTHER_OWNER)
    assert "Flu shots" not in other.get("/settings/export.csv").text
    stolen = other.post("/api/calendar/import", json={"csv": row, "to": [_lakeside(web)]},
                        headers={"X-CSRF-Token": csrf(other)})
    assert stolen.status_code == 404


def test_ics_link_works_without_a_session_and_a_wrong_token_is_404(web: Web) -> None:
    post = publish.compose(web.store, web.owner, SAFE, to=["lakeside"])
    publish.schedule(web.store, web.owner, post.id, datetime.now(UTC) + timedelta(days=2))
    client = web.client_for(OWNER)
    page = client.post("/settings/calendar-link", data={"csrf_token": csrf(client)})
    assert page.status_code == 200 and "cannot show it again" in page.text
    url = page.text.split('id="new-link" type="text" readonly value="')[1].split('"')[0]
    assert url.startswith("http://testserver/ics/") and url.endswith(".ics")
    anonymous = web.client()
    feed = anonymous.get(url)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text and "Flu shots" in feed.text
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in client.get("/settings").text  # shown once, never again
    assert anonymous.get(f"/ics/{token[:-1]}x.ics").status_code == 404
    assert anonymous.get("/ics/nothing.ics").status_code == 404
    assert "An address exists" in client.get("/settings").text
    revoked = client.post("/settings/calendar-link/revoke", data={"csrf_token": csrf(client)})
    assert revoked.status_code == 200 and "turned off" in revoked.text
    assert anonymous.get(url).status_code == 404
    api = client.post("/api/calendar-link", headers={"X-CSRF-Token": csrf(client)})
    assert api.status_code == 201 and anonymous.get(api.json()["url"]).status_code == 200
    other_token = calendar_links.create_link(web.store, web.other)
    assert "Flu shots" not in anonymous.get(f"/ics/{other_token}.ics").text
    assert client.get("/api/calendar-link").json()["exists"] is True
    reviewer = web.client_for(REVIEWER)
    assert reviewer.post("/api/calendar-link",
                         headers={"X-CSRF-Token": csrf(reviewer)}).status_code == 403


def test_settings_routes_are_in_the_openapi_schema(web: Web) -> None:
    paths = web.client().get("/openapi.json").json()["paths"]
    for path in ("/api/accounts", "/api/accounts/{account_id}/pause", "/api/members",
                 "/api/audit", "/api/calendar-link", "/api/calendar/import", "/api/calendar",
                 "/api/calendar/move", "/api/queue", "/ics/{token}.ics"):
        assert path in paths, path


def test_an_owner_changes_a_role_and_removes_a_member(web: Web) -> None:
    client = web.client_for(OWNER)
    editor = web.client_for(EDITOR)
    assert editor.get("/compose").status_code == 200
    page = client.get("/settings")
    assert 'action="/settings/members/role"' in page.text and "(you)" in page.text
    changed = client.post("/settings/members/role", data={
        "email": EDITOR, "role": "reviewer", "csrf_token": csrf(client)})
    assert changed.status_code == 200 and f"{EDITOR} is now a reviewer" in changed.text
    # The next request of the signed-in member already has the new role.
    assert editor.get("/compose").status_code == 403
    assert editor.get("/approvals").status_code == 200
    removed = client.post("/settings/members/remove", data={
        "email": EDITOR, "csrf_token": csrf(client)})
    assert removed.status_code == 200 and "no longer a member" in removed.text
    assert EDITOR not in [m["email"] for m in client.get("/api/members").json()]
    gone = editor.get("/approvals", follow_redirects=False)  # no practice left for them
    assert gone.status_code == 303 and gone.headers["location"] == "/setup/practice"
    assert "ask its owner to add you" in editor.get("/setup/practice").text
    with web.store.session() as s:
        actions = [(e.action, e.detail.get("role")) for e in
                   audit.entries(s, web.owner.workspace_id, action="member.")]
    assert ("member.role_changed", "reviewer") in actions
    assert ("member.removed", "reviewer") in actions


def test_the_practice_keeps_an_owner_and_only_owners_change_roles(web: Web) -> None:
    client = web.client_for(OWNER)
    token = {"X-CSRF-Token": csrf(client)}
    alone = client.put("/api/members", json={"email": OWNER, "role": "editor"}, headers=token)
    assert alone.status_code == 422 and "only owner" in alone.json()["error"]
    assert client.delete(f"/api/members/{OWNER}", headers=token).status_code == 422
    made = client.put("/api/members", json={"email": REVIEWER, "role": "owner"}, headers=token)
    assert made.status_code == 200 and made.json() == {"email": REVIEWER, "role": "owner"}
    stepped_down = client.put("/api/members", json={"email": OWNER, "role": "editor"},
                              headers=token)
    assert stepped_down.status_code == 200  # another owner remains
    assert client.put("/api/members", json={"email": EDITOR, "role": "reviewer"},
                      headers=token).status_code == 403  # no longer an owner
    bad = web.client_for(REVIEWER)
    bad_token = {"X-CSRF-Token": csrf(bad)}
    wrong = bad.put("/api/members", json={"email": EDITOR, "role": "boss"}, headers=bad_token)
    assert wrong.status_code == 422 and "not a role" in wrong.json()["error"]
    stranger = bad.put("/api/members", json={"email": OTHER_OWNER, "role": "editor"},
                       headers=bad_token)
    assert stranger.status_code == 404  # another practice's member is not found here
    no_csrf = bad.delete(f"/api/members/{EDITOR}")
    assert no_csrf.status_code == 403
    assert bad.delete(f"/api/members/{EDITOR}", headers=bad_token).status_code == 204
    other = web.client_for(OTHER_OWNER)
    assert [m["role"] for m in other.get("/api/members").json()] == ["owner"]
