""""Try with sample data": a demo practice of its own, never mixed into a real one.

The demo is a separate workspace (is_demo) for the user who asks, with two outbox accounts (the
local sink: nothing reaches a real network), a strategy, four months of published history with
counts (imported through the outbox's archive format, so it is checked by the guard like any
import) and a few posts in every state: scheduled, a draft the guard blocks (a patient named),
one awaiting a reviewer's sign-off. Asking again returns the same demo.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bedside.networks.base import Network, NetworkContext
from bedside.networks.registry import get_network
from bedside.services import accounts, archive, plan, publish, workspaces
from bedside.services.publish import Enqueue
from bedside.services.workspaces import Actor
from bedside.settings import Settings
from bedside.store import Store
from bedside.store.models import Membership, Workspace
from bedside.strategy import Strategy, validate_strategy

ZONE = "America/Chicago"
PROFILE = """\
# A made-up practice for trying bedside out: every name, number and address is fictional.
[practice]
name = "Maple Street Pediatrics (sample)"
specialty = "pediatrics"
timezone = "America/Chicago"
phones = ["(555) 014-3300"]
emails = ["hello@maplestreetpeds.example"]
addresses = ["48 Maple Street, Riverton, IL 62801"]
websites = ["https://maplestreetpeds.example"]
staff = ["Dr. Grace Okafor", "Dr. Daniel Reyes", "Priya Nair, CPNP", "Tom Walsh, RN"]
"""
PRACTICE, PERSONAL, REVIEWER = "maplestreet", "dr.okafor", "reviewer@maplestreetpeds.example"

# Education first, about one in five promotional (the 80/20 guidance), as a good plan has it.
HISTORY = (
    "Fever in babies under 3 months is different: call us any time, day or night, for a "
    "temperature of 100.4°F (38°C) or higher.",
    "Sunscreen for kids: SPF 30+, reapply every two hours and after swimming. Babies under 6 "
    "months do best in the shade.",
    "How much screen time is right? Our guide by age, from the American Academy of Pediatrics: "
    "https://maplestreetpeds.example/screens",
    "Back-to-school checklist: vaccines up to date, sports physical booked, a good night's "
    "sleep the week before.",
    "Flu shots are in! Walk in Tuesdays and Thursdays, 9 to 12, no appointment needed.",
    "Is it a cold or the flu? Flu comes on fast with fever and aches; colds build slowly. "
    "When to call us: https://maplestreetpeds.example/flu",
    "Dehydration signs in toddlers: fewer wet diapers, no tears when crying, a dry mouth. "
    "Small sips of fluid often help.",
    "Reading together for 15 minutes a day builds language skills. Ask for a free book at "
    "your child's next checkup.",
    "Car seats: rear-facing as long as possible, at least until age 2. Free seat checks on the "
    "first Saturday of each month.",
    "Welcome to Priya Nair, CPNP, who joins our team this month and sees patients Monday to "
    "Friday.",
    "Peanut allergies: early introduction can lower the risk. Talk to us before starting if "
    "your baby has severe eczema.",
    "Ear infections often clear up on their own. Here is when antibiotics help, and when they "
    "do not.",
    "Water safety: stay within arm's reach of young swimmers, and never leave a child alone "
    "near water, even for a moment.",
    "Our new evening hours start next week: open until 7 pm on Wednesdays.",
    "Bedtime routines that work: same time every night, a bath, a book, lights out.",
    "Teething? A cold (not frozen) teething ring helps. Skip numbing gels for babies.",
)
SCHEDULED = (
    "Measles cases are rising in some states. Two MMR doses protect about 97% of children. "
    "Check your child's record with us.",
    "Allergy season is here: saline rinses and keeping windows closed on high-pollen days can "
    "help. https://maplestreetpeds.example/allergies",
    "Healthy snacks that travel well: apple slices, cheese sticks, whole-grain crackers.",
)
# The classic slip: a patient named (the guard blocks it until it is rewritten).
BLOCKED_DRAFT = ("So proud of our patient Maya Thompson, 4, who beat pneumonia this week. "
                 "Thanks to Dr. Okafor and the whole team.")
NEEDS_SIGNOFF = ("New: same-day sick visits every weekday. Book online at "
                 "https://maplestreetpeds.example/book")


def demo_for(store: Store, user_id: int) -> Actor | None:
    """The user's demo workspace as their actor, if they have one."""
    with store.session() as s:
        row = s.execute(select(Membership, Workspace).join(
            Workspace, Workspace.id == Membership.workspace_id).where(
            Membership.user_id == user_id, Workspace.is_demo.is_(True))).first()
        if row is None:
            return None
        membership, ws = row
        return Actor(user_id, membership.user.email, ws.id, frozenset({membership.role}))


