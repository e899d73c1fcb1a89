"""Best hours to post, from a practice's own history: pure, no I/O.

The method is the one ../shared/domain/cadence.md recommends ("Algorithms"): each post's
engagement is divided by the median of its account's posts around it (so a growing account or a
viral week does not dominate), the ratios are grouped in 7 x 24 buckets of the practice's local
weekday and hour, and each bucket's mean is shrunk towards 1.0 (the account's usual) by a few
pseudo-posts (empirical-Bayes shrinkage), so a bucket with two lucky posts does not win. A bucket
needs at least `min_posts` posts to be named at all.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WINDOW = 30  # posts per rolling median: about a month to three of a practice's posting
PRIOR_POSTS = 3.0  # the weight of "an hour is as good as usual" in each bucket
MIN_POSTS = 3  # cadence.md: n >= 3 per bucket


@dataclass(frozen=True)
class Published:
    """One post as it went out on one account, with its engagement (likes + replies + reposts
    + quotes, as the network last reported them)."""

    account_id: int
    at: datetime
    engagement: int


@dataclass(frozen=True)
class BestHour:
    weekday: int  # 0 = Monday
    hour: int  # 0..23 on the practice's clock
    lift: float  # shrunk mean of engagement / the account's usual; 1.0 = usual
    posts: int

    @property
    def label(self) -> str:
        return f"{DAY_NAMES[self.weekday]} {self.hour:02d}:00"

    def to_dict(self) -> dict[str, object]:
        return {"weekday": self.weekday, "hour": self.hour, "label": self.label,
                "lift": round(self.lift, 2), "posts": self.posts}


def relative_engagement(posts: Iterable[Published]) -> list[tuple[Published, float]]:
    """Each post's engagement over the median of its account's `WINDOW` posts centred on it.

    A post among others with no engagement at all (median 0) is skipped: a ratio to nothing
    says nothing about the hour."""
    by_account: dict[int, list[Published]] = defaultdict(list)
    for post in posts:
        by_account[post.account_id].append(post)
    out: list[tuple[Published, float]] = []
    for history in by_account.values():
        history.sort(key=lambda p: p.at)
        counts = [p.engagement for p in history]
        half = WINDOW // 2
        for i, post in enumerate(history):
            lo = max(0, min(i - half, len(history) - WINDOW))
            usual = statistics.median(counts[lo:lo + WINDOW])
            if usual > 0:
                out.append((post, post.engagement / usual))
    return out


def best_hours(posts: Sequence[Published], zone: ZoneInfo, *, top: int = 3,
               min_posts: int = MIN_POSTS) -> list[BestHour]:
    """The `top` local (weekday, hour) buckets that did better than usual, best first; empty
    when the history is too thin to say (no bucket with `min_posts` posts above 1.0)."""
    buckets: dict[tuple[int, int], list[float]] = defaultdict(list)
    for post, ratio in relative_engagement(posts):
        local = post.at.astimezone(zone)
        buckets[(local.weekday(), local.hour)].append(ratio)
    ranked = []
    for (weekday, hour), ratios in buckets.items():
        if len(ratios) < min_posts:
            continue
        lift = (sum(ratios) + PRIOR_POSTS) / (len(ratios) + PRIOR_POSTS)
        if lift > 1.0:
            ranked.append(BestHour(weekday, hour, lift, len(ratios)))
    ranked.sort(key=lambda b: (-b.lift, -b.posts, b.weekday, b.hour))
    return ranked[:top]


def next_occurrence(weekday: int, hour: int, zone: ZoneInfo, after: datetime) -> datetime:
    """The first `weekday` at `hour`:00 on the practice's clock after `after` (a day whose
    wall-clock hour does not exist, at the spring-forward gap, is skipped)."""
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    while True:
        candidate = datetime.combine(day, time(hour), zone)
        exists = candidate.astimezone(UTC).astimezone(zone).hour == hour
        if exists and candidate > after:
            return candidate
        day += timedelta(days=7)
