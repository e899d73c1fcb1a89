"""The web surface's one translation of errors: a friendly message, as HTML or JSON.

Bedside's own errors carry a message meant for the user and are shown as they are. Anything else
is a 500 with a fixed message: never a traceback, never the exception's text (it may hold a
draft's words, e.g. in a database error's parameters). The log gets the exception's type and the
route, not its message.
"""

from __future__ import annotations

import logging
import traceback
from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bedside.errors import BedsideError, ProfileError, UsageError
from bedside.services.users import SignInFailed
from bedside.services.workspaces import NotFound, PermissionDenied
from bedside.store.session import StoreError
from bedside.web.deps import CSRFError, NotSignedIn, NoWorkspace, is_htmx, wants_json
from bedside.web.templating import render

log = logging.getLogger(__name__)

INTERNAL = ("Something went wrong on our side. Nothing was sent or lost; "
            "try again, and if it happens again, tell whoever runs bedside.")


def status_for(exc: Exception) -> int:
    if isinstance(exc, NotSignedIn | SignInFailed):
        return 401
    if isinstance(exc, PermissionDenied | CSRFError):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NoWorkspace):
        return 409
    if isinstance(exc, StoreError):
        return 503
    if isinstance(exc, UsageError | ProfileError):
        return 422
    return 400


def error_response(request: Request, message: str, status: int) -> Response:
    """The message as JSON for the API, a fragment for HTMX, a page otherwise."""
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    if is_htmx(request):
        # Shown in base.html's #flash region whatever the request was aiming at.
        return render(request, "_flash.html", {"message": message, "kind": "error"},
                      status_code=status,
                      headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return render(request, "error.html", {"message": message, "status": status,
                                          "title": "Problem"}, status_code=status)


async def bedside_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotSignedIn | NoWorkspace) and not wants_json(request):
        target = "/signin" if isinstance(exc, NotSignedIn) else "/setup/practice"
        if isinstance(exc, NotSignedIn) and request.method == "GET":
            target += "?next=" + quote(request.url.path, safe="/")
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return error_response(request, str(exc), status_for(exc))


UNENCODABLE = ("Some text in the request is not valid Unicode: it holds a lone surrogate "
               "(such as \\ud800 in JSON), which no network can send. Remove it and try again; "
               "nothing was saved.")


async def unencodable_text(request: Request, exc: Exception) -> Response:
    """Text parsed from JSON may hold a lone surrogate; the database (and every network) refuses
    it when it is encoded. The write's transaction is rolled back, so this is the user's input,
    told as such, not a 500."""
    log.info("refused a lone surrogate on %s %s", request.method, request.url.path)
    return error_response(request, UNENCODABLE, 422)


class SafeErrors:
    """Innermost catch-all: an unexpected exception becomes the fixed 500 message and a log
    line without the exception's text, and is not re-raised (the server would log its text)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("unexpected %s on %s %s\n%s", type(exc).__name__, scope.get("method"),
                      scope.get("path"), frames)
            if started:
                return  # the client sees a cut-short response; nothing more can be said
            response = _internal(Request(scope))
            await response(scope, receive, send)


def _internal(request: Request) -> Response:
    try:
        return error_response(request, INTERNAL, 500)
    except Exception:  # the page itself failed (say, the database is down): plain text
        return PlainTextResponse(INTERNAL, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(BedsideError, bedside_error)
    app.add_exception_handler(ProfileError, bedside_error)
    app.add_exception_handler(UnicodeEncodeError, unencodable_text)
    app.add_middleware(SafeErrors)
