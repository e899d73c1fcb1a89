"""A practice with an owner, an editor-less reviewer and two outbox accounts, on each backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bedside.services import accounts, workspaces
from bedside.services.workspaces import Actor
from bedside.settings import Settings
from bedside.store import Store

PROFILE = """
[practice]
name = "Lakeside Family Medicine"
specialty = "family medicine"
timezone = "America/Chicago"
phones = ["(555) 010-2000"]
staff = ["Dr. Anita Patel", "Kim Ortiz, RN"]
"""


# The moment and the texts the publishing tests share: a post that is fine, and one naming a
# patient with care details (blocked for PHI).
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
SAFE = "Flu shots are in. Wash your hands often and stay home when you are sick."
PHI = "Great to see Maria Gonzalez back at her follow-up this morning after her knee surgery!"


@dataclass
class Practice:
    store: Store
    settings: Settings
    owner: Actor
    reviewer: Actor


@pytest.fixture
def practice(store: Store, settings: Settings) -> Practice:
    owner = workspaces.init_workspace(store, profile_toml=PROFILE,
                                      owner_email="anita@lakeside.example")
    workspaces.add_member(store, owner, "kim@lakeside.example", "reviewer")
    reviewer = workspaces.actor_for(store, "kim@lakeside.example")
    accounts.add_account(store, settings, owner, network="outbox", handle="lakeside",
                         kind="practice", credentials={"token": "t-1"})
    accounts.add_account(store, settings, owner, network="outbox", handle="dr.patel",
                         kind="personal")
    return Practice(store, settings, owner, reviewer)