def create_demo(store: Store, settings: Settings, user_id: int, email: str, *,
                enqueue: Enqueue | None = None, now: datetime | None = None) -> Actor:
    """The user's demo workspace: made now, or the one they already have."""
    existing = demo_for(store, user_id)
    if existing is not None:
        return existing
    owner = workspaces.init_workspace(store, profile_toml=PROFILE, owner_email=email, demo=True)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    today = moment.astimezone(ZoneInfo(ZONE)).date()
    accounts.add_account(store, settings, owner, network="outbox", handle=PRACTICE,
                         kind="practice")
    accounts.add_account(store, settings, owner, network="outbox", handle=PERSONAL,
                         kind="personal")
    plan.set_strategy(store, owner, _strategy(today))
    _import_history(store, settings, owner, moment)
    # Sign-off on, so the approvals list has something; the sample reviewer has signed off
    # the planned posts, and the promotional one waits for them.
    workspaces.set_require_signoff(store, owner, True)
    workspaces.add_member(store, owner, REVIEWER, "reviewer")
    with store.session() as s:
        slug = s.get_one(Workspace, owner.workspace_id).slug
    reviewer = workspaces.actor_for(store, REVIEWER, slug)
    for i, text in enumerate(SCHEDULED):
        post = publish.compose(store, owner, text, to=[PRACTICE])
        publish.schedule(store, owner, post.id, _slot(today, 2 + 2 * i, 9 + 2 * i), now=moment)
        publish.approve(store, reviewer, post.id, enqueue=enqueue, now=moment)
    post = publish.compose(store, owner, NEEDS_SIGNOFF, to=[PRACTICE])
    publish.schedule(store, owner, post.id, _slot(today, 3, 12), now=moment)
    draft = publish.compose(store, owner, BLOCKED_DRAFT, to=[PERSONAL])
    publish.request_review(store, owner, draft.id, now=moment)
    return owner


def _slot(today: date, days: int, hour: int) -> datetime:
    return datetime.combine(today + timedelta(days=days), time(hour), tzinfo=ZoneInfo(ZONE))


def _strategy(today: date) -> Strategy:
    return validate_strategy({
        "timezone": ZONE,
        "networks": ["outbox"],
        "audience": {"who": "Parents of babies, children and teens in and around Riverton",
                     "age_band": "25-54",
                     "needs": ["when a fever needs a doctor", "vaccines and checkups",
                               "everyday safety: car seats, water, sun"]},
        "goals": [{"metric": "posts_per_week", "target": 3, "by": today + timedelta(days=90)},
                  {"metric": "median_reply_hours", "target": 24,
                   "by": today + timedelta(days=180)}],
        "cadence": {"outbox": {"min_per_week": 2, "max_per_week": 4}},
        "max_promotional_share": 0.2,
        "quiet_hours": {"start": "20:00", "end": "07:00"},
        "review_date": today + timedelta(days=365),
    })


def _import_history(store: Store, settings: Settings, owner: Actor, now: datetime) -> None:
    """About two posts a week for four months, as the outbox's own export, imported. The
    practice's parents read most on Tuesday mornings, so those posts did better (a pattern the
    composer's best-time hint finds); the counts vary around each slot's level."""
    zone = ZoneInfo(ZONE)
    slots = ((1, 9, 46), (3, 13, 30), (0, 17, 24), (5, 10, 18))  # weekday, hour, likes
    last_monday = now.astimezone(zone).date() - timedelta(days=now.astimezone(zone).weekday())
    posts = []
    for i in range(32):
        weekday, hour, level = slots[i % len(slots)]
        day = last_monday - timedelta(weeks=1 + i // len(slots)) + timedelta(days=weekday)
        published = datetime.combine(day, time(hour, (i * 17) % 60), zone).astimezone(UTC)
        text = HISTORY[i % len(HISTORY)]
        likes = level + (i * 37) % 13 - 6
        posts.append({"id": f"outbox:demo-{i + 1}", "url": f"outbox://{PRACTICE}/demo-{i + 1}",
                      "published_at": published.isoformat(), "text": text, "reply_to": None,
                      "metrics": {"likes": likes, "replies": likes // 9, "reposts": likes // 6,
                                  "impressions": likes * 31}})
    document = {"format": "bedside-outbox-archive", "version": 1, "handle": PRACTICE,
                "exported_at": now.isoformat(), "posts": posts}

    def networks(name: str) -> Network:
        return get_network(name, NetworkContext(data_dir=settings.data_dir))

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir) as aside:
        path = Path(aside) / "sample-history.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        archive.import_archive(store, owner, PRACTICE, path, networks=networks, now=now)
