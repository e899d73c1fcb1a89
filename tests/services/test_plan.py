"""The strategy in the store, and queue slots that respect cadence, quiet hours and DST."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bedside.errors import UsageError
from bedside.networks.base import Network, NetworkContext
from bedside.networks.registry import get_network
from bedside.services import accounts, archive, plan, publish, workspaces
from bedside.services.workspaces import PermissionDenied
from bedside.strategy import load_strategy

from .conftest import PROFILE, Practice

CHICAGO = ZoneInfo("America/Chicago")
STRATEGY = """
timezone = "America/Chicago"
networks = ["outbox"]
review_date = 2027-06-30
[audience]
who = "families in Springfield"
age_band = "25-54"
needs = ["same-day sick visits"]
[[goals]]
metric = "median_reply_hours"
target = 24
by = 2027-06-30
[cadence.outbox]
min_per_week = 1
max_per_week = 2
[quiet_hours]
start = "21:00"
end = "07:00"
"""


def test_default_then_stored_strategy(practice: Practice) -> None:
    p = practice
    assert not plan.has_strategy(p.store, p.owner)
    default = plan.get_strategy(p.store, p.owner)
    assert default.networks == ["outbox"] and default.timezone == "America/Chicago"
    strategy = load_strategy(STRATEGY, "toml")
    with pytest.raises(PermissionDenied):
        plan.set_strategy(p.store, p.reviewer, strategy)
    plan.set_strategy(p.store, p.owner, strategy)
    assert plan.get_strategy(p.store, p.owner) == strategy


def test_next_free_slot_skips_taken_and_full_weeks(practice: Practice) -> None:
    p = practice
    plan.set_strategy(p.store, p.owner, load_strategy(STRATEGY, "toml"))
    monday_8 = datetime(2026, 12, 7, 8, 0, tzinfo=CHICAGO)
    first = plan.next_free_slot(p.store, p.owner, "lakeside", after=monday_8)
    assert first == datetime(2026, 12, 7, 9, 0, tzinfo=CHICAGO)
    for _ in range(2):
        slot = plan.next_free_slot(p.store, p.owner, "lakeside", after=monday_8)
        post = publish.compose(p.store, p.owner, "Hand washing beats flu season.", to=["lakeside"])
        publish.schedule(p.store, p.owner, post.id, slot, now=monday_8)
    # Two posts this week fill the cadence maximum of 2: the next slot is next Monday.
    nxt = plan.next_free_slot(p.store, p.owner, "lakeside", after=monday_8)
    assert nxt == datetime(2026, 12, 14, 9, 0, tzinfo=CHICAGO)


def test_own_slots_quiet_hours_and_dst(practice: Practice) -> None:
    p = practice
    plan.set_strategy(p.store, p.owner, load_strategy(STRATEGY, "toml"))
    acct = accounts.add_account(p.store, p.settings, p.owner, network="outbox", handle="late",
                                options={"slots": ["sun 02:30", "sun 22:00", "mon 10:15"]})
    # 2027-03-14 02:30 does not exist in Chicago; 22:00 is quiet: Monday 10:15 it is.
    after = datetime(2027, 3, 13, 12, 0, tzinfo=UTC)
    slot = plan.next_free_slot(p.store, p.owner, acct.id, after=after)
    assert slot == datetime(2027, 3, 15, 10, 15, tzinfo=CHICAGO)


def test_bad_slot_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="like 'tue 09:30'"):
        plan.parse_slots(["someday 9"])
    with pytest.raises(UsageError, match="not a time"):
        plan.parse_slots(["tue 9h30"])


def test_scheduling_in_quiet_hours_warns(practice: Practice) -> None:
    p = practice
    strategy = load_strategy(STRATEGY, "toml")
    post = publish.compose(p.store, p.owner, "Hand washing beats flu season.", to=["lakeside"])
    night = datetime(2026, 12, 8, 22, 30, tzinfo=CHICAGO)
    view = publish.schedule(p.store, p.owner, post.id, night, strategy=strategy,
                            now=datetime(2026, 12, 1, tzinfo=UTC))
    assert view.stage == "scheduled"
    assert any("22:30 is in the practice's quiet hours (21:00-07:00)" in w for w in view.warnings)


def _history(path: Path, likes: dict[tuple[int, int], int], *, weeks: int = 12,
             handle: str = "lakeside") -> Path:
    """An outbox export: a post every week at each (weekday, hour) on Chicago's clock."""
    start = datetime(2026, 6, 1, tzinfo=CHICAGO)  # a Monday
    posts = []
    for w in range(weeks):
        for (day, hour), count in likes.items():
            at = (start + timedelta(weeks=w, days=day)).replace(hour=hour)
            n = len(posts) + 1
            posts.append({"id": f"outbox:h{n}", "url": f"outbox://{handle}/h{n}",
                          "published_at": at.astimezone(UTC).isoformat(),
                          "text": f"Health tip {n}: wash your hands often in flu season.",
                          "reply_to": None, "metrics": {"likes": count, "replies": 1}})
    path.write_text(json.dumps({"format": "bedside-outbox-archive", "version": 1,
                                "handle": handle, "exported_at": "2026-09-01T00:00:00+00:00",
                                "posts": posts}))
    return path


def test_best_hours_come_from_the_latest_counts_of_the_last_year(practice: Practice,
                                                                  tmp_path: Path) -> None:
    p = practice

    def networks(name: str) -> Network:
        return get_network(name, NetworkContext(data_dir=p.settings.data_dir))

    now = datetime(2026, 9, 1, tzinfo=UTC)
    assert plan.best_hours(p.store, p.owner, now=now) == []  # no history yet
    first = _history(tmp_path / "june.json", {(1, 9): 30, (3, 13): 10, (0, 17): 12})
    june = now - timedelta(days=60)
    os.utime(first, (june.timestamp(), june.timestamp()))  # the counts' date (archive.py)
    archive.import_archive(p.store, p.owner, "lakeside", first, networks=networks, now=now)
    best = plan.best_hours(p.store, p.owner, now=now)
    assert [(b.label, b.posts) for b in best] == [("Tue 09:00", 12)]
    # A later export: Thursday's posts were shared widely since; the latest counts decide.
    later = _history(tmp_path / "july.json", {(1, 9): 30, (3, 13): 90, (0, 17): 12})
    os.utime(later, (now.timestamp(), now.timestamp()))
    archive.import_archive(p.store, p.owner, "lakeside", later, networks=networks, now=now)
    assert plan.best_hours(p.store, p.owner, now=now)[0].label == "Thu 13:00"
    patel = accounts.find_account(p.store, p.owner, "dr.patel").id
    assert plan.best_hours(p.store, p.owner, [patel], now=now) == []  # that account's own
    assert plan.best_hours(p.store, p.owner, now=now + timedelta(days=500)) == []  # too old
    other = workspaces.init_workspace(p.store, profile_toml=PROFILE.replace("Lakeside", "Hill"),
                                      owner_email="owner@hill.example")
    assert plan.best_hours(p.store, other, now=now) == []
