"""Queue and history on both backends: every ledger state with its reason and what to check,
per account; roles, isolation and escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from web_helpers import OTHER_OWNER, OWNER, REVIEWER, Web, csrf

from bedside.services import accounts, publish, workspaces
from bedside.store.models import Publication

SAFE = "Flu shots are in. Walk-in clinic Tuesday 9-12, no appointment needed."
PHI = "Great to see Maria Gonzalez back at her follow-up this morning after her knee surgery!"


def _post(web: Web, text: str, at: datetime, to: str = "lakeside") -> int:
    post = publish.compose(web.store, web.owner, f"{text} {SAFE}", to=[to])
    publish.schedule(web.store, web.owner, post.id, at)
    return post.id


def _set(web: Web, post_id: int, state: str, *, when: datetime, error: str | None = None,
         url: str | None = None) -> None:
    """What the worker would have written (the ledger's outcome), for the page to show."""
    with web.store.session() as s:
        row = s.scalars(select(Publication).where(Publication.post_id == post_id)).one()
        row.state, row.due_at, row.last_error, row.remote_url = state, when, error, url
        if state == "published":
            row.published_at, row.remote_id = when, f"r{post_id}"


def test_every_state_shows_with_its_reason(web: Web) -> None:
    now = datetime.now(UTC)
    soon = _post(web, "Soon:", now + timedelta(days=2))
    published = _post(web, "Out:", now + timedelta(days=3))
    _set(web, published, "published", when=now - timedelta(days=1),
         url="https://outbox.example/lakeside/7")
    failed = _post(web, "Refused:", now + timedelta(days=4))
    _set(web, failed, "failed", when=now - timedelta(days=2),
         error="the text is too long (520 > 500)")
    uncertain = _post(web, "Checking:", now + timedelta(days=5))
    _set(web, uncertain, "uncertain", when=now - timedelta(days=3),
         error="the network timed out after the post was sent")
    expired = _post(web, "Late:", now + timedelta(days=6))
    _set(web, expired, "expired", when=now - timedelta(hours=5), error="cleared after its time")
    blocked = _post(web, "Was fine:", now + timedelta(days=7))
    publish.revise(web.store, web.owner, blocked, text=PHI)
    client = web.client_for(OWNER)
    page = client.get("/queue")
    assert page.status_code == 200
    text = page.text
    for expected in ("outbox:lakeside", 'href="https://outbox.example/lakeside/7"',
                     "the text is too long (520 &gt; 500)", "the network timed out",
                     "look for it around this time", "not sent late", "cleared after its time",
                     "A blocking finding must be fixed"):
        assert expected in text, expected
    data = client.get("/api/queue").json()["accounts"][0]
    upcoming = {e["post_id"]: e["state"] for e in data["upcoming"]}
    history = {e["post_id"]: e["state"] for e in data["history"]}
    assert upcoming == {soon: "scheduled", blocked: "blocked"}
    assert history == {published: "published", failed: "failed", uncertain: "uncertain",
                       expired: "expired"}
    assert [e["post_id"] for e in data["history"]] == [expired, published, failed, uncertain]
    only = client.get("/api/queue?state=failed").json()["accounts"][0]
    assert [e["post_id"] for e in only["history"]] == [failed] and only["upcoming"] == []
    assert client.get("/api/queue?state=nonsense").status_code == 422


def test_awaiting_sign_off_and_a_paused_account(web: Web) -> None:
    workspaces.set_require_signoff(web.store, web.owner, True)
    waiting = _post(web, "Vaccines:", datetime.now(UTC) + timedelta(days=1))
    accounts.set_paused(web.store, web.owner, "lakeside", paused=True,
                        reason="the network said the app password was revoked")
    client = web.client_for(REVIEWER)  # any member may look
    page = client.get("/queue").text
    assert "awaiting sign-off" in page and "Waiting for a reviewer" in page
    assert "the network said the app password was revoked" in page
    data = client.get("/api/queue").json()["accounts"][0]
    assert data["account"]["status"] == "paused"
    assert [(e["post_id"], e["state"]) for e in data["upcoming"]] == [
        (waiting, "awaiting sign-off")]


def test_one_account_at_a_time_and_no_other_practice(web: Web) -> None:
    second = accounts.add_account(web.store, web.settings, web.owner, network="outbox",
                                  handle="drpatel", kind="personal")
    _post(web, "Lakeside:", datetime.now(UTC) + timedelta(days=1))
    _post(web, "Second:", datetime.now(UTC) + timedelta(days=1), to="drpatel")
    client = web.client_for(OWNER)
    one = client.get(f"/api/queue?account={second.id}").json()["accounts"]
    assert len(one) == 1 and one[0]["upcoming"][0]["excerpt"].startswith("Second:")
    other = web.client_for(OTHER_OWNER)
    assert other.get("/api/queue").json() == {"accounts": []}
    assert "Lakeside:" not in other.get("/queue").text
    refused = other.get(f"/queue?account={second.id}")
    assert refused.status_code == 422 and "Second:" not in refused.text


def test_queue_escapes_post_text_and_reasons(web: Web) -> None:
    post = _post(web, "<script>alert(1)</script>", datetime.now(UTC) + timedelta(days=1))
    _set(web, post, "failed", when=datetime.now(UTC) - timedelta(hours=1),
         error='<img src=x onerror="alert(2)">')
    page = web.client_for(OWNER).get("/queue").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_signed_out_visitors_are_sent_to_sign_in(web: Web) -> None:
    client = web.client()
    assert client.get("/queue", follow_redirects=False).headers["location"].startswith("/signin")
    assert client.get("/api/queue").status_code == 401
    assert client.get("/calendar", follow_redirects=False).status_code == 303


def test_every_page_renders_the_sample_practice(web: Web) -> None:
    """The demo workspace (history, planned, awaiting sign-off) on the calendar, the queue,
    settings and the audit log, as its owner sees them after switching to it."""
    from bedside.services import demo

    demo_owner = demo.create_demo(web.store, web.settings, web.owner.user_id, OWNER)
    client = web.client_for(OWNER)
    switched = client.post("/workspace", data={"workspace_id": str(demo_owner.workspace_id),
                                               "csrf_token": csrf(client)})
    assert switched.status_code == 200 and "Sample data" in switched.text
    history = client.get("/api/queue").json()["accounts"]
    states = {e["state"] for q in history for e in q["upcoming"] + q["history"]}
    assert {"published", "scheduled", "awaiting sign-off"} <= states
    published = [e for q in history for e in q["history"] if e["state"] == "published"]
    month = published[0]["at"][:10]
    calendar = client.get(f"/calendar?view=month&day={month}")
    assert calendar.status_code == 200 and published[0]["excerpt"][:20] in calendar.text
    assert client.get("/calendar?view=week").status_code == 200
    for path in ("/queue", "/settings", "/settings/audit"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "outbox:lakeside" not in page.text  # the real practice stays apart
    # The sample history did best on Tuesday mornings: the composer says so.
    composer = client.get("/compose/best-hours")
    hint = re.search(r'id="best-time">(.*?)</p>', composer.text, re.S)
    assert hint is not None and re.search(r">Tue 09:00</button>", hint.group(1))
    best = client.get("/api/best-hours").json()
    assert best["zone"] == "America/Chicago" and best["hours"][0]["label"] == "Tue 09:00"
    assert best["hours"][0]["posts"] == 8 and best["hours"][0]["lift"] > 1.2
    # The blocked sample draft was sent for review: its reviewer has it on the list.
    waiting = publish.awaiting_review(web.store, demo_owner)
    assert {p.stage for p in waiting} == {"awaiting sign-off", "blocked"}
