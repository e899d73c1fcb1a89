"""The composer: write once, a variant per network, live findings and counters, then save, ask
for review, schedule (on the practice's clock, or the account's next free slot) or publish now.

Pages: GET /compose (new), GET /compose/{id} (the post's current version), POST to either with
`action` = draft | review | schedule | publish; HTMX fragments: POST /compose/check (the live
check, debounced by the page), POST /compose/apply (one suggested rewrite), GET /compose/next-slot,
GET /compose/best-hours (the best hours from history, fetched once the page is shown),
GET /compose/best-slot (the time picker filled with one of them).
Their JSON twins are in routes/composer_api.py, sharing the service calls below.
Everything goes through services (publish, plan, accounts); ids are looked up with the actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from starlette.datastructures import FormData
from starlette.responses import FileResponse, RedirectResponse, Response

from bedside.best_time import next_occurrence
from bedside.errors import BedsideError, UsageError
from bedside.services import accounts, images, plan, publish, workspaces
from bedside.services.publish import PostView
from bedside.services.workspaces import Actor
from bedside.settings import Settings
from bedside.store import Store
from bedside.web.deps import (
    EnqueueDep,
    FormDep,
    SettingsDep,
    StoreDep,
    form_text,
    require,
)
from bedside.web.live_check import Channel, Draft, apply_rewrite, check_draft
from bedside.web.templating import render

router = APIRouter()
Composer = Annotated[Actor, Depends(require("compose"))]
Scheduler = Annotated[Actor, Depends(require("schedule"))]
ACTIONS = ("draft", "review", "schedule", "publish")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


# --- pure helpers -----------------------------------------------------------------------------


def draft_from_form(form: FormData) -> Draft:
    variants = {key.removeprefix("variant."): value for key, value in form.multi_items()
                if key.startswith("variant.") and isinstance(value, str)}
    chosen = []
    for value in form.getlist("account"):
        if isinstance(value, str) and value.isdigit():
            chosen.append(int(value))
    pictures = [(name, form_text(form, f"alt.{name}")) for name in form.getlist("image")
                if isinstance(name, str)]
    return Draft(text=form_text(form, "text"), link=form_text(form, "link").strip(),
                 variants=variants, accounts=chosen, images=pictures)


def draft_of(post: PostView) -> Draft:
    return Draft(text=post.text, link=post.link or "", variants=dict(post.variants),
                 accounts=[t.id for t in post.targets],
                 images=[(images.name_of(i), i["alt"]) for i in post.images])


def parse_local(value: str, zone: ZoneInfo) -> datetime:
    """A datetime-local value read on the practice's clock, as an aware datetime."""
    try:
        naive = datetime.strptime(value.strip(), LOCAL_FORMAT)
    except ValueError:
        try:
            naive = datetime.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(f"{value!r} is not a date and time; pick one with the picker") \
                from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone)


