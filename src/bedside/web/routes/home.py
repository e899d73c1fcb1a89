"""The start page: where a signed-in member goes first, and where first run leads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from bedside.services import plan, users
from bedside.web.deps import NotSignedIn, StoreDep, current_actor, current_user
from bedside.web.templating import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request, store: StoreDep) -> Response:
    if users.needs_owner(store):
        return RedirectResponse("/setup", status_code=303)
    try:
        user = current_user(request, store)
    except NotSignedIn:
        return RedirectResponse("/signin", status_code=303)
    actor = current_actor(request, store, user)
    return render(request, "home.html", {"title": "Home",
                                         "has_strategy": plan.has_strategy(store, actor)})
