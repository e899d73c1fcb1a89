"""The main path in a real browser: an editor writes a post naming a patient, sees the blocking
finding highlighted as they type, applies the suggested rewrite, schedules it; it shows on the
calendar; a reviewer approves it; it is published to the outbox by the worker inside
`bedside serve`, and the queue lists it as published."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

ZONE = ZoneInfo("America/Chicago")  # the practice's clock (conftest PROFILE)
DRAFT = ("Eleanor Whitaker asked when flu shots arrive: walk in any weekday morning, "
         "no appointment needed.")


def outbox_texts(site: Any) -> list[str]:
    """What the outbox network holds for the practice's account (its own SQLite file)."""
    path = site.server.settings.data_dir / "outbox.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute(
            "SELECT text FROM posts WHERE handle = ?", (site.account,))]


def open_composer(page: Page, base: str, account: str) -> None:
    page.goto(base + "/compose")
    page.get_by_role("checkbox", name=re.compile(re.escape(f"outbox:{account}"))).check()


def test_compose_fix_schedule_approve_publish(new_page: Callable[[], Page], site: Any,
                                              sign_in: Callable[..., None]) -> None:
    base = site.base_url
    editor = new_page()
    sign_in(editor, base, site.editor)
    open_composer(editor, base, site.account)

    # Typing (not a form post): the live region highlights the name and offers a rewrite.
    editor.get_by_label("Post text").press_sequentially(DRAFT, delay=2)
    name = editor.locator("#live mark.finding.block", has_text="Eleanor Whitaker")
    expect(name).to_be_visible()
    expect(editor.locator("#live-summary")).to_contain_text("Blocking findings")
    finding = editor.locator("#live li.finding-item.block", has_text="Eleanor Whitaker")
    expect(finding).to_contain_text("Rule source:")
    expect(finding).to_contain_text("HIPAA")
    assert editor.url.endswith("/compose")  # no page load so far

    finding.get_by_role("button", name=re.compile("^Replace with")).click()
    expect(editor.get_by_label("Post text")).not_to_have_value(re.compile("Whitaker"))
    expect(editor.locator("#live mark.finding.block")).to_have_count(0)
    expect(editor.locator("#live-summary")).not_to_contain_text("Blocking")
    fixed = editor.get_by_label("Post text").input_value()
    assert "flu shots" in fixed and "Eleanor" not in fixed

    # Schedule a few minutes ahead on the practice's clock: held for the reviewer's sign-off.
    at = (datetime.now(ZONE) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    editor.locator("#at").fill(at.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_role("button", name="Schedule", exact=True).click()
    expect(editor).to_have_url(re.compile(r"/compose/\d+\?done=held$"))
    post_id = int(re.search(r"/compose/(\d+)", editor.url).group(1))  # type: ignore[union-attr]
    expect(editor.locator("h1 .badge")).to_have_text("awaiting sign-off")

    # The calendar shows it on its day.
    editor.goto(base + "/calendar")
    expect(editor.locator("main").get_by_text("flu shots", exact=False).first).to_be_visible()

    # The reviewer sees its findings (none left blocking) and approves it.
    reviewer = new_page()
    sign_in(reviewer, base, site.reviewer)
    reviewer.goto(base + "/approvals")
    item = reviewer.locator(f"#post-{post_id}")
    expect(item).to_contain_text("flu shots")
    item.get_by_role("button", name=re.compile("^Approve version")).click()
    expect(reviewer.locator(f"#post-{post_id}")).to_have_count(0)
    assert not any("flu shots" in t for t in outbox_texts(site))  # approved, not yet due

    # Ready early: the editor publishes it now; the worker in `bedside serve` sends it.
    editor.goto(base + f"/compose/{post_id}")
    expect(editor.locator("h1 .badge")).to_have_text("scheduled")
    editor.get_by_role("button", name="Publish now").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("flu shots" in t for t in outbox_texts(site)):
        time.sleep(0.3)
    sent = [t for t in outbox_texts(site) if "flu shots" in t]
    assert sent == [fixed.strip()] or sent == [fixed], sent
    editor.goto(base + f"/compose/{post_id}")
    expect(editor.locator("h1 .badge")).to_have_text("published", timeout=20_000)

    # The queue lists it in the account's history as published.
    editor.goto(base + "/queue")
    row = editor.locator("tr", has_text=f"(post {post_id})")
    expect(row.locator(".badge")).to_have_text("published")
