"""The composer on both backends: live findings highlighted and escaped, counters, one-click
rewrites, saving, scheduling on the practice's clock, roles, CSRF and workspace isolation."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from web_helpers import EDITOR, OTHER_OWNER, OWNER, REVIEWER, Web, csrf

from bedside.networks.base import NetworkContext
from bedside.networks.registry import get_network
from bedside.services import accounts, archive, publish

PATIENT = "Ruth Smith, 92, came in for her flu shot. Flu shots are in for everyone."
CLEAN = "Flu shots are in. Ask at the front desk about a walk-in appointment."
ZONE = ZoneInfo("America/Chicago")  # Lakeside's zone (web_helpers.PROFILE)
XSS = f'<script>alert("x")</script> {PATIENT} <img src=x onerror=alert(1)>'


@pytest.fixture
def bluesky(web: Web) -> int:
    return accounts.add_account(web.store, web.settings, web.owner, network="bluesky",
                                handle="lakeside.example", kind="practice").id


def outbox_id(web: Web) -> int:
    return accounts.find_account(web.store, web.owner, "outbox:lakeside").id


def post_form(client: TestClient, path: str, fields: Mapping[str, object],
              *, htmx: bool = False) -> httpx.Response:
    headers = {"X-CSRF-Token": csrf(client)}
    if htmx:
        headers["HX-Request"] = "true"
    return client.post(path, data=fields, headers=headers, follow_redirects=False)


def created_id(response: httpx.Response) -> int:
    location = response.headers["location"]
    match = re.fullmatch(r"/compose/(\d+)\?done=\w+", location)
    assert match, location
    return int(match.group(1))


def test_the_composer_page_offers_the_accounts_and_the_practices_zone(web: Web,
                                                                      bluesky: int) -> None:
    page = web.client_for(EDITOR).get("/compose")
    assert page.status_code == 200
    assert f'name="account" value="{bluesky}"' in page.text
    assert "bluesky:lakeside.example" in page.text and "America/Chicago" in page.text
    assert 'hx-post="/compose/check"' in page.text and "delay:300ms" in page.text
    assert 'name="variant.bluesky"' in page.text


def test_a_patients_name_is_saved_with_its_block_finding_highlighted(web: Web,
                                                                      bluesky: int) -> None:
    client = web.client_for(EDITOR)
    response = post_form(client, "/compose", {"text": PATIENT, "account": [str(bluesky)],
                                              "action": "draft"})
    assert response.status_code == 303
    post_id = created_id(response)
    page = client.get(f"/compose/{post_id}?done=draft")
    assert "Draft saved." in page.text
    assert re.search(r'<mark class="finding block" title="[^"]*phi\.name[^"]*">Ruth Smith</mark>',
                     page.text)
    assert "HIPAA" in page.text  # the rule's source is shown
    assert "Replace with “a patient”" in page.text
    post = publish.get_post(web.store, web.owner, post_id)
    assert post.stage == "blocked" and "phi.name" in post.unresolved


def test_the_live_check_answers_with_a_fragment_for_each_network(web: Web, bluesky: int) -> None:
    client = web.client_for(EDITOR)
    response = post_form(client, "/compose/check",
                         {"text": PATIENT + " 👨‍👩‍👧‍👦", "account": [str(bluesky)]}, htmx=True)
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "Bluesky (practice account)" in html
    used = len(PATIENT) + 2  # the family emoji is one grapheme on Bluesky
    assert f'data-used="{used}" data-limit="300"' in html
    assert ">Ruth Smith</mark>" in html and "Blocking findings" in html
    clean = post_form(client, "/compose/check", {"text": CLEAN, "account": [str(bluesky)]},
                      htmx=True)
    assert "<mark" not in clean.text and "No findings." in clean.text


def test_the_live_check_with_no_account_chosen_covers_every_account(web: Web,
                                                                    bluesky: int) -> None:
    html = post_form(web.client_for(EDITOR), "/compose/check", {"text": CLEAN},
                     htmx=True).text
    assert "Bluesky (practice account)" in html and "outbox (practice account)" in html


def test_a_suggestion_is_applied_with_one_click(web: Web, bluesky: int) -> None:
    client = web.client_for(EDITOR)
    start = PATIENT.index("Ruth Smith")
    fields = {"text": PATIENT, "account": [str(bluesky)], "field": "text", "start": str(start),
              "end": str(start + 10), "excerpt": "Ruth Smith", "replacement": "a patient"}
    response = post_form(client, "/compose/apply", fields, htmx=True)
    assert response.status_code == 200
    html = response.text
    assert '<div id="editor">' in html
    assert ">A patient, 92, came in for her flu shot." in html
    assert "Ruth Smith" not in html
    stale = post_form(client, "/compose/apply", {**fields, "text": "Someone else entirely"},
                      htmx=True)
    assert stale.status_code == 422
    assert stale.headers["HX-Retarget"] == "#flash"
    assert "the text changed" in stale.text


def test_schedule_reads_the_time_on_the_practices_clock(web: Web, bluesky: int) -> None:
    client = web.client_for(EDITOR)
    when = (datetime.now(ZONE) + timedelta(days=3)).replace(hour=10, minute=30, second=0,
                                                              microsecond=0)
    response = post_form(client, "/compose", {
        "text": CLEAN, "account": [str(outbox_id(web))], "action": "schedule",
        "at": when.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 303, response.text
    post = publish.get_post(web.store, web.owner, created_id(response))
    assert post.stage == "scheduled"
    assert post.scheduled_at is not None
    assert post.scheduled_at.astimezone(UTC) == when.astimezone(UTC)
    assert [r.state for r in post.ledger] == ["scheduled"]
    page = client.get(f"/compose/{post.id}")
    assert f'value="{when:%Y-%m-%dT%H:%M}"' in page.text


def test_a_blocked_post_is_not_scheduled_and_the_text_is_kept(web: Web) -> None:
    client = web.client_for(EDITOR)
    at = (datetime.now(ZONE) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, "/compose", {"text": PATIENT, "account": [str(outbox_id(web))],
                                              "action": "schedule", "at": at})
    assert response.status_code == 422
    assert "blocking findings" in response.text
    assert f">{PATIENT}</textarea>" in response.text
    [post] = publish.list_posts(web.store, web.owner)
    assert post.status == "draft" and post.ledger == []


def test_next_free_slot_fills_the_time_picker(web: Web) -> None:
    client = web.client_for(EDITOR)
    response = client.get("/compose/next-slot", params={"account": str(outbox_id(web))},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    value = re.search(r'name="at" type="datetime-local" value="([^"]+)"', response.text)
    assert value is not None
    slot = datetime.strptime(value.group(1), "%Y-%m-%dT%H:%M").replace(tzinfo=ZONE)
    assert slot > datetime.now(ZONE) and slot.weekday() < 5 and slot.hour in (9, 13)
    none = client.get("/compose/next-slot", headers={"HX-Request": "true"})
    assert none.status_code == 422 and "choose at least one account" in none.text


def test_request_review_puts_a_draft_on_the_reviewers_list(web: Web) -> None:
    client = web.client_for(EDITOR)
    saved = post_form(client, "/compose", {"text": CLEAN, "account": [str(outbox_id(web))],
                                           "action": "draft"})
    post_id = created_id(saved)
    reviewer = web.client_for(REVIEWER)
    assert f'id="post-{post_id}"' not in reviewer.get("/approvals").text
    asked = post_form(client, f"/compose/{post_id}", {
        "text": CLEAN, "account": [str(outbox_id(web))], "action": "review"})
    assert asked.headers["location"] == f"/compose/{post_id}?done=review"
    post = publish.get_post(web.store, web.owner, post_id)
    assert post.review_requested and post.stage == "awaiting sign-off"
    assert f'id="post-{post_id}"' in reviewer.get("/approvals").text


def test_request_review_with_a_time_holds_the_post_for_the_answer(web: Web) -> None:
    client = web.client_for(EDITOR)  # this workspace does not require sign-off
    at = (datetime.now(ZONE) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, "/compose", {"text": CLEAN, "account": [str(outbox_id(web))],
                                              "action": "review", "at": at})
    assert response.headers["location"].endswith("?done=review")
    post = publish.get_post(web.store, web.owner, created_id(response))
    assert post.status == "scheduled" and post.stage == "awaiting sign-off"
    assert post.ledger == []  # nothing queued until a reviewer signs off
    reviewer = web.client_for(REVIEWER)
    api = reviewer.post(f"/api/posts/{post.id}/approve", json={"version": 1},
                        headers={"X-CSRF-Token": csrf(reviewer)})
    assert api.status_code == 200 and api.json()["stage"] == "scheduled"


def test_the_api_requests_a_review(web: Web) -> None:
    client = web.client_for(EDITOR)
    token = {"X-CSRF-Token": csrf(client)}
    made = client.post("/api/posts", json={"text": CLEAN, "accounts": [outbox_id(web)]},
                       headers=token)
    asked = client.post(f"/api/posts/{made.json()['id']}/request-review", headers=token)
    assert asked.status_code == 200
    assert asked.json()["review_requested"] is True
    assert asked.json()["stage"] == "awaiting sign-off"
    stranger = web.client_for(OTHER_OWNER)
    refused = stranger.post(f"/api/posts/{made.json()['id']}/request-review",
                            headers={"X-CSRF-Token": csrf(stranger)})
    assert refused.status_code == 404


def test_publish_now_puts_the_post_in_the_ledger_at_once(web: Web) -> None:
    client = web.client_for(EDITOR)
    response = post_form(client, "/compose", {"text": CLEAN, "account": [str(outbox_id(web))],
                                              "action": "publish"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=publish")
    post = publish.get_post(web.store, web.owner, created_id(response))
    assert [r.state for r in post.ledger] == ["scheduled"]
    assert post.scheduled_at is not None
    assert abs(post.scheduled_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_saving_unchanged_text_keeps_the_version(web: Web) -> None:
    client = web.client_for(EDITOR)
    fields = {"text": CLEAN, "account": [str(outbox_id(web))], "action": "draft"}
    post_id = created_id(post_form(client, "/compose", fields))
    again = post_form(client, f"/compose/{post_id}", fields)
    assert again.status_code == 303
    assert publish.get_post(web.store, web.owner, post_id).version == 1
    post_form(client, f"/compose/{post_id}", {**fields, "text": CLEAN + " Thank you."})
    assert publish.get_post(web.store, web.owner, post_id).version == 2


def test_roles_reviewer_cannot_compose_and_editor_can(web: Web) -> None:
    reviewer = web.client_for(REVIEWER)
    assert reviewer.get("/compose").status_code == 403
    refused = post_form(reviewer, "/compose", {"text": CLEAN, "action": "draft"})
    assert refused.status_code == 403
    assert publish.list_posts(web.store, web.owner) == []
    assert post_form(web.client_for(EDITOR), "/compose",
                     {"text": CLEAN, "action": "draft"}).status_code == 303


def test_unsafe_requests_without_the_csrf_token_are_refused(web: Web) -> None:
    client = web.client_for(EDITOR)
    for path in ("/compose", "/compose/check", "/compose/apply"):
        response = client.post(path, data={"text": CLEAN, "action": "draft"})
        assert response.status_code == 403, path
    api = client.post("/api/posts", json={"text": CLEAN})
    assert api.status_code == 403
    assert publish.list_posts(web.store, web.owner) == []


def test_another_practices_post_is_not_found(web: Web) -> None:
    post = publish.compose(web.store, web.owner, PATIENT)
    other = web.client_for(OTHER_OWNER)
    token = csrf(other)
    assert other.get(f"/compose/{post.id}").status_code == 404
    changed = other.post(f"/compose/{post.id}", data={"text": "hijacked", "action": "draft",
                                                     "csrf_token": token})
    assert changed.status_code == 404
    assert other.get(f"/api/posts/{post.id}").status_code == 404
    api = other.put(f"/api/posts/{post.id}", json={"text": "hijacked"},
                    headers={"X-CSRF-Token": token})
    assert api.status_code == 404
    scheduled = other.post(f"/api/posts/{post.id}/publish-now", headers={"X-CSRF-Token": token})
    assert scheduled.status_code == 404
    assert publish.get_post(web.store, web.owner, post.id).text == PATIENT
    # nor can a practice's post target another practice's account
    hillcrest = other.post("/api/posts", json={"text": CLEAN, "accounts": [outbox_id(web)]},
                           headers={"X-CSRF-Token": token})
    assert hillcrest.status_code == 404


def test_an_xss_payload_is_shown_as_text(web: Web) -> None:
    client = web.client_for(EDITOR)
    post_id = created_id(post_form(client, "/compose", {"text": XSS, "action": "draft"}))
    for html in (client.get(f"/compose/{post_id}").text,
                 post_form(client, "/compose/check", {"text": XSS}, htmx=True).text):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert ">Ruth Smith</mark>" in html  # highlighted, and still escaped around it


def test_the_api_checks_composes_revises_and_schedules(web: Web, bluesky: int) -> None:
    client = web.client_for(OWNER)
    headers = {"X-CSRF-Token": csrf(client)}
    checked = client.post("/api/check", json={"text": PATIENT, "accounts": [bluesky]},
                          headers=headers).json()
    [channel] = checked["channels"]
    assert channel["network"] == "bluesky" and channel["worst"] == "block"
    assert channel["counter"]["unit"] == "characters" and channel["counter"]["limit"] == 300
    name = next(f for f in channel["findings"] if f["rule"] == "phi.name")
    assert PATIENT[name["start"]:name["end"]] == "Ruth Smith"
    assert name["replacement"] == "a patient" and name["source"]
    created = client.post("/api/posts", json={"text": CLEAN, "accounts": [outbox_id(web)]},
                          headers=headers)
    assert created.status_code == 201
    post_id = created.json()["id"]
    revised = client.put(f"/api/posts/{post_id}", json={"text": CLEAN + " Thanks!",
                                                        "accounts": [outbox_id(web)]},
                         headers=headers).json()
    assert revised["version"] == 2
    slot = client.get(f"/api/posts/{post_id}/next-slot").json()
    assert slot["zone"] == "America/Chicago"
    scheduled = client.post(f"/api/posts/{post_id}/schedule", json={"at": slot["at"]},
                            headers=headers).json()
    assert scheduled["stage"] == "scheduled"
    assert datetime.fromisoformat(scheduled["scheduled_at"]) == datetime.fromisoformat(slot["at"])
    schema = client.get("/openapi.json").json()["paths"]
    for path in ("/api/check", "/api/posts", "/api/posts/{post_id}/schedule",
                 "/api/posts/{post_id}/publish-now"):
        assert path in schema
    assert "/compose" not in schema


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client: TestClient, alt: str = "") -> str:
    response = client.post("/compose/images", data={"alt": alt},
                           files={"file": ("door.png", PNG, "image/png")},
                           headers={"X-CSRF-Token": csrf(client), "HX-Request": "true"})
    assert response.status_code == 200, response.text
    name = re.search(r'name="image" value="([0-9a-f]{32}\.png)"', response.text)
    assert name is not None and 'form="compose-form"' in response.text
    return name.group(1)


def test_an_image_is_saved_with_its_alt_text(web: Web) -> None:
    client = web.client_for(EDITOR)
    name = upload(client, "The clinic's front door")
    assert client.get(f"/compose/images/{name}").content == PNG
    fields = {"text": CLEAN, "action": "draft", "image": name, f"alt.{name}": "   "}
    refused = post_form(client, "/compose", fields)
    assert refused.status_code == 422 and "every image needs alt text" in refused.text
    assert publish.list_posts(web.store, web.owner) == []
    saved = post_form(client, "/compose", {**fields, f"alt.{name}": "The clinic's front door"})
    post = publish.get_post(web.store, web.owner, created_id(saved))
    assert [i["alt"] for i in post.images] == ["The clinic's front door"]
    page = client.get(f"/compose/{post.id}").text
    assert f'value="{name}"' in page and "The clinic&#39;s front door" in page
    other = web.client_for(OTHER_OWNER)
    assert other.get(f"/compose/images/{name}").status_code == 404
    hijack = other.post("/api/posts", json={"text": CLEAN, "images": [
        {"name": name, "alt": "stolen"}]}, headers={"X-CSRF-Token": csrf(other)})
    assert hijack.status_code == 404


def test_only_images_are_accepted(web: Web) -> None:
    client = web.client_for(EDITOR)
    response = client.post("/api/images", files={"file": ("x.svg", b"<svg onload=alert(1)>",
                                                          "image/svg+xml")},
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 422 and "not a PNG" in response.json()["error"]
    ok = client.post("/api/images", files={"file": ("door.png", PNG, "image/png")},
                     headers={"X-CSRF-Token": csrf(client)})
    assert ok.status_code == 201 and ok.json()["mime"] == "image/png"
    reviewer = web.client_for(REVIEWER)
    refused = reviewer.post("/api/images", files={"file": ("door.png", PNG, "image/png")},
                            headers={"X-CSRF-Token": csrf(reviewer)})
    assert refused.status_code == 403 and "does not allow" in refused.json()["error"]


def test_the_live_check_counts_images_against_each_networks_maximum(web: Web,
                                                                     bluesky: int) -> None:
    client = web.client_for(EDITOR)
    names = [f"{i:032x}.png" for i in range(5)]  # counted as sent; kept ones resolve on save
    html = post_form(client, "/compose/check", {"text": CLEAN, "account": [str(bluesky)],
                                                "image": names}, htmx=True).text
    assert "5 / 4 images" in html and "over the limit" in html


def test_best_hours_from_history_fill_the_time_picker(web: Web, tmp_path: Path) -> None:
    client = web.client_for(EDITOR)
    assert 'id="best-time"' not in client.get("/compose/best-hours").text  # no history, no hint
    start = datetime(2026, 6, 1, tzinfo=ZONE)  # a Monday, within the last year
    posts = []
    for week in range(6):
        for day, hour, likes in ((3, 13, 40), (0, 17, 10), (4, 8, 12)):
            at = (start + timedelta(weeks=week, days=day)).replace(hour=hour)
            posts.append({"id": f"outbox:b{len(posts)}", "url": f"outbox://lakeside/b{len(posts)}",
                          "published_at": at.astimezone(UTC).isoformat(),
                          "text": "Wash your hands: flu season is here.", "reply_to": None,
                          "metrics": {"likes": likes}})
    export = tmp_path / "history.json"
    export.write_text(json.dumps({"format": "bedside-outbox-archive", "version": 1,
                                  "handle": "lakeside", "exported_at": start.isoformat(),
                                  "posts": posts}))
    archive.import_archive(web.store, web.owner, "lakeside", export,
                           networks=lambda name: get_network(
                               name, NetworkContext(data_dir=web.settings.data_dir)))
    page = client.get("/compose")  # the hint is fetched once the page is shown
    lazy = ('hx-get="/compose/best-hours" hx-include=".account-choice" hx-trigger="load" '
            'hx-target="this"')
    assert lazy in page.text
    hint = re.search(r'id="best-time">(.*?)</p>', client.get(
        "/compose/best-hours", params={"account": str(outbox_id(web))},
        headers={"HX-Request": "true"}).text, re.S)
    assert hint is not None and ">Thu 13:00</button>" in hint.group(1)
    assert "Mon 17:00" not in hint.group(1)  # below the account's usual
    picked = client.get("/compose/best-slot", params={"weekday": 3, "hour": 13,
                                                      "account": str(outbox_id(web))},
                        headers={"HX-Request": "true"})
    value = re.search(r'name="at" type="datetime-local" value="([^"]+)"', picked.text)
    assert value is not None
    slot = datetime.strptime(value.group(1), "%Y-%m-%dT%H:%M").replace(tzinfo=ZONE)
    assert (slot.weekday(), slot.hour, slot.minute) == (3, 13, 0)
    assert timedelta(0) < slot - datetime.now(ZONE) <= timedelta(days=7, minutes=5)
    wrong = client.get("/compose/best-slot", params={"weekday": 9, "hour": 13},
                       headers={"HX-Request": "true"})
    assert wrong.status_code == 422 and "not a weekday" in wrong.text
    api = client.get("/api/best-hours", params={"account": outbox_id(web)}).json()
    assert api["hours"][0] == {"weekday": 3, "hour": 13, "label": "Thu 13:00",
                               "lift": api["hours"][0]["lift"], "posts": 6}
    assert api["hours"][0]["lift"] > 1.5
    stranger = web.client_for(OTHER_OWNER)
    assert stranger.get("/api/best-hours").json()["hours"] == []
    assert stranger.get("/api/best-hours", params={"account": outbox_id(web)}).status_code == 404
