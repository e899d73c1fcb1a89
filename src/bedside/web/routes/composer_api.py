"""The composer's JSON API, beside its pages (routes/composer.py) and doing the same through the
same service calls: POST /api/check, POST /api/posts, GET/PUT /api/posts/{id},
POST /api/posts/{id}/request-review, POST /api/posts/{id}/schedule,
POST /api/posts/{id}/publish-now, GET /api/posts/{id}/next-slot, GET /api/best-hours,
POST /api/images. Ids are looked up with the actor, so another practice's are not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile
from pydantic import BaseModel, Field

from bedside.services import accounts, images, plan, publish, workspaces
from bedside.services.workspaces import Actor
from bedside.store import Store
from bedside.web.deps import ActorDep, EnqueueDep, SettingsDep, StoreDep
from bedside.web.live_check import Draft
from bedside.web.routes.composer import (
    Composer,
    Scheduler,
    live_check,
    next_slot,
    parse_local,
    save,
    schedule_at,
)

router = APIRouter()


@router.post("/api/images", status_code=201, tags=["composer"])
async def api_upload(settings: SettingsDep, actor: Composer, file: UploadFile) -> dict[str, Any]:
    """Keep an image for a post (PNG, JPEG, GIF or WebP); give its name with alt text in
    `images` when composing."""
    stored = images.save_image(settings, actor, await file.read(images.MAX_BYTES + 1))
    return {"name": stored.name, "mime": stored.mime, "size": stored.size}


class ImageIn(BaseModel):
    name: str = Field(description="the name POST /api/images gave the upload")
    alt: str = Field(description="alt text, required: what the image shows")


class DraftIn(BaseModel):
    text: str = ""
    link: str | None = None
    variants: dict[str, str] = Field(default_factory=dict)
    accounts: list[int] = Field(default_factory=list)
    images: list[ImageIn] = Field(default_factory=list)

    def draft(self) -> Draft:
        return Draft(self.text, self.link or "", self.variants, self.accounts,
                     [(i.name, i.alt) for i in self.images])


class ScheduleIn(BaseModel):
    at: str = Field(description="ISO 8601; without an offset it is read on the practice's clock")


def _api_accounts(store: Store, actor: Actor, ids: Sequence[int]) -> None:
    known = {a.id for a in accounts.list_accounts(store, actor)}
    missing = [i for i in ids if i not in known]
    if missing:
        raise workspaces.NotFound(f"no account {missing[0]} in this workspace")


@router.post("/api/check", tags=["composer"])
def api_check(store: StoreDep, actor: Composer, body: DraftIn) -> dict[str, Any]:
    """The live check: per channel, the length in the network's units and the findings with
    their spans, reason, rule source, suggestion and one-click rewrite."""
    _api_accounts(store, actor, body.accounts)
    return {"channels": [c.to_dict() for c in live_check(store, actor, body.draft())]}


@router.post("/api/posts", status_code=201, tags=["composer"])
def api_compose(store: StoreDep, settings: SettingsDep, actor: Composer,
                body: DraftIn) -> dict[str, Any]:
    """Save a new post (version 1) with its targets; its findings come back with it."""
    return save(store, settings, actor, body.draft(), None).to_dict()


@router.get("/api/posts/{post_id}", tags=["composer"])
def api_get(store: StoreDep, actor: ActorDep, post_id: int) -> dict[str, Any]:
    return publish.get_post(store, actor, post_id).to_dict()


@router.put("/api/posts/{post_id}", tags=["composer"])
def api_revise(store: StoreDep, settings: SettingsDep, actor: Composer, body: DraftIn,
               post_id: int, enqueue: EnqueueDep) -> dict[str, Any]:
    """Save a new version (unchanged text keeps the current one and its sign-off)."""
    return save(store, settings, actor, body.draft(), post_id, enqueue).to_dict()


@router.post("/api/posts/{post_id}/request-review", tags=["composer"])
def api_request_review(store: StoreDep, actor: Composer, post_id: int) -> dict[str, Any]:
    """Ask a reviewer to sign off the current version; the post waits for the answer."""
    return publish.request_review(store, actor, post_id).to_dict()


@router.post("/api/posts/{post_id}/schedule", tags=["composer"])
def api_schedule(store: StoreDep, actor: Scheduler, body: ScheduleIn, post_id: int,
                 enqueue: EnqueueDep) -> dict[str, Any]:
    at = parse_local(body.at, plan.get_strategy(store, actor).zone)
    return schedule_at(store, actor, post_id, at, enqueue).to_dict()


@router.post("/api/posts/{post_id}/publish-now", tags=["composer"])
def api_publish_now(store: StoreDep, actor: Scheduler, post_id: int,
                    enqueue: EnqueueDep) -> dict[str, Any]:
    return schedule_at(store, actor, post_id, datetime.now(UTC), enqueue).to_dict()


@router.get("/api/best-hours", tags=["composer"])
def api_best_hours(store: StoreDep, actor: ActorDep,
                   account: Annotated[list[int] | None, Query()] = None) -> dict[str, Any]:
    """The hours (practice clock) when these accounts' posts of the last year did best against
    their usual engagement; empty without enough history."""
    _api_accounts(store, actor, account or [])
    return {"zone": plan.get_strategy(store, actor).timezone,
            "hours": [b.to_dict() for b in plan.best_hours(store, actor, account or [])]}


@router.get("/api/posts/{post_id}/next-slot", tags=["composer"])
def api_next_slot(store: StoreDep, actor: Scheduler, post_id: int) -> dict[str, Any]:
    post = publish.get_post(store, actor, post_id)
    at = next_slot(store, actor, [t.id for t in post.targets])
    return {"at": at.isoformat(), "zone": plan.get_strategy(store, actor).timezone}

