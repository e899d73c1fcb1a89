"""The queue in a real browser: a post the network refuses shows as failed with the network's
reason, and a post still planned shows as upcoming, each under its own account."""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from bedside import worker
from bedside.services import accounts, publish, workspaces
from bedside.store import open_store

REFUSED = "refused-desk"  # an outbox account whose `reject` knob refuses every post
REASON = "this account may not post health claims"


def test_queue_shows_failures_with_their_reason(page: Page, site: Any,
                                                sign_in: Callable[..., None]) -> None:
    store = open_store(site.server.settings)
    try:
        owner = workspaces.actor_for(store, site.owner)
        reviewer = workspaces.actor_for(store, site.reviewer)
        account = accounts.add_account(store, site.server.settings, owner, network="outbox",
                                       handle=REFUSED, kind="practice",
                                       options={"reject": REASON})
        refused = publish.compose(store, owner, "Hand-washing: 20 seconds, soap, every time.",
                                  to=[f"outbox:{REFUSED}"])
        publish.schedule(store, owner, refused.id, datetime.now(UTC))
        # Due now: handed to the worker's queue as the dashboard's approve does.
        publish.approve(store, reviewer, refused.id, enqueue=lambda ids, at: worker.enqueue(
            ids, at, settings=site.server.settings))
        later = publish.compose(store, owner, "Allergy season: keep windows closed on windy days.",
                                to=[f"outbox:{REFUSED}"])
        publish.schedule(store, owner, later.id, datetime.now(UTC) + timedelta(days=3))
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline:
            states = [r.state for r in publish.get_post(store, owner, refused.id).ledger]
            if states == ["failed"]:
                break
            clock.sleep(0.3)
        assert states == ["failed"], states
    finally:
        store.dispose()

    sign_in(page, site.base_url, site.editor)
    page.goto(site.base_url + "/queue")
    section = page.locator(f"#acct-{account.id}").locator("xpath=..")
    failed = section.locator("tr", has_text=f"(post {refused.id})")
    expect(failed.locator(".badge")).to_have_text("failed")
    expect(failed).to_contain_text(REASON)
    planned = section.locator("tr", has_text=f"(post {later.id})")
    expect(planned.locator(".badge")).to_have_text("awaiting sign-off")

    # Filtered by state, only the failure is left.
    page.get_by_label("Account").select_option(str(account.id))
    page.get_by_label("State").select_option("failed")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tr", has_text=f"(post {refused.id})")).to_be_visible()
    expect(page.locator("tr", has_text=f"(post {later.id})")).to_have_count(0)
