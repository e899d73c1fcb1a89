"""What routes depend on: settings, the store, the signed-in actor, role checks and CSRF.

Use them as FastAPI dependencies:

    @router.post("/posts")
    def create_post(store: StoreDep, actor: Annotated[Actor, Depends(require("compose"))]): ...

Every router found in bedside.web.routes is included with `csrf_protect` (see app.py), so each
unsafe request (POST, PUT, PATCH, DELETE) must carry the session's token: the form field
`csrf_token` or the header `X-CSRF-Token` (base.html sets it on every HTMX request). Workspace
isolation: the actor's workspace comes from the session and membership is checked on every
request; ids in URLs are always looked up through services with that actor.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from bedside.errors import BedsideError
from bedside.services import users
from bedside.services.publish import Enqueue
from bedside.services.workspaces import Actor, PermissionDenied
from bedside.settings import Settings
from bedside.store import Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class NotSignedIn(BedsideError):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


class CSRFError(BedsideError):
    """An unsafe request without the session's CSRF token."""


class NoWorkspace(BedsideError):
    """Signed in but not in a workspace yet: pages redirect to first run."""


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    """The app's one store, opened (and migrated) on first use."""
    store: Store = request.app.state.stores.get()
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]


def get_enqueue(settings: SettingsDep) -> Enqueue:
    """What services.publish (schedule, approve…) calls to hand due rows to the worker's queue
    (the reconciler re-queues any that are lost)."""

    def enqueue(ids: Sequence[int], at: datetime) -> None:
        from bedside import worker  # the queue is opened only when something is due

        worker.enqueue(ids, at, settings=settings)

    return enqueue


EnqueueDep = Annotated[Enqueue, Depends(get_enqueue)]


def session_of(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.session
    return session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first need (templates get it as `csrf_token`)."""
    session = session_of(request)
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


async def csrf_protect(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token is missing or not this session's."""
    if request.method in SAFE_METHODS:
        return
    expected = session_of(request).get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if not given:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not (isinstance(expected, str) and given
            and hmac.compare_digest(expected.encode(), given.encode())):
        raise CSRFError("this form has expired or did not come from bedside; "
                        "reload the page and try again")


def sign_in(request: Request, user: users.SignedIn, workspace_id: int | None) -> None:
    """Start a fresh session for the user (a new CSRF token: no session fixation)."""
    session = session_of(request)
    session.clear()
    session.update(uid=user.user_id, fp=user.fingerprint, csrf=secrets.token_urlsafe(32))
    if workspace_id is not None:
        session["ws"] = workspace_id


def sign_out(request: Request) -> None:
    session_of(request).clear()


def switch_workspace(request: Request, workspace_id: int) -> None:
    session_of(request)["ws"] = workspace_id


def current_user(request: Request, store: StoreDep) -> users.SignedIn:
    """The signed-in user; NotSignedIn when the session is missing, stale or its password
    changed since."""
    cached = getattr(request.state, "user", None)
    if isinstance(cached, users.SignedIn):
        return cached
    session = session_of(request)
    uid, fp = session.get("uid"), session.get("fp")
    user = users.signed_in(store, uid, fp) if isinstance(uid, int) and isinstance(fp, str) \
        else None
    if user is None:
        if uid is not None:
            session.clear()
        raise NotSignedIn("please sign in")
    request.state.user = user
    return user


UserDep = Annotated[users.SignedIn, Depends(current_user)]


def current_actor(request: Request, store: StoreDep, user: UserDep) -> Actor:
    """The signed-in user acting in the session's workspace (membership checked every time)."""
    cached = getattr(request.state, "actor", None)
    if isinstance(cached, Actor):
        return cached
    ws = session_of(request).get("ws")
    actor = users.actor_in(store, user, ws) if isinstance(ws, int) else None
    if actor is None:
        choices = users.workspaces_of(store, user.user_id)
        if not choices:
            raise NoWorkspace("set up your practice first")
        switch_workspace(request, choices[0].id)
        actor = users.actor_in(store, user, choices[0].id)
        assert actor is not None
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def require(permission: str) -> Callable[[Actor], Actor]:
    """A dependency giving the actor if their role allows `permission` ("compose", "schedule",
    "review" or "manage"); PermissionDenied (403) otherwise."""

    def check(actor: ActorDep) -> Actor:
        if not actor.can(permission):
            held = ", ".join(sorted(actor.roles)) or "no role"
            raise PermissionDenied(f"your role ({held}) does not allow this ({permission})")
        return actor

    check.__name__ = f"require_{permission}"
    return check


def wants_json(request: Request) -> bool:
    """API paths and clients that ask for JSON (and not HTML) get JSON."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- forms ------------------------------------------------------------------------------------


async def read_form(request: Request) -> FormData:
    """The form as sent, for pages whose field names vary (per network, per member)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def form_text(form: FormData, name: str) -> str:
    """A text field's value; "" when it is missing or is a file."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def text_fields(form: FormData) -> dict[str, str]:
    """Every text field (the last value of a repeated name), files left out."""
    return {k: v for k, v in form.items() if isinstance(v, str)}
