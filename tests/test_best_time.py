"""Best hours from history (pure): engagement relative to the account's usual, local 7x24 buckets,
shrinkage towards the usual, and at least three posts before an hour is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bedside.best_time import (
    PRIOR_POSTS,
    Published,
    best_hours,
    next_occurrence,
    relative_engagement,
)

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 1, 5, tzinfo=CHICAGO)  # a Monday


def week_of_posts(weeks: int, slots: dict[tuple[int, int], int], *, account: int = 1,
                  growth: float = 0.0) -> list[Published]:
    """Posts every week at each (weekday, hour) slot with that slot's engagement, optionally
    growing by `growth` of the first week's level per week."""
    out = []
    for w in range(weeks):
        for (weekday, hour), engagement in slots.items():
            at = (START + timedelta(weeks=w, days=weekday)).replace(hour=hour)
            out.append(Published(account, at.astimezone(UTC),
                                 round(engagement * (1 + growth * w))))
    return out


def test_the_hour_that_does_better_is_named_first() -> None:
    posts = week_of_posts(12, {(0, 17): 10, (1, 9): 24, (3, 13): 12, (5, 10): 8})
    best = best_hours(posts, CHICAGO)
    assert [(b.weekday, b.hour) for b in best][:2] == [(1, 9), (3, 13)]
    assert best[0].label == "Tue 09:00" and best[0].posts == 12
    # 12 posts at 24 over the account's usual of 11 (the median of the mixed window), shrunk.
    assert best[0].lift == pytest.approx((12 * 24 / 11 + PRIOR_POSTS) / (12 + PRIOR_POSTS))
    assert all((b.weekday, b.hour) not in ((0, 17), (5, 10)) for b in best)  # below usual


def test_buckets_are_on_the_practices_clock_across_daylight_saving() -> None:
    # 09:00 in Chicago is 15:00 UTC in January and 14:00 UTC in July: one bucket, not two.
    posts = week_of_posts(40, {(1, 9): 30, (3, 16): 10, (4, 16): 10})
    best = best_hours(posts, CHICAGO)
    assert (best[0].weekday, best[0].hour, best[0].posts) == (1, 9, 40)
    in_utc = best_hours(posts, ZoneInfo("UTC"))
    assert {(b.weekday, b.hour) for b in in_utc} == {(1, 15), (1, 14)}


def test_two_lucky_posts_are_not_enough() -> None:
    posts = week_of_posts(8, {(0, 9): 10, (2, 9): 10})
    posts += [Published(1, (START + timedelta(days=4)).replace(hour=h).astimezone(UTC), 90)
              for h in (7, 7 + 24 * 0)]  # the same Friday hour twice
    posts += [Published(1, (START + timedelta(days=4, weeks=1)).replace(hour=7)
                        .astimezone(UTC), 90)]
    assert best_hours(posts, CHICAGO, min_posts=4) == []
    named = best_hours(posts, CHICAGO)  # three posts: named, but shrunk towards the usual
    assert (named[0].weekday, named[0].hour) == (4, 7)
    assert named[0].lift == pytest.approx((3 * 9.0 + PRIOR_POSTS) / (3 + PRIOR_POSTS))


def test_a_growing_account_does_not_make_its_later_hour_look_better() -> None:
    # Engagement grows 2% a week all year; the first half went out on Mondays at 09, the second
    # half on Fridays at 15. Raw means would call Friday half again better; it is not.
    posts = []
    for w in range(40):
        day, hour = (0, 9) if w < 20 else (4, 15)
        at = (START + timedelta(weeks=w, days=day)).replace(hour=hour)
        posts.append(Published(1, at.astimezone(UTC), round(100 * 1.02 ** w)))
    raw = {h: [p.engagement for p in posts if p.at.astimezone(CHICAGO).hour == h]
           for h in (9, 15)}
    assert sum(raw[15]) / sum(raw[9]) > 1.4
    best = best_hours(posts, CHICAGO)
    assert all(b.lift < 1.15 for b in best), best


def test_accounts_are_measured_against_their_own_usual() -> None:
    small = week_of_posts(10, {(1, 9): 4, (3, 13): 2, (4, 13): 2}, account=1)
    large = week_of_posts(10, {(1, 9): 400, (3, 13): 600, (4, 13): 400}, account=2)
    best = best_hours(small + large, CHICAGO)
    # Tue 09 doubles the small account's usual; Thu 13 is 1.5x the large one's.
    assert [(b.weekday, b.hour) for b in best] == [(1, 9), (3, 13)]
    assert best[0].posts == best[1].posts == 20


def test_no_engagement_at_all_says_nothing() -> None:
    posts = week_of_posts(10, {(1, 9): 0, (3, 13): 0})
    assert relative_engagement(posts) == [] and best_hours(posts, CHICAGO) == []


def test_the_next_occurrence_is_on_the_practices_clock() -> None:
    tuesday_8 = datetime(2026, 12, 1, 8, 0, tzinfo=CHICAGO)
    assert next_occurrence(1, 9, CHICAGO, tuesday_8) == tuesday_8.replace(hour=9)
    assert next_occurrence(1, 9, CHICAGO, tuesday_8.replace(hour=9)) == \
        datetime(2026, 12, 8, 9, tzinfo=CHICAGO)  # not the very moment: a week on
    assert next_occurrence(0, 12, CHICAGO, tuesday_8) == datetime(2026, 12, 7, 12, tzinfo=CHICAGO)
    # 02:00 on 8 March 2026 does not exist in Chicago: the Sunday after.
    before_gap = datetime(2026, 3, 7, 12, tzinfo=CHICAGO)
    assert next_occurrence(6, 2, CHICAGO, before_gap) == datetime(2026, 3, 15, 2, tzinfo=CHICAGO)
