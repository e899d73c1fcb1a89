"""Queue and history: each account's posts with their state from the ledger.

Upcoming posts first (scheduled, awaiting sign-off, blocked, publishing), then the recent
history (published with a link, failed with the network's reason, uncertain with what to check,
expired approvals). Only a bounded window is read, so the page stays fast with years of posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from bedside.errors import UsageError
from bedside.services import agenda
from bedside.services.accounts import AccountView, list_accounts
from bedside.services.workspaces import Actor
from bedside.web.deps import ActorDep, StoreDep
from bedside.web.templating import render

router = APIRouter()
AHEAD = timedelta(days=366)
BEHIND = timedelta(days=90)
LIMIT = 50


@dataclass(frozen=True)
class AccountQueue:
    account: AccountView
    upcoming: list[agenda.Entry]
    history: list[agenda.Entry]

    def to_dict(self) -> dict[str, Any]:
        return {"account": self.account.to_dict(),
                "upcoming": [e.to_dict() for e in self.upcoming],
                "history": [e.to_dict() for e in self.history]}


def queues(store: Any, actor: Actor, account: str | None, state: str | None,
           now: datetime | None = None) -> list[AccountQueue]:
    if state and state not in agenda.QUEUE_STATES:
        raise UsageError(f"{state!r} is not a state; use one of {', '.join(agenda.QUEUE_STATES)}")
    moment = now or datetime.now(UTC)
    chosen = list_accounts(store, actor)
    if account:
        chosen = [a for a in chosen if str(a.id) == account]
        if not chosen:
            raise UsageError("that account is not in this practice")
    states = [state] if state else None
    return [AccountQueue(
        a,
        agenda.entries(store, actor, moment, moment + AHEAD, account_id=a.id, states=states,
                       limit=LIMIT),
        agenda.entries(store, actor, moment - BEHIND, moment, account_id=a.id, states=states,
                       limit=LIMIT, newest_first=True),
    ) for a in chosen]


@router.get("/queue", include_in_schema=False)
def queue_page(request: Request, store: StoreDep, actor: ActorDep, account: str | None = None,
               state: str | None = None) -> Response:
    found = queues(store, actor, account, state)
    zone = ZoneInfo(agenda.practice_zone(store, actor))
    return render(request, "queue.html", {
        "title": "Queue and history", "nav": "queue", "queues": found, "zone": zone,
        "accounts": list_accounts(store, actor), "account": account or "", "state": state or "",
        "states": agenda.QUEUE_STATES, "days_behind": BEHIND.days})


@router.get("/api/queue", tags=["queue"])
def queue_api(store: StoreDep, actor: ActorDep, account: str | None = None,
              state: str | None = None) -> JSONResponse:
    """Per account: upcoming posts (the next year, first 50) and history (the last 90 days,
    newest 50), each with its ledger state, the network's reason and what to check."""
    return JSONResponse({"accounts": [q.to_dict() for q in queues(store, actor, account, state)]})
