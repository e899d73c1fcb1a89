"""Approvals: a reviewer's list of versions awaiting sign-off, with their findings; approve,
reject with a note, or override one blocking finding with a reason.

Every decision goes through services.publish (which checks the reviewer role, names the version
reviewed so a stale page cannot sign off newer text, and writes the audit log).
Pages: GET /approvals, POST /approvals/{id}/approve|reject|override.
API: GET /api/approvals, POST /api/posts/{id}/approve|reject|override.
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from bedside.errors import UsageError
from bedside.services import agenda, post_views, publish
from bedside.services.publish import PostView
from bedside.services.workspaces import Actor
from bedside.store import Store
from bedside.web.deps import EnqueueDep, StoreDep, require
from bedside.web.live_check import segments
from bedside.web.templating import render

router = APIRouter()
Reviewer = Annotated[Actor, Depends(require("review"))]
PAGE = 50  # posts on the page, the earliest planned first; answering them brings the next
DONE = {
    "approved": "Approved.",
    "rejected": "Rejected; its author sees your note.",
    "override": "Finding overridden; the reason is in the audit log.",
}


def _findings_by_channel(post: PostView) -> list[dict[str, Any]]:
    """The post's stored findings grouped by the channel they were found for, with the text
    that channel receives cut into highlighted segments."""
    groups: dict[tuple[str | None, str], list[publish.FindingView]] = {}
    for f in post.findings:
        groups.setdefault((f.network, f.account_kind), []).append(f)
    out = []
    for (network, kind), found in sorted(groups.items(), key=lambda g: (g[0][0] or "", g[0][1])):
        body = post.variants.get(network or "", post.text)
        if post.link and post.link not in body:
            body = f"{body}\n{post.link}"
        out.append({"network": network, "kind": kind, "findings": found,
                    "segments": segments(body, found)})
    return out


def _page(request: Request, store: Store, actor: Actor, *, message: str | None = None,
          error: str | None = None, status_code: int = 200) -> Response:
    posts = post_views.awaiting_review(store, actor, limit=PAGE)
    total = post_views.count_awaiting_review(store, actor) if len(posts) >= PAGE else len(posts)
    return render(request, "approvals.html", {
        "title": "Approvals", "nav": "approvals", "message": message, "error": error,
        "zone": ZoneInfo(agenda.practice_zone(store, actor)), "total": total,
        "items": [{"post": p, "channels": _findings_by_channel(p),
                   "blocking": sorted({f.rule for f in p.findings if f.severity == "block"})}
                  for p in posts]}, status_code=status_code)


@router.get("/approvals", include_in_schema=False)
def approvals_page(request: Request, store: StoreDep, actor: Reviewer,
                   done: str | None = None) -> Response:
    return _page(request, store, actor, message=DONE.get(done or ""))


def _decided(request: Request, store: Store, actor: Actor, decision: str,
             run: Any) -> Response:
    try:
        run()
    except (UsageError, publish.Blocked, publish.AlreadyOut) as exc:
        # A stale version, a missing note or reason: show the list again with the message.
        return _page(request, store, actor, error=str(exc), status_code=422)
    return RedirectResponse(f"/approvals?done={decision}", status_code=303)


@router.post("/approvals/{post_id}/approve", include_in_schema=False)
def approve(request: Request, store: StoreDep, actor: Reviewer, enqueue: EnqueueDep,
            post_id: int, version: Annotated[int, Form()],
            note: Annotated[str, Form()] = "") -> Response:
    return _decided(request, store, actor, "approved", lambda: publish.approve(
        store, actor, post_id, note=note.strip() or None, version=version, enqueue=enqueue))


@router.post("/approvals/{post_id}/reject", include_in_schema=False)
def reject(request: Request, store: StoreDep, actor: Reviewer, post_id: int,
           version: Annotated[int, Form()], note: Annotated[str, Form()] = "") -> Response:
    return _decided(request, store, actor, "rejected", lambda: publish.reject(
        store, actor, post_id, note=note, version=version))


@router.post("/approvals/{post_id}/override", include_in_schema=False)
def override(request: Request, store: StoreDep, actor: Reviewer, enqueue: EnqueueDep,
             post_id: int, version: Annotated[int, Form()], rule: Annotated[str, Form()],
             reason: Annotated[str, Form()] = "") -> Response:
    return _decided(request, store, actor, "override", lambda: publish.override(
        store, actor, post_id, rule=rule, reason=reason, version=version, enqueue=enqueue))


# --- JSON API ---------------------------------------------------------------------------------


class Decision(BaseModel):
    version: int | None = Field(None, description="the version reviewed; refused if stale")
    note: str | None = None


class RejectIn(BaseModel):
    version: int | None = None
    note: str


class OverrideIn(BaseModel):
    version: int | None = None
    rule: str = Field(description="the blocking finding's rule, e.g. phi.name")
    reason: str


@router.get("/api/approvals", tags=["approvals"])
def api_list(store: StoreDep, actor: Reviewer) -> list[dict[str, Any]]:
    """Posts whose current version awaits sign-off or has blocking findings."""
    return [p.to_dict() for p in publish.awaiting_review(store, actor)]


@router.post("/api/posts/{post_id}/approve", tags=["approvals"])
def api_approve(store: StoreDep, actor: Reviewer, enqueue: EnqueueDep, post_id: int,
                body: Decision) -> dict[str, Any]:
    return publish.approve(store, actor, post_id, note=body.note, version=body.version,
                           enqueue=enqueue).to_dict()


@router.post("/api/posts/{post_id}/reject", tags=["approvals"])
def api_reject(store: StoreDep, actor: Reviewer, post_id: int,
               body: RejectIn) -> dict[str, Any]:
    return publish.reject(store, actor, post_id, note=body.note, version=body.version).to_dict()


@router.post("/api/posts/{post_id}/override", tags=["approvals"])
def api_override(store: StoreDep, actor: Reviewer, enqueue: EnqueueDep, post_id: int,
                 body: OverrideIn) -> dict[str, Any]:
    return publish.override(store, actor, post_id, rule=body.rule, reason=body.reason,
                            version=body.version, enqueue=enqueue).to_dict()
