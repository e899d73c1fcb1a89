"""First run: the owner's account, then the practice (form or TOML), then the strategy.

"Try with sample data" makes a separate demo workspace (services.demo) and switches to it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from bedside.errors import BedsideError, ProfileError, UsageError
from bedside.services import demo, plan, users, workspaces
from bedside.services.workspaces import Actor
from bedside.strategy import NETWORKS, StrategyError, load_strategy, validate_strategy
from bedside.web import forms
from bedside.web.deps import (
    EnqueueDep,
    FormDep,
    NotSignedIn,
    SettingsDep,
    StoreDep,
    UserDep,
    current_user,
    require,
    sign_in,
    switch_workspace,
    text_fields,
)
from bedside.web.templating import render

router = APIRouter()
MAX_UPLOAD = 256 * 1024  # a practice profile or strategy is a few kilobytes
ZONES = sorted(available_timezones())
Manager = Annotated[Actor, Depends(require("manage"))]


def _redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _has_practice(store: Any, user: users.SignedIn) -> bool:
    return any(not w.is_demo for w in users.workspaces_of(store, user.user_id))


# --- step 1: the owner --------------------------------------------------------------------


@router.get("/setup", include_in_schema=False)
def setup_page(request: Request, store: StoreDep) -> Response:
    if not users.needs_owner(store):
        try:
            user = current_user(request, store)
        except NotSignedIn:
            return _redirect("/signin")
        return _redirect("/" if _has_practice(store, user) else "/setup/practice")
    return render(request, "setup_owner.html", {"title": "Welcome", "email": "", "error": None})


@router.post("/setup", include_in_schema=False)
def create_owner(request: Request, store: StoreDep, email: Annotated[str, Form()],
                 password: Annotated[str, Form()],
                 confirm: Annotated[str, Form()]) -> Response:
    try:
        if password != confirm:
            raise UsageError("the two passwords differ; type the same one twice")
        user = users.create_owner(store, email, password)
    except BedsideError as exc:
        return render(request, "setup_owner.html", {"title": "Welcome", "email": email,
                                                    "error": str(exc)}, status_code=422)
    choices = users.workspaces_of(store, user.user_id)
    sign_in(request, user, choices[0].id if choices else None)
    return _redirect("/" if choices else "/setup/practice")


# --- step 2: the practice -----------------------------------------------------------------


def _practice_page(request: Request, values: dict[str, str], error: str | None,
                   status_code: int = 200) -> Response:
    return render(request, "setup_practice.html", {
        "title": "Your practice", "values": values, "error": error, "zones": ZONES,
        "lists": forms.PROFILE_LISTS}, status_code=status_code)


@router.get("/setup/practice", include_in_schema=False)
def practice_page(request: Request, store: StoreDep, user: UserDep) -> Response:
    if _has_practice(store, user):
        return _redirect("/")
    return _practice_page(request, {}, None)


@router.post("/setup/practice", include_in_schema=False)
def create_practice(request: Request, store: StoreDep, user: UserDep,
                    form: FormDep) -> Response:
    values = text_fields(form)
    if _has_practice(store, user):
        return _redirect("/")
    toml = forms.profile_toml(
        name=values.get("name", ""), specialty=values.get("specialty", ""),
        timezone=values.get("timezone", ""),
        lists={k: forms.lines(values.get(k, "")) for k in forms.PROFILE_LISTS})
    return _start_practice(request, store, user, toml, values)


@router.post("/setup/practice/import", include_in_schema=False)
async def import_practice(request: Request, store: StoreDep, user: UserDep,
                          profile: UploadFile) -> Response:
    if _has_practice(store, user):
        return _redirect("/")
    try:
        toml = await _read_upload(profile, "practice profile")
    except BedsideError as exc:
        return _practice_page(request, {}, str(exc), 422)
    return _start_practice(request, store, user, toml, {})


def _start_practice(request: Request, store: Any, user: users.SignedIn, toml: str,
                    values: dict[str, str]) -> Response:
    try:
        actor = workspaces.init_workspace(store, profile_toml=toml, owner_email=user.email)
    except (BedsideError, ProfileError) as exc:
        return _practice_page(request, values, str(exc), 422)
    switch_workspace(request, actor.workspace_id)
    return _redirect("/setup/strategy")


async def _read_upload(upload: UploadFile, what: str) -> str:
    raw = await upload.read(MAX_UPLOAD + 1)
    if not raw:
        raise UsageError(f"choose a {what} file to upload")
    if len(raw) > MAX_UPLOAD:
        raise UsageError(f"that {what} is larger than {MAX_UPLOAD // 1024} KB; "
                               "is it the right file?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"that {what} is not UTF-8 text; save it as UTF-8") from None


@router.post("/setup/demo", include_in_schema=False)
def try_demo(request: Request, store: StoreDep, settings: SettingsDep, user: UserDep,
             enqueue: EnqueueDep) -> Response:
    actor = demo.create_demo(store, settings, user.user_id, user.email, enqueue=enqueue)
    switch_workspace(request, actor.workspace_id)
    return _redirect("/")


# --- step 3: the strategy -----------------------------------------------------------------


def _strategy_page(request: Request, values: dict[str, str], networks: list[str],
                   errors: dict[str, list[str]], general: list[str],
                   status_code: int = 200) -> Response:
    return render(request, "setup_strategy.html", {
        "title": "Strategy", "values": values, "chosen": networks, "errors": errors,
        "general": general, "networks": NETWORKS, "metrics": forms.METRIC_CHOICES,
        "goal_rows": range(forms.GOAL_ROWS), "zones": ZONES}, status_code=status_code)


@router.get("/setup/strategy", include_in_schema=False)
def strategy_page(request: Request, store: StoreDep, actor: Manager) -> Response:
    current = plan.get_strategy(store, actor)
    return _strategy_page(request, forms.strategy_form(current), list(current.networks), {}, [])


@router.post("/setup/strategy", include_in_schema=False)
def save_strategy(request: Request, store: StoreDep, actor: Manager,
                  form: FormDep) -> Response:
    values = text_fields(form)
    networks = [n for n in form.getlist("networks") if isinstance(n, str)]
    try:
        strategy = validate_strategy(forms.strategy_data(values, networks))
    except StrategyError as exc:
        errors, general = forms.field_errors(exc.problems, forms.strategy_fields())
        return _strategy_page(request, values, networks, errors, general, 422)
    plan.set_strategy(store, actor, strategy)
    return _redirect("/")


@router.post("/setup/strategy/import", include_in_schema=False)
async def import_strategy(request: Request, store: StoreDep, actor: Manager,
                          strategy: UploadFile) -> Response:
    current = plan.get_strategy(store, actor)
    name = (strategy.filename or "").lower()
    fmt: Literal["toml", "yaml"] = "yaml" if name.endswith((".yaml", ".yml")) else "toml"
    try:
        doc = load_strategy(await _read_upload(strategy, "strategy"), fmt)
    except StrategyError as exc:
        return _strategy_page(request, forms.strategy_form(current), list(current.networks),
                              {}, list(exc.problems), 422)
    except BedsideError as exc:
        return _strategy_page(request, forms.strategy_form(current), list(current.networks),
                              {}, [str(exc)], 422)
    plan.set_strategy(store, actor, doc)
    return _redirect("/")
