"""The calendar on both backends: month and week views, drag-reschedule, gauge, observances,
roles, CSRF, isolation and escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from web_helpers import EDITOR, OTHER_OWNER, OWNER, REVIEWER, Web, csrf

from bedside.services import accounts, agenda, publish
from bedside.web.observances import observances_between

ZONE = ZoneInfo("America/Chicago")
SAFE = "Flu shots are in. Wash your hands often and stay home when you are sick."
PROMO = "Book now: 20% off our new skin care package, limited offer, call today!"
XSS = '<script>alert("x")</script> Flu clinic <img src=x onerror=alert(1)>'


def _at(days: int, hour: int = 10) -> datetime:
    day = datetime.now(ZONE).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZONE)


def _scheduled(web: Web, text: str, at: datetime, to: str = "lakeside") -> publish.PostView:
    post = publish.compose(web.store, web.owner, text, to=[to])
    return publish.schedule(web.store, web.owner, post.id, at)


def test_month_and_week_views_show_posts_coloured_by_account(web: Web) -> None:
    second = accounts.add_account(web.store, web.settings, web.owner, network="outbox",
                                  handle="drpatel", kind="personal")
    at = _at(9)
    first = _scheduled(web, SAFE, at)
    other = _scheduled(web, "Hand washing matters in winter.", at + timedelta(hours=2),
                       to="drpatel")
    client = web.client_for(OWNER)
    month = client.get(f"/calendar?view=month&day={at.date().isoformat()}")
    assert month.status_code == 200
    assert at.strftime("%B %Y") in month.text
    assert "Flu shots are in." in month.text and "Hand washing" in month.text
    assert f'data-post="{first.id}"' in month.text and 'draggable="true"' in month.text
    assert "border-left-color: #0b5cad" in month.text
    assert "border-left-color: #1d6b3a" in month.text
    week = client.get(f"/calendar?view=week&day={at.date().isoformat()}")
    assert week.status_code == 200 and "Week of" in week.text
    assert f'data-date="{at.date().isoformat()}" data-hour="10"' in week.text
    only = client.get(f"/calendar?view=month&day={at.date().isoformat()}&account={second.id}")
    assert "Hand washing" in only.text and "Flu shots" not in only.text
    api = client.get(f"/api/calendar?view=week&day={at.date().isoformat()}").json()
    assert {(e["post_id"], e["account"]) for e in api["entries"]} == {
        (first.id, "outbox:lakeside"), (other.id, "outbox:drpatel")}
    assert all(e["state"] == "scheduled" and e["movable"] for e in api["entries"])


def test_published_posts_show_with_their_link(web: Web) -> None:
    post = _scheduled(web, SAFE, _at(2))
    with web.store.session() as s:
        from bedside.store.models import Publication

        row = s.query(Publication).filter_by(post_id=post.id).one()
        row.state, row.published_at = "published", datetime.now(UTC) - timedelta(days=1)
        row.due_at = row.published_at - timedelta(seconds=20)
        row.remote_url = "https://outbox.example/lakeside/1"
    client = web.client_for(OWNER)
    day = (datetime.now(ZONE) - timedelta(days=1)).date().isoformat()
    page = client.get(f"/calendar?view=week&day={day}")
    assert "published" in page.text and 'href="https://outbox.example/lakeside/1"' in page.text
    assert f'data-post="{post.id}"' not in page.text  # gone out: not draggable


def test_drag_reschedule_moves_the_post_through_the_scheduler(web: Web) -> None:
    at = _at(5)
    post = _scheduled(web, SAFE, at)
    client = web.client_for(EDITOR)
    target = at + timedelta(days=2, hours=3)
    response = client.post("/calendar/move", data={
        "post_id": str(post.id), "at": target.strftime("%Y-%m-%dT%H:%M"), "view": "week",
        "day": target.date().isoformat(), "account": ""},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf(client)})
    assert response.status_code == 200, response.text
    assert f"Post {post.id} moved." in response.text and "<html" not in response.text
    moved = publish.get_post(web.store, web.owner, post.id)
    assert moved.scheduled_at == target.astimezone(UTC)
    assert [r.due_at for r in moved.ledger if r.state == "scheduled"] == [target.astimezone(UTC)]
    plain = client.post("/calendar/move", data={
        "post_id": str(post.id), "at": target.replace(hour=22).strftime("%Y-%m-%dT%H:%M"),
        "view": "week", "csrf_token": csrf(client)}, follow_redirects=False)
    assert plain.status_code == 303  # 22:00 in Chicago is the next day in UTC: the local day
    assert plain.headers["location"] == f"/calendar?view=week&day={target.date().isoformat()}"
    api = client.post("/api/calendar/move", json={"post_id": post.id,
                                                  "at": at.isoformat()},
                      headers={"X-CSRF-Token": csrf(client)})
    assert api.status_code == 200 and api.json()["scheduled_at"] == at.astimezone(UTC).isoformat()


def test_moving_needs_csrf_and_the_schedule_role(web: Web) -> None:
    at = _at(5)
    post = _scheduled(web, SAFE, at)
    target = (at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    editor = web.client_for(EDITOR)
    refused = editor.post("/calendar/move", data={"post_id": str(post.id), "at": target})
    assert refused.status_code == 403 and "reload the page" in refused.text
    reviewer = web.client_for(REVIEWER)
    denied = reviewer.post("/api/calendar/move", json={"post_id": post.id, "at": target},
                           headers={"X-CSRF-Token": csrf(reviewer)})
    assert denied.status_code == 403 and "does not allow" in denied.json()["error"]
    assert publish.get_post(web.store, web.owner, post.id).scheduled_at == at.astimezone(UTC)
    page = reviewer.get(f"/calendar?day={at.date().isoformat()}")
    assert page.status_code == 200 and "Flu shots" in page.text
    assert 'draggable="true"' not in page.text  # a reviewer sees, cannot move


def test_a_past_time_is_refused_with_a_friendly_message(web: Web) -> None:
    post = _scheduled(web, SAFE, _at(5))
    client = web.client_for(OWNER)
    past = _at(-3).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/calendar/move", data={"post_id": str(post.id), "at": past},
                           headers={"HX-Request": "true", "X-CSRF-Token": csrf(client)})
    assert response.status_code == 422 and "has passed" in response.text
    assert response.headers["HX-Retarget"] == "#flash"


def test_another_practice_sees_nothing_and_moves_nothing(web: Web) -> None:
    at = _at(4)
    post = _scheduled(web, SAFE, at)
    other = web.client_for(OTHER_OWNER)
    page = other.get(f"/calendar?view=month&day={at.date().isoformat()}")
    assert page.status_code == 200 and "Flu shots" not in page.text
    assert other.get(f"/api/calendar?day={at.date().isoformat()}").json()["entries"] == []
    moved = other.post("/api/calendar/move", json={"post_id": post.id,
                                                   "at": (at + timedelta(days=1)).isoformat()},
                       headers={"X-CSRF-Token": csrf(other)})
    assert moved.status_code == 404
    account_id = accounts.find_account(web.store, web.owner, "lakeside").id
    assert other.get(f"/calendar?account={account_id}").status_code == 422
    assert publish.get_post(web.store, web.owner, post.id).scheduled_at == at.astimezone(UTC)


def test_promotional_gauge_against_the_strategy_maximum(web: Web) -> None:
    at = _at(3)
    promo = _scheduled(web, PROMO, at)
    assert promo.promotional
    _scheduled(web, SAFE, at + timedelta(hours=1))
    client = web.client_for(OWNER)
    data = client.get(f"/api/calendar?view=week&day={at.date().isoformat()}").json()
    assert data["promotional"] == {"promotional": 1, "total": 2, "share": 0.5,
                                   "maximum": 0.2, "over": True}
    page = client.get(f"/calendar?view=week&day={at.date().isoformat()}").text
    assert "Promotional posts: 1 of 2 (50%), strategy maximum 20%" in page
    assert 'class="gauge over"' in page and "<svg" in page


def test_observances_are_shown_on_their_days(web: Web) -> None:
    client = web.client_for(OWNER)
    page = client.get("/calendar?view=month&day=2027-02-10").text
    assert "American Heart Month" in page  # the month, above the grid
    assert "World Cancer Day" in page and "National Wear Red Day" in page
    week = client.get("/api/calendar?view=week&day=2027-02-05").json()
    names = {o["name"]: o for o in week["observances"]}
    assert names["National Wear Red Day"]["first"] == "2027-02-05"  # first Friday of Feb 2027


def test_observance_rules() -> None:
    found = {o.name: o for o in observances_between(date(2027, 1, 1), date(2027, 12, 31))}
    assert found["World Kidney Day"].first == date(2027, 3, 11)  # 2nd Thursday of March
    assert found["Rare Disease Day"].first == date(2027, 2, 28)
    assert (found["National Women's Health Week"].first,
            found["National Women's Health Week"].last) == (date(2027, 5, 9), date(2027, 5, 15))
    assert found["Men's Health Week"].last == date(2027, 6, 20)  # Father's Day 2027
    assert found["World Immunization Week"].kind == "week"
    assert found["National Public Health Week"].first == date(2027, 4, 5)
    assert "National Influenza Vaccination Week" not in found  # no date in the source
    assert found["American Diabetes Month"].kind == "month"


def test_post_text_is_escaped(web: Web) -> None:
    at = _at(6)
    _scheduled(web, XSS, at)
    page = web.client_for(OWNER).get(f"/calendar?view=month&day={at.date().isoformat()}").text
    assert '<script>alert("x")</script>' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_the_agenda_reads_only_its_window(web: Web) -> None:
    inside, outside = _at(3), _at(40)
    a = _scheduled(web, SAFE, inside)
    _scheduled(web, SAFE, outside)
    found = agenda.entries(web.store, web.owner, inside - timedelta(days=1),
                           inside + timedelta(days=1))
    assert [e.post_id for e in found] == [a.id]
    assert agenda.entries(web.store, web.other, inside - timedelta(days=1),
                          inside + timedelta(days=1)) == []


def test_a_crowded_view_shows_the_first_posts_and_counts_them_all(
        web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from bedside.web.routes import calendar as calendar_routes

    monkeypatch.setattr(calendar_routes, "MAX_ENTRIES", 1)
    at = _at(3)
    first = _scheduled(web, SAFE, at)
    _scheduled(web, PROMO, at + timedelta(hours=1))
    client = web.client_for(OWNER)
    data = client.get(f"/api/calendar?view=week&day={at.date().isoformat()}").json()
    assert data["truncated"] is True and [e["post_id"] for e in data["entries"]] == [first.id]
    assert (data["promotional"]["promotional"], data["promotional"]["total"]) == (1, 2)
    page = client.get(f"/calendar?view=week&day={at.date().isoformat()}").text
    assert "Showing the first 1 posts of this week" in page


def test_a_crowded_day_in_the_month_links_to_its_week(web: Web,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from bedside.web.routes import calendar as calendar_routes

    monkeypatch.setattr(calendar_routes, "DAY_LIMIT", 2)
    at = _at(4, hour=8)
    posts = [_scheduled(web, f"Tip {n}: {SAFE}", at + timedelta(minutes=20 * n))
             for n in range(5)]
    client = web.client_for(OWNER)
    month = client.get(f"/calendar?view=month&day={at.date().isoformat()}").text
    assert f'data-post="{posts[0].id}"' in month and f'data-post="{posts[1].id}"' in month
    assert all(f'data-post="{p.id}"' not in month for p in posts[2:])
    more = f'href="/calendar?view=week&day={at.date().isoformat()}">+3 more on '
    assert more in month
    week = client.get(f"/calendar?view=week&day={at.date().isoformat()}").text
    assert all(f'data-post="{p.id}"' in week for p in posts)  # the week shows them all
