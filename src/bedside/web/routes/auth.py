"""Sign in, sign out, switch workspace; the session as JSON for API clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel
from starlette.responses import RedirectResponse, Response

from bedside.services import users
from bedside.services.workspaces import NotFound
from bedside.web.deps import (
    NotSignedIn,
    StoreDep,
    UserDep,
    csrf_token,
    current_user,
    sign_in,
    sign_out,
    switch_workspace,
)
from bedside.web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/signin", include_in_schema=False)
def signin_page(request: Request, store: StoreDep, next: str = "/") -> Response:
    if users.needs_owner(store):
        return RedirectResponse("/setup", status_code=303)
    return render(request, "signin.html", {"next": safe_next(next), "email": "", "error": None,
                                           "title": "Sign in"})


@router.post("/signin", include_in_schema=False)
def signin(request: Request, store: StoreDep, email: Annotated[str, Form()],
           password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    try:
        user = users.authenticate(store, email, password)
    except users.SignInFailed as exc:
        return render(request, "signin.html", {"next": safe_next(next), "email": email,
                                               "error": str(exc), "title": "Sign in"},
                      status_code=401)
    choices = users.workspaces_of(store, user.user_id)
    sign_in(request, user, choices[0].id if choices else None)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/signout", include_in_schema=False)
def signout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/signin", status_code=303)


@router.post("/workspace", include_in_schema=False)
def switch(request: Request, store: StoreDep, user: UserDep,
           workspace_id: Annotated[int, Form()]) -> Response:
    if users.actor_in(store, user, workspace_id) is None:
        raise NotFound("you are not a member of that workspace")
    switch_workspace(request, workspace_id)
    return RedirectResponse("/", status_code=303)


class Credentials(BaseModel):
    email: str
    password: str


class SessionInfo(BaseModel):
    signed_in: bool
    email: str | None = None
    csrf_token: str
    workspace_id: int | None = None
    workspaces: list[dict[str, object]] = []


@router.get("/api/session", response_model=SessionInfo, tags=["session"])
def read_session(request: Request, store: StoreDep) -> SessionInfo:
    """Who is signed in, their workspaces, and the CSRF token every unsafe request needs
    (header X-CSRF-Token)."""
    token = csrf_token(request)
    try:
        user = current_user(request, store)
    except NotSignedIn:
        return SessionInfo(signed_in=False, csrf_token=token)
    choices = users.workspaces_of(store, user.user_id)
    ws = request.session.get("ws")
    return SessionInfo(
        signed_in=True, email=user.email, csrf_token=token,
        workspace_id=ws if isinstance(ws, int) else None,
        workspaces=[{"id": c.id, "name": c.name, "slug": c.slug, "demo": c.is_demo,
                     "roles": list(c.roles)} for c in choices])


@router.post("/api/session", response_model=SessionInfo, tags=["session"])
def create_session(request: Request, store: StoreDep, body: Credentials) -> SessionInfo:
    """Sign in (401 with {"error"} on a wrong email or password); a new CSRF token comes back."""
    user = users.authenticate(store, body.email, body.password)
    choices = users.workspaces_of(store, user.user_id)
    sign_in(request, user, choices[0].id if choices else None)
    return read_session(request, store)


@router.delete("/api/session", status_code=204, tags=["session"])
def delete_session(request: Request) -> Response:
    sign_out(request)
    return Response(status_code=204)
