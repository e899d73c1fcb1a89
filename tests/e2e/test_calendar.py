"""The calendar in a real browser: a scheduled post is dragged to another day (HTML5 drag and
drop, posted by HTMX with the CSRF header) and the services see it moved, same time of day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from bedside.services import plan, publish, workspaces
from bedside.store import open_store

ZONE = ZoneInfo("America/Chicago")


def test_drag_a_post_to_another_day(page: Page, site: Any,
                                    sign_in: Callable[..., None]) -> None:
    day = datetime.now(ZONE).date() + timedelta(days=2)
    # The neighbouring day in the same week row, so both are in the month grid.
    target = day - timedelta(days=1) if day.weekday() == 6 else day + timedelta(days=1)
    store = open_store(site.server.settings)
    try:
        editor = workspaces.actor_for(store, site.editor)
        post = publish.compose(store, editor, "Sunscreen check: SPF 30+, every two hours outdoors.",
                               to=[f"outbox:{site.account}"])
        publish.schedule(store, editor, post.id, datetime.combine(day, time(10, 15), ZONE),
                         strategy=plan.get_strategy(store, editor))
    finally:
        store.dispose()

    sign_in(page, site.base_url, site.editor)
    page.goto(f"{site.base_url}/calendar?view=month&day={day.isoformat()}")
    card = page.locator(f'li.post-card[data-post="{post.id}"]')
    expect(page.locator(f'td[data-date="{day.isoformat()}"]').locator(card)).to_be_visible()
    card.drag_to(page.locator(f'td[data-date="{target.isoformat()}"]'))
    expect(page.get_by_text(f"Post {post.id} moved.")).to_be_visible()
    expect(page.locator(f'td[data-date="{target.isoformat()}"] '
                        f'li.post-card[data-post="{post.id}"]')).to_contain_text("10:15")
    expect(page.locator(f'td[data-date="{day.isoformat()}"] '
                        f'li.post-card[data-post="{post.id}"]')).to_have_count(0)

    store = open_store(site.server.settings)
    try:
        moved = publish.get_post(store, workspaces.actor_for(store, site.editor), post.id)
    finally:
        store.dispose()
    assert moved.scheduled_at is not None
    assert moved.scheduled_at.astimezone(ZONE) == datetime.combine(target, time(10, 15), ZONE)
