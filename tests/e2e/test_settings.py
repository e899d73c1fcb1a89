"""Settings in a real browser: the owner pauses an account with a reason and resumes it; adds a
member, changes their role (and the member's next page follows the new role), removes them and
finds both changes in the audit log; a reviewer sees the page without any management form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from bedside.services import accounts, workspaces
from bedside.store import open_store

PAUSED = "pause-desk"  # an outbox account of this test's own: the shared one stays active
WHY = "Dr. Patel is on leave until March"
MEMBER = "lee@lakeside.example"
FIRST_PASSWORD = "a first password for Lee"


def row_of(page: Page, table: str, first_cell: str) -> Any:
    """The row of the table whose first cell starts with this label (then a note, or nothing)."""
    starts = re.compile(rf"^\s*{re.escape(first_cell)}(\s|$)")
    return page.locator(f"{table} tbody tr").filter(
        has=page.locator("td:first-child", has_text=starts))


def account_row(page: Page, label: str) -> Any:
    return row_of(page, "#accounts", label)


def member_row(page: Page, email: str) -> Any:
    return row_of(page, "#members", email)


def test_pause_with_a_reason_then_resume(page: Page, site: Any,
                                         sign_in: Callable[..., None]) -> None:
    store = open_store(site.server.settings)
    try:
        owner = workspaces.actor_for(store, site.owner)
        account = accounts.add_account(store, site.server.settings, owner, network="outbox",
                                       handle=PAUSED, kind="practice")
    finally:
        store.dispose()

    sign_in(page, site.base_url, site.owner)
    page.goto(site.base_url + "/settings")
    row = account_row(page, account.label)
    expect(row.locator(".badge")).to_have_text("active")
    row.get_by_label("Reason").fill(WHY)
    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text(f"{account.label} is paused")
    row = account_row(page, account.label)
    expect(row.locator(".badge")).to_have_text("paused")
    expect(row.locator(".reason")).to_have_text(f"Why: {WHY}")
    # The shared account is untouched.
    expect(account_row(page, f"outbox:{site.account}").locator(".badge")).to_have_text("active")

    # The pause is what the services see, not only what the page shows.
    store = open_store(site.server.settings)
    try:
        seen = accounts.find_account(store, workspaces.actor_for(store, site.owner), account.id)
        assert (seen.status, seen.paused_reason) == ("paused", WHY)
    finally:
        store.dispose()

    row.get_by_role("button", name="Resume").click()
    expect(page.get_by_role("status")).to_contain_text(f"{account.label} is active again")
    row = account_row(page, account.label)
    expect(row.locator(".badge")).to_have_text("active")
    expect(row.locator(".reason")).to_have_count(0)
    expect(row.get_by_role("button", name="Pause")).to_be_visible()


def test_add_member_change_role_remove(new_page: Callable[[], Page], site: Any,
                                       sign_in: Callable[..., None]) -> None:
    base = site.base_url
    owner = new_page()
    sign_in(owner, base, site.owner)
    owner.goto(base + "/settings")

    add = owner.locator("form[action='/settings/members']")
    add.get_by_label("Email").fill(MEMBER)
    add.get_by_label("Role").select_option("editor")
    add.get_by_label("First password").fill(FIRST_PASSWORD)
    add.get_by_role("button", name="Add").click()
    expect(owner.get_by_role("status")).to_have_text(f"{MEMBER} can now sign in as editor.")
    row = member_row(owner, MEMBER)
    expect(row.get_by_label(f"Role of {MEMBER}")).to_have_value("editor")

    row.get_by_label(f"Role of {MEMBER}").select_option("reviewer")
    row.get_by_role("button", name="Change role").click()
    expect(owner.get_by_role("status")).to_have_text(f"{MEMBER} is now a reviewer.")
    expect(member_row(owner, MEMBER).get_by_label(f"Role of {MEMBER}")).to_have_value(
        "reviewer")
    # The other members kept their roles.
    expect(member_row(owner, site.editor).get_by_label(f"Role of {site.editor}")).to_have_value(
        "editor")

    # The member signs in with the first password and gets a reviewer's access.
    member = new_page()
    sign_in(member, base, MEMBER, FIRST_PASSWORD)
    member.goto(base + "/approvals")
    expect(member.get_by_role("heading", level=1)).to_have_text("Approvals")
    answer = member.goto(base + "/compose")
    assert answer is not None and answer.status == 403
    expect(member.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(member.get_by_role("alert")).to_contain_text("reviewer")

    member_row(owner, MEMBER).get_by_role("button", name=f"Remove {MEMBER}").click()
    expect(owner.get_by_role("status")).to_have_text(
        f"{MEMBER} is no longer a member of this practice.")
    expect(member_row(owner, MEMBER)).to_have_count(0)
    expect(member_row(owner, site.reviewer)).to_have_count(1)

    # Removed, the member's session no longer reaches the practice's approvals.
    answer = member.goto(base + "/approvals")
    assert answer is not None
    # (it lands on the first-run page for someone without a practice).
    expect(member).not_to_have_url(re.compile(r"/approvals$"))
    expect(member.get_by_role("heading", level=1, name="Approvals")).to_have_count(0)

    # The owner finds the role change and the removal in the audit log, filtered.
    owner.goto(base + "/settings/audit")
    owner.get_by_label("Action starts with").fill("member.")
    owner.get_by_role("button", name="Filter").click()
    expect(owner).to_have_url(re.compile(r"/settings/audit\?.*action=member\."))
    rows = owner.locator("table.data tbody tr")
    changed = rows.filter(has=owner.locator("code", has_text="member.role_changed"))
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(site.owner)
    expect(changed).to_contain_text("previous: editor")
    expect(changed).to_contain_text("role: reviewer")
    removed = rows.filter(has=owner.locator("code", has_text="member.removed"))
    expect(removed).to_have_count(1)
    expect(removed).to_contain_text("role: reviewer")
    # Only member.* actions are listed.
    for action in rows.locator("code").all_inner_texts():
        assert action.startswith("member."), action


def test_reviewer_sees_no_management_forms(page: Page, site: Any,
                                           sign_in: Callable[..., None]) -> None:
    sign_in(page, site.base_url, site.reviewer)
    page.goto(site.base_url + "/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    # The page is shown: the accounts and members, roles as plain text.
    expect(account_row(page, f"outbox:{site.account}")).to_have_count(1)
    expect(member_row(page, site.editor)).to_contain_text("editor")
    expect(page.get_by_role("link", name="Who did what, when and why")).to_be_visible()
    # ...and nothing to change them with.
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main select")).to_have_count(0)
    for name in ("Pause", "Resume", "Connect", "Change role", "Add", "Import"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Remove "))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("address"))).to_have_count(0)

    # Posting the form anyway is refused by the server, with this session's CSRF token.
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']")
    refused = page.request.post(site.base_url + "/settings/members",
                                form={"csrf_token": token, "email": "mallory@lakeside.example",
                                      "role": "owner", "password": "a long enough password"},
                                max_redirects=0)
    assert refused.status == 403, refused.status
    page.reload()
    expect(member_row(page, "mallory@lakeside.example")).to_have_count(0)