def local_value(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime(LOCAL_FORMAT) if at else ""


# --- service calls shared by pages and API ----------------------------------------------------


def _channels(store: Store, actor: Actor, draft: Draft) -> list[tuple[str | None, str]]:
    """The (network, kind) pairs the draft goes to; all the workspace's when none is chosen."""
    known = accounts.list_accounts(store, actor)
    chosen = [a for a in known if a.id in set(draft.accounts)] or known
    return [(a.network, a.kind) for a in chosen]


def live_check(store: Store, actor: Actor, draft: Draft) -> list[Channel]:
    practice = workspaces.practice_of(workspaces.workspace(store, actor))
    return check_draft(draft, _channels(store, actor, draft), practice)


def save(store: Store, settings: Settings, actor: Actor, draft: Draft, post_id: int | None,
         enqueue: Any = None) -> PostView:
    """Compose a new post, or revise one only when something changed (a new version would
    need its sign-off again)."""
    variants = {k: v for k, v in draft.variants.items() if v.strip()}
    pictures = [(name, alt.strip()) for name, alt in draft.images]
    items = images.attach(settings, actor, pictures)
    if post_id is None:
        return publish.compose(store, actor, draft.text, to=list(draft.accounts),
                               variants=variants, link=draft.link or None, images=items)
    current = publish.get_post(store, actor, post_id)
    if draft_of(current) == Draft(draft.text, draft.link, variants, list(draft.accounts),
                                  pictures):
        return current
    return publish.revise(store, actor, post_id, text=draft.text, variants=variants,
                          link=draft.link or "", to=list(draft.accounts), images=items,
                          enqueue=enqueue)


def schedule_at(store: Store, actor: Actor, post_id: int, at: datetime,
                enqueue: Any) -> PostView:
    strategy = plan.get_strategy(store, actor)
    return publish.schedule(store, actor, post_id, at, strategy=strategy, enqueue=enqueue)


def next_slot(store: Store, actor: Actor, account_ids: Sequence[int]) -> datetime:
    """The latest of the chosen accounts' next free slots (one time for the whole post)."""
    if not account_ids:
        raise UsageError("choose at least one account to find its next free slot")
    return max(plan.next_free_slot(store, actor, account_id) for account_id in account_ids)


# --- pages ------------------------------------------------------------------------------------


def _page(request: Request, store: Store, actor: Actor, draft: Draft, post: PostView | None, *,
          at: str = "", message: str | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    strategy = plan.get_strategy(store, actor)
    known = accounts.list_accounts(store, actor)
    return render(request, "composer.html", {
        "title": f"Post {post.id}" if post else "Compose", "nav": "compose",
        "post": post, "draft": draft, "accounts": known,
        "networks": sorted({a.network for a in known}),
        "channels": live_check(store, actor, draft), "zone": strategy.timezone,
        "at": at or local_value(post.scheduled_at if post else None, strategy.zone),
        "best": None,  # fetched by the page (GET /compose/best-hours)
        "message": message, "error": error,
    }, status_code=status_code)


@router.get("/compose", include_in_schema=False)
def compose_page(request: Request, store: StoreDep, actor: Composer) -> Response:
    return _page(request, store, actor, Draft(), None)


@router.get("/compose/{post_id:int}", include_in_schema=False)
def edit_page(request: Request, store: StoreDep, actor: Composer, post_id: int,
              done: str | None = None) -> Response:
    post = publish.get_post(store, actor, post_id)
    return _page(request, store, actor, draft_of(post), post, message=DONE.get(done or ""))


DONE = {
    "draft": "Draft saved.",
    "review": "Saved. A reviewer sees it on the Approvals page.",
    "scheduled": "Scheduled.",
    "held": "Scheduled; it waits for a reviewer's sign-off before it goes out.",
    "publish": "Publishing now: the worker sends it within a minute.",
}


@router.post("/compose", include_in_schema=False)
def create(request: Request, store: StoreDep, settings: SettingsDep, actor: Composer,
           form: FormDep, enqueue: EnqueueDep) -> Response:
    return _act(request, store, settings, actor, form, None, enqueue)


@router.post("/compose/{post_id:int}", include_in_schema=False)
def update(request: Request, store: StoreDep, settings: SettingsDep, actor: Composer,
           form: FormDep, enqueue: EnqueueDep, post_id: int) -> Response:
    publish.get_post(store, actor, post_id)  # another practice's id is a 404 before anything
    return _act(request, store, settings, actor, form, post_id, enqueue)


def _act(request: Request, store: Store, settings: Settings, actor: Actor, form: FormData,
         post_id: int | None, enqueue: Any) -> Response:
    """Save, then do what the pressed button asks; a refusal re-shows the form with the text."""
    action = form_text(form, "action") or "draft"
    draft = draft_from_form(form)
    at_text = form_text(form, "at")
    post = None
    try:
        if action not in ACTIONS:
            raise UsageError(f"unknown action {action!r}")
        if action in ("schedule", "publish"):
            actor.require("schedule", "schedule posts")
        post = save(store, settings, actor, draft, post_id, enqueue)
        done = action
        if action == "review" and not post.review_requested:
            # Asked before scheduling, so the post is held for the reviewer's answer.
            post = publish.request_review(store, actor, post.id)
        if action == "schedule" or (action == "review" and at_text.strip()):
            if not at_text.strip():
                raise UsageError("pick a date and time, or press \"Next free slot\"")
            zone = plan.get_strategy(store, actor).zone
            post = schedule_at(store, actor, post.id, parse_local(at_text, zone), enqueue)
            done = "review" if action == "review" else \
                "held" if post.stage == "awaiting sign-off" else "scheduled"
        elif action == "publish":
            post = schedule_at(store, actor, post.id, datetime.now(UTC), enqueue)
            done = "held" if post.stage == "awaiting sign-off" else "publish"
    except BedsideError as exc:
        if post is None and post_id is not None:
            post = publish.get_post(store, actor, post_id)
        return _page(request, store, actor, draft, post, at=at_text, error=str(exc),
                     status_code=422)
    return RedirectResponse(f"/compose/{post.id}?done={done}", status_code=303)


# --- HTMX fragments ---------------------------------------------------------------------------


@router.post("/compose/check", include_in_schema=False)
def check_fragment(request: Request, store: StoreDep, actor: Composer,
                   form: FormDep) -> Response:
    """The live region: counters and highlighted findings for what the form holds now."""
    draft = draft_from_form(form)
    return render(request, "_composer_live.html",
                  {"channels": live_check(store, actor, draft)})


@router.post("/compose/apply", include_in_schema=False)
def apply_fragment(request: Request, store: StoreDep, actor: Composer,
                   form: FormDep) -> Response:
    """Apply one suggested rewrite to its field; answer with the editor (fields and findings)."""
    draft = draft_from_form(form)
    target = form_text(form, "field")
    try:
        start, end = int(form_text(form, "start")), int(form_text(form, "end"))
    except ValueError:
        raise UsageError("that suggestion is incomplete; check the text again") from None
    values = {"text": draft.text, **{f"variant.{k}": v for k, v in draft.variants.items()}}
    if target not in values:
        raise UsageError("that suggestion is for a field this form does not have")
    try:
        changed = apply_rewrite(values[target], start, end, form_text(form, "excerpt"),
                                form_text(form, "replacement"))
    except ValueError:
        raise UsageError("the text changed since it was checked; "
                         "wait for the new findings and try again") from None
    if target == "text":
        draft = Draft(changed, draft.link, draft.variants, draft.accounts)
    else:
        network = target.removeprefix("variant.")
        draft = Draft(draft.text, draft.link, {**draft.variants, network: changed},
                      draft.accounts)
    known = accounts.list_accounts(store, actor)
    return render(request, "_composer_editor.html", {
        "draft": draft, "networks": sorted({a.network for a in known}),
        "channels": live_check(store, actor, draft)})


@router.get("/compose/next-slot", include_in_schema=False)
def next_slot_fragment(request: Request, store: StoreDep, actor: Scheduler) -> Response:
    """The time input filled with the chosen accounts' next free slot."""
    chosen = [int(v) for v in request.query_params.getlist("account") if v.isdigit()]
    zone = plan.get_strategy(store, actor).zone
    at = next_slot(store, actor, chosen)
    return render(request, "_composer_when.html",
                  {"at": local_value(at, zone), "zone": str(zone),
                   "best": plan.best_hours(store, actor, chosen)})


@router.get("/compose/best-hours", include_in_schema=False)
def best_hours_fragment(request: Request, store: StoreDep, actor: Composer) -> Response:
    """The best hours of the chosen accounts (all when none), read after the page is shown."""
    chosen = [int(v) for v in request.query_params.getlist("account") if v.isdigit()]
    return render(request, "_composer_best.html", {"best": plan.best_hours(store, actor, chosen)})


@router.get("/compose/best-slot", include_in_schema=False)
def best_slot_fragment(request: Request, store: StoreDep, actor: Scheduler, weekday: int,
                       hour: int) -> Response:
    """The time input filled with the next occurrence of one of the best hours."""
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise UsageError("that hour is not a weekday and hour of the week")
    chosen = [int(v) for v in request.query_params.getlist("account") if v.isdigit()]
    zone = plan.get_strategy(store, actor).zone
    at = next_occurrence(weekday, hour, zone, datetime.now(UTC) + plan.LEAD)
    return render(request, "_composer_when.html",
                  {"at": local_value(at, zone), "zone": str(zone),
                   "best": plan.best_hours(store, actor, chosen)})


@router.post("/compose/images", include_in_schema=False)
async def upload_fragment(request: Request, settings: SettingsDep, actor: Composer,
                          file: UploadFile, alt: Annotated[str, Form()] = "") -> Response:
    """Keep an uploaded image; answer with its row for the composer (name and alt text fields
    belong to the compose form)."""
    stored = images.save_image(settings, actor, await file.read(images.MAX_BYTES + 1))
    return render(request, "_composer_image.html", {"name": stored.name, "alt": alt})


@router.get("/compose/images/{name}", include_in_schema=False)
def image_file(settings: SettingsDep, actor: Composer, name: str) -> Response:
    """An image of this workspace, for the composer's preview (never another practice's)."""
    return FileResponse(images.image_path(settings, actor, name),
                        headers={"Cache-Control": "private, max-age=3600",
                                 "X-Content-Type-Options": "nosniff"})
