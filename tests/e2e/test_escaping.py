"""Escaping in a real browser: a script or an event handler typed into a post is shown as text,
in the editor, in the live findings (where the text is rebuilt with highlights) and after saving,
and never runs (a dialog or the global it sets would fail the test)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

XSS = ('Eleanor Whitaker asked about flu shots <img src=x onerror="window.__xss = 1">'
       '<script>window.__xss = 2; alert(1)</script> today.')


def test_a_script_in_a_post_is_shown_as_text(page: Page, site: Any,
                                            sign_in: Callable[..., None]) -> None:
    base = site.base_url
    sign_in(page, base, site.editor)
    page.goto(base + "/compose")
    page.get_by_role("checkbox", name=re.compile(re.escape(f"outbox:{site.account}"))).check()
    page.get_by_label("Post text").fill(XSS)
    # The live region echoes the text with the name highlighted: as text, not markup.
    expect(page.locator("#live mark.finding.block", has_text="Eleanor Whitaker")).to_be_visible()
    expect(page.locator("#live .checked-text").first).to_contain_text('<img src=x onerror=')
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/compose/\d+"))
    expect(page.get_by_label("Post text")).to_have_value(XSS)
    expect(page.locator("#live .checked-text").first).to_contain_text("<script>")
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img, main script").count() == 0
