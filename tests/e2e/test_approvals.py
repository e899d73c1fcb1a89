"""Sign-off in a real browser: a draft that keeps a patient's name reaches the reviewer with the
name highlighted; approval is refused until each blocking finding is overridden with a reason;
once cleared, the draft is scheduled, held for sign-off and approved; the override is in the
audit log with its reason. A rejection carries its note."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

ZONE = ZoneInfo("America/Chicago")  # the practice's clock
KEPT = "Eleanor Whitaker agreed to share her story: she walks every day since her heart surgery."
REASON = "Written HIPAA authorization from the patient is on file (signed at the front desk)."


def write_draft(page: Page, base: str, account: str, text: str) -> int:
    page.goto(base + "/compose")
    page.get_by_role("checkbox", name=re.compile(re.escape(f"outbox:{account}"))).check()
    page.get_by_label("Post text").fill(text)
    page.get_by_role("button", name="Request review").click()
    expect(page).to_have_url(re.compile(r"/compose/\d+\?done=review$"))
    return int(re.search(r"/compose/(\d+)", page.url).group(1))  # type: ignore[union-attr]


def test_override_with_a_reason_then_approve(new_page: Callable[[], Page], site: Any,
                                             sign_in: Callable[..., None]) -> None:
    base = site.base_url
    editor = new_page()
    sign_in(editor, base, site.editor)
    post_id = write_draft(editor, base, site.account, KEPT)
    expect(editor.locator("h1 .badge")).to_have_text("blocked")

    reviewer = new_page()
    sign_in(reviewer, base, site.reviewer)
    reviewer.goto(base + "/approvals")
    item = reviewer.locator(f"#post-{post_id}")
    expect(item.locator("mark.finding.block", has_text="Eleanor Whitaker").first).to_be_visible()
    approve = item.get_by_role("button", name=re.compile("^Approve version"))
    expect(approve).to_be_disabled()

    # Override every blocking rule, each with the reason (one form per rule).
    for _ in range(10):
        forms = reviewer.locator(f"#post-{post_id} form.override")
        if forms.count() == 0:
            break
        form = forms.first
        form.get_by_role("textbox").fill(REASON)
        form.get_by_role("button", name=re.compile("^Override")).click()
        expect(reviewer).to_have_url(re.compile(r"/approvals"))
    expect(reviewer.get_by_role("status")).to_contain_text("overridden")
    # Cleared of its blocks, the draft still waits for the sign-off its author asked for.
    item = reviewer.locator(f"#post-{post_id}")
    expect(item.get_by_text("overridden").first).to_be_visible()
    item.get_by_role("button", name=re.compile("^Approve version")).click()
    expect(reviewer.locator(f"#post-{post_id}")).to_have_count(0)

    # Signed off, the version is scheduled without waiting again.
    editor.goto(f"{base}/compose/{post_id}")
    at = (datetime.now(ZONE) + timedelta(days=2)).replace(hour=10, minute=0)
    editor.locator("#at").fill(at.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_role("button", name="Schedule", exact=True).click()
    expect(editor.locator("h1 .badge")).to_have_text("scheduled")

    # The owner finds the override and its reason in the audit log.
    owner = new_page()
    sign_in(owner, base, site.owner)
    owner.goto(f"{base}/settings/audit?post={post_id}")
    overrides = owner.locator("tr", has_text="override")
    expect(overrides.first).to_contain_text(REASON)
    expect(overrides.first).to_contain_text(site.reviewer)


def test_reject_with_a_note(new_page: Callable[[], Page], site: Any,
                            sign_in: Callable[..., None]) -> None:
    base = site.base_url
    editor = new_page()
    sign_in(editor, base, site.editor)
    post_id = write_draft(editor, base, site.account, KEPT.replace("Eleanor", "Margaret"))

    reviewer = new_page()
    sign_in(reviewer, base, site.reviewer)
    reviewer.goto(base + "/approvals")
    item = reviewer.locator(f"#post-{post_id}")
    item.get_by_label("Why it is rejected").fill("No authorization on file: ask her first.")
    item.get_by_role("button", name="Reject").click()
    expect(reviewer.get_by_role("status")).to_be_visible()

    owner = new_page()
    sign_in(owner, base, site.owner)
    owner.goto(f"{base}/settings/audit?post={post_id}")
    expect(owner.locator("tr", has_text="reject").first).to_contain_text(
        "No authorization on file")
