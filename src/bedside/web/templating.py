"""Jinja2 templates (autoescaped: every user-written text is shown as text) and `render`.

Every page extends base.html (blocks: head for a page's own stylesheet, title, main_class, flash,
content, scripts). `render` adds what base.html
needs: the CSRF token, the signed-in actor and their workspaces (for the switcher), and the
active navigation entry.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from bedside.services import users
from bedside.web.deps import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,  # a misspelt variable fails the test, not the page
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def on_clock(at: datetime | None, zone: ZoneInfo) -> str:
    """A moment as the practice reads it: "Tue 1 Dec 2026, 09:00 CST"."""
    if at is None:
        return ""
    local = at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


_env.filters["on_clock"] = on_clock


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a page or an HTMX fragment with base.html's context filled in."""
    actor = getattr(request.state, "actor", None)
    user = getattr(request.state, "user", None)
    workspaces: list[users.WorkspaceChoice] = []
    if user is not None:
        workspaces = users.workspaces_of(request.app.state.stores.get(), user.user_id)
    current = next((w for w in workspaces if actor and w.id == actor.workspace_id), None)
    full = {
        "request": request,
        "csrf_token": csrf_token(request),
        "actor": actor,
        "user": user,
        "workspaces": workspaces,
        "workspace": current,
        "nav": None,
        "title": "",
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code,
                                      headers=headers)
