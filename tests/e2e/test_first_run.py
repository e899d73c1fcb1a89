"""First run and sign-in in a real browser against `bedside serve`: the owner's account, the
practice profile, the strategy, then signing out and in again (and a wrong password refused);
"try with sample data" instead makes only the separate demo practice."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from playwright.sync_api import Page, expect

from bedside.services import plan, users, workspaces
from bedside.store import open_store

OWNER = "anita@lakeside.example"
PASSWORD = "correct horse battery"


def test_first_run_creates_owner_practice_and_strategy(page: Page, fresh_server: Any,
                                                        sign_in: Callable[..., None]) -> None:
    base = fresh_server.base_url
    page.goto(base + "/")
    expect(page).to_have_url(base + "/setup")
    expect(page.get_by_role("heading", name="Welcome to bedside")).to_be_visible()

    # Two different passwords: refused with the reason, nothing created.
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD + "!")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("alert")).to_contain_text("passwords differ")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()

    expect(page).to_have_url(base + "/setup/practice")
    page.get_by_label("Practice name").fill("Lakeside Family Medicine")
    page.get_by_label("Specialty").fill("family medicine")
    page.get_by_label("Time zone").fill("America/Chicago")
    page.get_by_label("Phone numbers").fill("(555) 010-2000")
    page.get_by_label("Staff").fill("Dr. Anita Patel\nKim Ortiz, RN")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(base + "/setup/strategy")
    for box in page.locator("input[name=networks]").all():  # the suggested ones, cleared
        box.uncheck()
    page.get_by_role("checkbox", name="facebook").check()
    page.get_by_role("checkbox", name="mastodon").check()
    page.get_by_label("Time zone").fill("America/Chicago")
    page.get_by_label("Who the posts are for").fill("Families in Lakeside")
    page.locator("#goals-0-metric").select_option("followers")
    page.locator("#goals-0-network").select_option("facebook")
    page.locator("#goals-0-target").fill("1500")
    page.locator("#goals-0-by").fill("2027-06-30")
    page.get_by_label("Most promotional share").fill("0.2")
    page.get_by_label("Review this strategy on").fill("2027-06-30")
    page.get_by_role("button", name="Save the strategy").click()

    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("heading", name="Lakeside Family Medicine")).to_be_visible()
    expect(page.get_by_text("This practice has no strategy yet")).to_have_count(0)

    # What the browser did is what the services see.
    store = open_store(fresh_server.settings)
    try:
        actor = workspaces.actor_for(store, OWNER)
        saved = plan.get_strategy(store, actor)
        assert sorted(saved.networks) == ["facebook", "mastodon"]
        assert saved.goals[0].target == 1500 and saved.max_promotional_share == 0.2
    finally:
        store.dispose()

    # Signed out, the dashboard asks for a sign-in; a wrong password is refused.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base + "/signin")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    sign_in(page, base, OWNER)
    expect(page.get_by_role("heading", name="Lakeside Family Medicine")).to_be_visible()


def test_a_reviewer_signs_in_and_is_offered_review_not_the_composer(page: Page, site: Any,
                                               sign_in: Callable[..., None]) -> None:
    base = site.base_url
    page.goto(base + "/")
    expect(page).to_have_url(base + "/signin")
    sign_in(page, base, site.reviewer)
    expect(page.get_by_text(site.reviewer)).to_be_visible()
    # A reviewer sees Approvals but is not offered the composer.
    main = page.locator("main")
    expect(main.get_by_role("link", name="Review")).to_be_visible()
    expect(main.get_by_role("link", name="Compose", exact=True)).to_have_count(0)


def test_try_with_sample_data_opens_a_separate_demo(page: Page, fresh_server: Any) -> None:
    base = fresh_server.base_url
    page.goto(base + "/setup")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("button", name="Try with sample data").click()

    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("note")).to_contain_text("Sample data")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(sample)")
    page.get_by_role("link", name="Calendar", exact=True).click()
    expect(page.locator("li.post-card").first).to_be_visible()

    # The sample history did best on Tuesday mornings: the composer says so once it is shown,
    # and a click puts the next Tuesday 09:00 in the time picker.
    page.get_by_role("link", name="Compose", exact=True).click()
    best = page.get_by_role("button", name="Tue 09:00")
    expect(best).to_be_visible()
    best.click()
    expect(page.locator("#at")).to_have_value(re.compile(r"T09:00$"))
    picked = datetime.strptime(page.locator("#at").input_value(), "%Y-%m-%dT%H:%M")
    assert picked.weekday() == 1

    store = open_store(fresh_server.settings)
    try:
        assert [(w.is_demo, w.slug.endswith("-demo")) for w in
                users.workspaces_of(store, users.authenticate(store, OWNER, PASSWORD).user_id)
                ] == [(True, True)]  # only the demo: no real practice was made
    finally:
        store.dispose()
