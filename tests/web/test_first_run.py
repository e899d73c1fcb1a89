"""First run on both backends: the owner, the practice (form or TOML), the strategy (form with
errors beside their fields, or a file), and "try with sample data" in a workspace of its own."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import EDITOR, PASSWORD, Web, csrf

from bedside.services import plan, publish, users, workspaces
from bedside.store import Store

EXAMPLES = Path(__file__).parents[2] / "examples"
XSS = '<img src=x onerror="alert(1)">'


def start(app: FastAPI) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    return client


def create_owner(client: TestClient, email: str = "anita@lakeside.example") -> None:
    response = client.post("/setup", data={"email": email, "password": PASSWORD,
                                           "confirm": PASSWORD, "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/setup/practice"


def fill_practice(client: TestClient, name: str = "Lakeside Family Medicine") -> None:
    response = client.post("/setup/practice", data={
        "name": name, "specialty": "family medicine", "timezone": "America/Chicago",
        "phones": "(555) 010-2000\n\n555-010-2001", "staff": "Dr. Anita Patel\nKim Ortiz, RN",
        "websites": "https://lakesidefm.example", "csrf_token": csrf(client)},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/setup/strategy"


def test_a_fresh_install_leads_through_first_run(app: FastAPI, store: Store) -> None:
    client = start(app)
    assert client.get("/", follow_redirects=False).headers["location"] == "/setup"
    assert client.get("/signin", follow_redirects=False).headers["location"] == "/setup"
    token = csrf(client)
    differ = client.post("/setup", data={"email": "anita@lakeside.example",
                                         "password": PASSWORD, "confirm": PASSWORD + "x",
                                         "csrf_token": token})
    assert differ.status_code == 422 and "the two passwords differ" in differ.text
    short = client.post("/setup", data={"email": "anita@lakeside.example", "password": "short",
                                        "confirm": "short", "csrf_token": token})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    create_owner(client)
    assert client.get("/", follow_redirects=False).headers["location"] == "/setup/practice"
    page = client.get("/setup/practice")
    assert page.status_code == 200 and "Try with sample data" in page.text
    fill_practice(client, name=f"Lakeside {XSS}")

    actor = workspaces.actor_for(store, "anita@lakeside.example")
    practice = workspaces.practice_of(workspaces.workspace(store, actor))
    assert practice.staff == ("Dr. Anita Patel", "Kim Ortiz, RN")
    assert practice.phones == ("(555) 010-2000", "555-010-2001")
    assert workspaces.workspace(store, actor).timezone == "America/Chicago"
    home = client.get("/").text
    assert XSS not in home and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in home

    # Nobody else can become the owner now, signed in or not.
    stranger = start(app)
    again = stranger.post("/setup", data={"email": "mallory@x.example", "password": PASSWORD,
                                          "confirm": PASSWORD, "csrf_token": csrf(stranger)})
    assert again.status_code == 422 and "already has an owner" in again.text
    assert stranger.get("/setup", follow_redirects=False).headers["location"] == "/signin"


def test_the_strategy_form_shows_each_error_beside_its_field(app: FastAPI, store: Store) -> None:
    client = start(app)
    create_owner(client)
    fill_practice(client)
    page = client.get("/setup/strategy")
    assert page.status_code == 200
    assert 'name="review_date"' in page.text and 'value="America/Chicago"' in page.text
    bad = client.post("/setup/strategy", data={
        "csrf_token": csrf(client), "networks": ["facebook", "x"], "timezone": "Mars/Base",
        "audience.who": "Parents nearby", "audience.age_band": "abc",
        "goals[0].metric": "followers", "goals[0].target": "lots", "goals[0].by": "2027-01-31",
        "cadence.x.min_per_week": "5", "cadence.x.max_per_week": "2",
        "review_date": "2027-06-30"})
    assert bad.status_code == 422
    html = bad.text
    for field_id, message in (
            ("timezone", '"Mars/Base" is not a time zone'),
            ("audience-age_band", '"abc" is not an age band'),
            ("goals-0-target", 'must be a number, not "lots"'),
            ("cadence-x-max_per_week", "must be ≥ min_per_week (5)")):
        error = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', html)
        assert error is not None, field_id
        assert message in error.group(1).replace("&#34;", '"'), field_id
        assert f'id="{field_id}"' in html and f'aria-describedby="{field_id}-error"' in html
    assert 'value="Parents nearby"' in html  # what was typed is kept
    assert not plan.has_strategy(store, workspaces.actor_for(store))

    good = client.post("/setup/strategy", data={
        "csrf_token": csrf(client), "networks": ["facebook", "x"],
        "timezone": "America/Chicago", "audience.who": "Parents nearby",
        "audience.age_band": "30-64", "audience.needs": "vaccines\nsick-day advice",
        "goals[0].metric": "followers", "goals[0].network": "facebook",
        "goals[0].target": "1500", "goals[0].by": "2027-01-31",
        "cadence.x.min_per_week": "2", "cadence.x.max_per_week": "5",
        "max_promotional_share": "0.2", "quiet_hours.start": "21:00",
        "quiet_hours.end": "07:00", "review_date": "2027-06-30"}, follow_redirects=False)
    assert good.status_code == 303, good.text
    saved = plan.get_strategy(store, workspaces.actor_for(store))
    assert saved.networks == ["facebook", "x"] and saved.audience.needs == [
        "vaccines", "sick-day advice"]
    assert saved.goals[0].target == 1500 and saved.cadence["x"].max_per_week == 5
    assert saved.cadence["facebook"].min_per_week == 2  # left blank: the suggested band


def test_profile_and_strategy_files_can_be_imported(app: FastAPI, store: Store) -> None:
    client = start(app)
    create_owner(client)
    broken = client.post("/setup/practice/import", data={"csrf_token": csrf(client)},
                         files={"profile": ("p.toml", b"[practice\nname=", "text/plain")})
    assert broken.status_code == 422 and "not valid TOML" in broken.text
    profile = (EXAMPLES / "practice.toml").read_bytes()
    done = client.post("/setup/practice/import", data={"csrf_token": csrf(client)},
                       files={"profile": ("practice.toml", profile, "text/plain")},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/setup/strategy"
    actor = workspaces.actor_for(store)
    assert "Dr. Marcus Lee" in workspaces.practice_of(workspaces.workspace(store, actor)).staff
    wrong = client.post("/setup/strategy/import", data={"csrf_token": csrf(client)},
                        files={"strategy": ("s.toml", b'networks = ["twitter"]', "text/plain")})
    assert wrong.status_code == 422 and "(write &#34;x&#34; for Twitter)" in wrong.text
    strategy = (EXAMPLES / "strategy.toml").read_bytes()
    saved = client.post("/setup/strategy/import", data={"csrf_token": csrf(client)},
                        files={"strategy": ("strategy.toml", strategy, "text/plain")},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert plan.get_strategy(store, actor).networks == ["facebook", "instagram", "linkedin"]


def test_sample_data_lives_in_its_own_workspace(app: FastAPI, store: Store) -> None:
    client = start(app)
    create_owner(client)
    fill_practice(client)
    real = workspaces.actor_for(store)
    tried = client.post("/setup/demo", data={"csrf_token": csrf(client)},
                        follow_redirects=False)
    assert tried.status_code == 303
    home = client.get("/").text
    assert "Maple Street Pediatrics (sample)" in home and "Sample data" in home
    demo = users.workspaces_of(store, real.user_id)
    assert [(w.name, w.is_demo) for w in demo] == [
        ("Lakeside Family Medicine", False), ("Maple Street Pediatrics (sample)", True)]
    demo_actor = workspaces.actor_for(store, real.email, demo[1].slug)
    stages = [p.stage for p in publish.list_posts(store, demo_actor)]
    assert stages.count("published") >= 30 and "scheduled" in stages
    assert "blocked" in stages and "awaiting sign-off" in stages
    assert publish.list_posts(store, real) == []  # never mixed into the real practice
    # Asking again returns the same demo; switching back shows the real practice.
    client.post("/setup/demo", data={"csrf_token": csrf(client)})
    assert len(users.workspaces_of(store, real.user_id)) == 2
    back = client.post("/workspace", data={"workspace_id": str(real.workspace_id),
                                           "csrf_token": csrf(client)})
    assert back.status_code == 200 and "Sample data" not in back.text


def test_a_practice_made_with_the_cli_is_claimed_by_its_owner(app: FastAPI,
                                                              store: Store) -> None:
    workspaces.init_workspace(store, profile_toml='[practice]\nname = "Lakeside"\n',
                              owner_email="anita@lakeside.example")
    client = start(app)
    other = client.post("/setup", data={"email": "mallory@x.example", "password": PASSWORD,
                                        "confirm": PASSWORD, "csrf_token": csrf(client)})
    assert other.status_code == 422 and "use its owner" in other.text
    owner = client.post("/setup", data={"email": "Anita@Lakeside.example",
                                        "password": PASSWORD, "confirm": PASSWORD,
                                        "csrf_token": csrf(client)}, follow_redirects=False)
    assert owner.status_code == 303 and owner.headers["location"] == "/"
    assert "Lakeside" in client.get("/").text


def test_only_a_manager_sets_the_strategy(web: Web) -> None:
    editor = web.client_for(EDITOR)
    assert editor.get("/setup/strategy").status_code == 403
    refused = editor.post("/setup/strategy", data={"csrf_token": csrf(editor),
                                                   "networks": ["x"]})
    assert refused.status_code == 403
    assert not plan.has_strategy(web.store, web.owner)
    assert editor.get("/setup/practice", follow_redirects=False).headers["location"] == "/"
