"""Accounts and settings: connect, pause and resume accounts (with the reason shown), members and
roles, the audit log (filterable), CSV import and export, and the secret calendar (ICS) address.

Managing (accounts, members, the calendar address) needs the owner's role; importing needs the
schedule permission; the audit log is for owners and reviewers. Every member sees the page.
The ICS feed at /ics/<token>.ics is the one route without a session: the token is the key, and
an unknown one is a plain 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel
from starlette.responses import JSONResponse, RedirectResponse, Response

from bedside.bulk_csv import BulkImportError
from bedside.errors import UsageError
from bedside.services import accounts, agenda, audit, calendar, calendar_links, users, workspaces
from bedside.services.workspaces import Actor, NotFound
from bedside.settings import Settings
from bedside.store import Store
from bedside.web.deps import ActorDep, EnqueueDep, SettingsDep, StoreDep, require, session_of
from bedside.web.templating import render

router = APIRouter()
Manager = Annotated[Actor, Depends(require("manage"))]
Scheduler = Annotated[Actor, Depends(require("schedule"))]
MAX_CSV_BYTES = 2_000_000
FLASH = "settings_flash"


def _flash(request: Request, message: str, kind: str = "success") -> None:
    session_of(request)[FLASH] = [kind, message]


def _account(store: Store, actor: Actor, account_id: int) -> accounts.AccountView:
    """An account of the actor's workspace by id (another practice's id is not found)."""
    for a in accounts.list_accounts(store, actor):
        if a.id == account_id:
            return a
    raise NotFound(f"no account {account_id} in this workspace")


def is_oauth(settings: Settings, network: str) -> bool:
    return accounts.uses_oauth(settings, network)


def feed_url(request: Request, token: str) -> str:
    return str(request.url_for("ics_feed", token=token))


def settings_context(request: Request, store: Store, actor: Actor) -> dict[str, Any]:
    flash = session_of(request).pop(FLASH, None)
    return {
        "title": "Settings", "nav": "settings",
        "accounts": accounts.list_accounts(store, actor),
        "members": workspaces.members(store, actor),
        "roles": tuple(workspaces.PERMISSIONS), "networks": accounts.network_names(),
        "me": actor.email,
        "link": calendar_links.link_info(store, actor), "new_link": None,
        "flash": flash, "zone": ZoneInfo(agenda.practice_zone(store, actor)),
    }


@router.get("/settings", include_in_schema=False)
def settings_page(request: Request, store: StoreDep, actor: ActorDep) -> Response:
    return render(request, "settings.html", settings_context(request, store, actor))


# --- accounts -------------------------------------------------------------------------------


@router.post("/settings/accounts/{account_id}/pause", include_in_schema=False)
def pause(request: Request, store: StoreDep, actor: Manager, account_id: int,
          reason: Annotated[str, Form()] = "") -> Response:
    a = _account(store, actor, account_id)
    accounts.set_paused(store, actor, a.id, paused=True, reason=reason.strip() or None)
    _flash(request, f"{a.label} is paused; its posts wait until you resume it.")
    return RedirectResponse("/settings#accounts", status_code=303)


@router.post("/settings/accounts/{account_id}/resume", include_in_schema=False)
def resume(request: Request, store: StoreDep, actor: Manager, account_id: int) -> Response:
    a = _account(store, actor, account_id)
    accounts.set_paused(store, actor, a.id, paused=False)
    _flash(request, f"{a.label} is active again.")
    return RedirectResponse("/settings#accounts", status_code=303)


@router.post("/settings/accounts/connect", include_in_schema=False)
def connect(request: Request, store: StoreDep, settings: SettingsDep, actor: Manager,
            network: Annotated[str, Form()], handle: Annotated[str, Form()],
            kind: Annotated[str, Form()] = "practice",
            app_password: Annotated[str, Form()] = "") -> Response:
    result = _connect(request, store, settings, actor, network, handle, kind, app_password)
    if isinstance(result, accounts.OAuthStart):
        return RedirectResponse(result.url, status_code=303)
    _flash(request, f"{result.label} is connected.")
    return RedirectResponse("/settings#accounts", status_code=303)


def _connect(request: Request, store: Store, settings: Settings, actor: Actor, network: str,
             handle: str, kind: str,
             app_password: str) -> accounts.AccountView | accounts.OAuthStart:
    network = network.strip().lower()
    known = accounts.network_names()
    if network not in known:
        raise UsageError(f"{network!r} is not a network bedside knows ({', '.join(known)})")
    if is_oauth(settings, network) and not app_password:
        return accounts.start_oauth(store, settings, actor, network=network, handle=handle,
                                    kind=kind,
                                    redirect_uri=str(request.url_for("oauth_callback")))
    secrets = {"app_password": app_password} if app_password else {}
    return accounts.connect_account(store, settings, actor, network=network, handle=handle,
                                    kind=kind, secrets=secrets)


@router.get("/settings/accounts/callback", name="oauth_callback", include_in_schema=False)
def oauth_callback(request: Request, store: StoreDep, settings: SettingsDep,
                   actor: Manager) -> Response:
    """Where a network sends the browser back after the user granted access."""
    a = accounts.finish_oauth(store, settings, actor, callback_url=str(request.url))
    _flash(request, f"{a.label} is connected.")
    return RedirectResponse("/settings#accounts", status_code=303)


# --- members --------------------------------------------------------------------------------


@router.post("/settings/members", include_in_schema=False)
def add_member(request: Request, store: StoreDep, actor: Manager,
               email: Annotated[str, Form()], role: Annotated[str, Form()],
               password: Annotated[str, Form()] = "") -> Response:
    added = _add_member(store, actor, email, role, password)
    _flash(request, f"{added} can now sign in as {role}." if password
           else f"{added} is a {role}; give them a password to sign in.")
    return RedirectResponse("/settings#members", status_code=303)


@router.post("/settings/members/role", include_in_schema=False)
def change_role(request: Request, store: StoreDep, actor: Manager,
                email: Annotated[str, Form()], role: Annotated[str, Form()]) -> Response:
    workspaces.set_role(store, actor, email, role)
    _flash(request, f"{email} is now {'an' if role[0] in 'aeiou' else 'a'} {role}.")
    return RedirectResponse("/settings#members", status_code=303)


@router.post("/settings/members/remove", include_in_schema=False)
def remove_member(request: Request, store: StoreDep, actor: Manager,
                  email: Annotated[str, Form()]) -> Response:
    workspaces.remove_member(store, actor, email)
    _flash(request, f"{email} is no longer a member of this practice.")
    return RedirectResponse("/settings#members", status_code=303)


def _add_member(store: Store, actor: Actor, email: str, role: str, password: str) -> str:
    email = users.check_email(email)
    if password:
        users.check_password(password)
    held = [r for e, r in workspaces.members(store, actor) if e == email]
    if held:
        raise UsageError(f"{email} is already a member here ({held[0]})")
    workspaces.add_member(store, actor, email, role)
    if password:
        users.set_password(store, workspaces.actor_for(
            store, email, workspaces.workspace(store, actor).slug).user_id, password)
    return email


# --- audit log ------------------------------------------------------------------------------


def _audit(store: Store, actor: Actor, action: str | None, post: str | None,
           member: str | None, since: str | None) -> list[audit.EntryView]:
    post_id = None
    if post:
        if not post.strip().isdigit():
            raise UsageError(f"{post!r} is not a post number")
        post_id = int(post)
    start = None
    if since:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"{since!r} is not a date (YYYY-MM-DD)") from None
        zone = ZoneInfo(agenda.practice_zone(store, actor))
        start = datetime.combine(day, time(), zone).astimezone(UTC)
    return audit.list_entries(store, actor, action=action or None, post_id=post_id,
                              actor_email=member or None, since=start)


@router.get("/settings/audit", include_in_schema=False)
def audit_page(request: Request, store: StoreDep, actor: ActorDep, action: str = "",
               post: str = "", member: str = "", since: str = "") -> Response:
    found = _audit(store, actor, action, post, member, since)
    return render(request, "settings_audit.html", {
        "title": "Audit log", "nav": "settings", "entries": found,
        "filters": {"action": action, "post": post, "member": member, "since": since},
        "zone": ZoneInfo(agenda.practice_zone(store, actor))})


# --- CSV import and export ------------------------------------------------------------------


@router.get("/settings/export.csv", include_in_schema=False)
def export_csv(store: StoreDep, actor: ActorDep, day_first: bool = False) -> Response:
    return _csv(calendar.export_csv(store, actor, day_first=day_first))


def _csv(text: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="bedside-posts.csv"'})


@router.post("/settings/import", include_in_schema=False)
async def import_csv(request: Request, store: StoreDep, actor: Scheduler,
                     enqueue: EnqueueDep, file: Annotated[UploadFile, File()],
                     to: Annotated[list[str], Form()],
                     day_first: Annotated[bool, Form()] = False) -> Response:
    raw = await file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise UsageError("that file is larger than 2 MB; split it into smaller files")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("that file is not UTF-8 text; save it as CSV (UTF-8)") from None
    report = _import(store, actor, enqueue, text, to, day_first)
    _flash(request, report)
    return RedirectResponse("/settings#csv", status_code=303)


def _import(store: Store, actor: Actor, enqueue: Any, text: str, to: list[str],
            day_first: bool) -> str:
    ids: list[str | int] = [_account(store, actor, int(t)).id for t in to if t.isdigit()]
    if len(ids) != len(to) or not ids:
        raise UsageError("choose the accounts the posts go to")
    try:
        report = calendar.import_csv(store, actor, text, to=ids, day_first=day_first,
                                     enqueue=enqueue)
    except BulkImportError as exc:
        raise UsageError(str(exc)) from None
    parts = [f"{len(report.scheduled)} posts scheduled"]
    if report.blocked:
        lines = ", ".join(str(line) for line, _ in report.blocked)
        parts.append(f"{len(report.blocked)} kept as drafts with blocking findings "
                     f"(lines {lines})")
    return "; ".join(parts + report.warnings) + "."


# --- the calendar (ICS) address -------------------------------------------------------------


@router.post("/settings/calendar-link", include_in_schema=False)
def make_link(request: Request, store: StoreDep, actor: Manager) -> Response:
    token = calendar_links.create_link(store, actor)
    context = settings_context(request, store, actor)
    context["new_link"] = feed_url(request, token)
    return render(request, "settings.html", context)


@router.post("/settings/calendar-link/revoke", include_in_schema=False)
def revoke_link(request: Request, store: StoreDep, actor: Manager) -> Response:
    calendar_links.revoke_link(store, actor)
    _flash(request, "The calendar address is turned off; calendars using it stop updating.")
    return RedirectResponse("/settings#calendar-link", status_code=303)


@router.get("/ics/{token}.ics", name="ics_feed", tags=["calendar"])
def ics_feed(store: StoreDep, token: str) -> Response:
    """The workspace's posts as an iCalendar feed; the token in the address is the key (no
    session). An unknown or retired token is 404."""
    try:
        body = calendar_links.feed_for_token(store, token)
    except NotFound:
        return Response("Not found", status_code=404, media_type="text/plain")
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Referrer-Policy": "no-referrer"})


# --- JSON API -------------------------------------------------------------------------------


class PauseRequest(BaseModel):
    reason: str = ""


class ConnectRequest(BaseModel):
    network: str
    handle: str
    kind: str = "practice"
    app_password: str = ""


class MemberRequest(BaseModel):
    email: str
    role: str
    password: str = ""


class ImportRequest(BaseModel):
    csv: str
    to: list[int]
    day_first: bool = False


@router.get("/api/accounts", tags=["accounts"])
def accounts_api(store: StoreDep, actor: ActorDep) -> JSONResponse:
    return JSONResponse([a.to_dict() for a in accounts.list_accounts(store, actor)])


@router.post("/api/accounts/{account_id}/pause", tags=["accounts"])
def pause_api(store: StoreDep, actor: Manager, account_id: int,
              body: PauseRequest) -> JSONResponse:
    a = _account(store, actor, account_id)
    return JSONResponse(accounts.set_paused(store, actor, a.id, paused=True,
                                            reason=body.reason.strip() or None).to_dict())


@router.post("/api/accounts/{account_id}/resume", tags=["accounts"])
def resume_api(store: StoreDep, actor: Manager, account_id: int) -> JSONResponse:
    a = _account(store, actor, account_id)
    return JSONResponse(accounts.set_paused(store, actor, a.id, paused=False).to_dict())


@router.post("/api/accounts/connect", tags=["accounts"])
def connect_api(request: Request, store: StoreDep, settings: SettingsDep, actor: Manager,
                body: ConnectRequest) -> JSONResponse:
    """Connect with an app password, or get {"url"} to open for networks that sign in in the
    browser (they come back to /settings/accounts/callback)."""
    result = _connect(request, store, settings, actor, body.network, body.handle, body.kind,
                      body.app_password)
    return JSONResponse(result.to_dict())


@router.get("/api/members", tags=["members"])
def members_api(store: StoreDep, actor: ActorDep) -> JSONResponse:
    return JSONResponse([{"email": e, "role": r} for e, r in workspaces.members(store, actor)])


@router.post("/api/members", tags=["members"], status_code=201)
def add_member_api(store: StoreDep, actor: Manager, body: MemberRequest) -> JSONResponse:
    email = _add_member(store, actor, body.email, body.role, body.password)
    return JSONResponse({"email": email, "role": body.role}, status_code=201)


class RoleRequest(BaseModel):
    email: str
    role: str


@router.put("/api/members", tags=["members"])
def set_role_api(store: StoreDep, actor: Manager, body: RoleRequest) -> JSONResponse:
    """Give an existing member another role (the practice always keeps an owner)."""
    workspaces.set_role(store, actor, body.email, body.role)
    return JSONResponse({"email": body.email.strip().lower(), "role": body.role})


@router.delete("/api/members/{email}", tags=["members"], status_code=204)
def remove_member_api(store: StoreDep, actor: Manager, email: str) -> Response:
    workspaces.remove_member(store, actor, email)
    return Response(status_code=204)


@router.get("/api/audit", tags=["audit"])
def audit_api(store: StoreDep, actor: ActorDep, action: str = "", post: str = "",
              member: str = "", since: str = "") -> JSONResponse:
    """The audit log, newest first (200 at most), filtered by action prefix, post, member's
    email and first day."""
    return JSONResponse([e.to_dict() for e in _audit(store, actor, action, post, member, since)])


@router.get("/api/calendar/export", tags=["calendar"])
def export_api(store: StoreDep, actor: ActorDep, day_first: bool = False) -> Response:
    return _csv(calendar.export_csv(store, actor, day_first=day_first))


@router.post("/api/calendar/import", tags=["calendar"])
def import_api(store: StoreDep, actor: Scheduler, enqueue: EnqueueDep,
               body: ImportRequest) -> JSONResponse:
    summary = _import(store, actor, enqueue, body.csv, [str(t) for t in body.to],
                      body.day_first)
    return JSONResponse({"summary": summary})


@router.get("/api/calendar-link", tags=["calendar"])
def link_api(store: StoreDep, actor: ActorDep) -> JSONResponse:
    info = calendar_links.link_info(store, actor)
    return JSONResponse({"exists": info is not None,
                         "created_at": info.created_at.isoformat() if info else None,
                         "created_by": info.created_by if info else None})


@router.post("/api/calendar-link", tags=["calendar"], status_code=201)
def make_link_api(request: Request, store: StoreDep, actor: Manager) -> JSONResponse:
    """A new secret address (shown this once; the old one stops working)."""
    token = calendar_links.create_link(store, actor)
    return JSONResponse({"url": feed_url(request, token)}, status_code=201)


@router.delete("/api/calendar-link", tags=["calendar"], status_code=204)
def revoke_link_api(store: StoreDep, actor: Manager) -> Response:
    calendar_links.revoke_link(store, actor)
    return Response(status_code=204)
