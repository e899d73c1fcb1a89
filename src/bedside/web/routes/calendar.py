"""The calendar: month and week views of planned and published posts, coloured by account.

A post is dragged to another day (month view: same time of day) or hour (week view) and dropped:
the page POSTs /calendar/move through HTMX with the CSRF header, and services.publish.schedule
moves it (so the guard, sign-off and the ledger rules apply as anywhere else). Every card also
has a plain "Move" form, for keyboards and screen readers. The gauge is the promotional share of
the posts in view against the strategy's maximum; health observances are shown as post ideas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse, RedirectResponse, Response

from bedside.errors import UsageError
from bedside.services import agenda, plan, publish
from bedside.services.accounts import AccountView, list_accounts
from bedside.services.workspaces import Actor
from bedside.web.deps import ActorDep, EnqueueDep, StoreDep, is_htmx, require
from bedside.web.observances import Observance, observances_between
from bedside.web.templating import render

router = APIRouter()
Scheduler = Annotated[Actor, Depends(require("schedule"))]

# Account colours: distinct hues, each 4.5:1 or more against white (text and borders).
PALETTE = ("#0b5cad", "#1d6b3a", "#8a2be2", "#a4161a", "#8a5300", "#00707a", "#b0306a",
           "#4b5563")
HOURS = range(7, 21)
# More posts than a page can usefully show: the first ones are shown, with a note to narrow the
# view (one account, a week). Keeps the page fast with a busy history.
MAX_ENTRIES = 500  # the week view's rows; posts outside them go in the first or last row
DAY_LIMIT = 6  # cards in one month-view day; the rest are a link to that day's week


@dataclass(frozen=True)
class Window:
    view: str  # month | week
    day: date  # the day asked for
    first: date  # first day in view (the month's first, or the week's Monday)
    last: date  # last day in view
    grid_first: date  # the grid starts on a Monday
    grid_last: date

    def days(self) -> list[date]:
        return [self.grid_first + timedelta(days=i)
                for i in range((self.grid_last - self.grid_first).days + 1)]

    def prev_day(self) -> date:
        if self.view == "week":
            return self.day - timedelta(days=7)
        return (self.first - timedelta(days=1)).replace(day=1)

    def next_day(self) -> date:
        if self.view == "week":
            return self.day + timedelta(days=7)
        return self.last + timedelta(days=1)

    def title(self) -> str:
        if self.view == "month":
            return self.first.strftime("%B %Y")
        return f"Week of {self.first:%-d %B %Y}"


def window(view: str, day: date) -> Window:
    if view not in ("month", "week"):
        raise UsageError("the calendar shows a month or a week (view=month or view=week)")
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return Window("week", day, monday, monday + timedelta(days=6), monday,
                      monday + timedelta(days=6))
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Window("month", day, first, last, first - timedelta(days=first.weekday()),
                  last + timedelta(days=6 - last.weekday()))


def parse_day(value: str | None, zone: ZoneInfo) -> date:
    if not value:
        return datetime.now(zone).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def parse_local(value: str, zone: ZoneInfo) -> datetime:
    """A time from a form or the API: with an offset it is taken as it is; without one it is
    on the practice's clock."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def colours(accounts: list[AccountView]) -> dict[int, str]:
    return {a.id: PALETTE[i % len(PALETTE)] for i, a in enumerate(accounts)}


def _account_filter(accounts: list[AccountView], account: str | None) -> int | None:
    if not account:
        return None
    for a in accounts:
        if str(a.id) == account:
            return a.id
    raise UsageError("that account is not in this practice")


def calendar_data(store: Any, actor: Actor, view: str, day: str | None,
                  account: str | None) -> dict[str, Any]:
    zone = ZoneInfo(agenda.practice_zone(store, actor))
    win = window(view, parse_day(day, zone))
    accounts = list_accounts(store, actor)
    account_id = _account_filter(accounts, account)
    start = datetime.combine(win.grid_first, time(), zone).astimezone(UTC)
    end = datetime.combine(win.grid_last + timedelta(days=1), time(), zone).astimezone(UTC)
    found = agenda.entries(store, actor, start, end, account_id=account_id,
                           limit=MAX_ENTRIES + 1)
    strategy = plan.get_strategy(store, actor)
    gauge = agenda.promo_share_between(
        store, actor, datetime.combine(win.first, time(), zone).astimezone(UTC),
        datetime.combine(win.last + timedelta(days=1), time(), zone).astimezone(UTC),
        float(strategy.max_promotional_share), account_id=account_id)
    observed = observances_between(win.grid_first, win.grid_last)
    return {"win": win, "zone": zone, "accounts": accounts, "account_id": account_id,
            "entries": found[:MAX_ENTRIES], "truncated": len(found) > MAX_ENTRIES,
            "gauge": gauge, "observances": observed}


def _by_day(found: list[agenda.Entry], zone: ZoneInfo) -> dict[date, list[agenda.Entry]]:
    days: dict[date, list[agenda.Entry]] = defaultdict(list)
    for e in found:
        days[e.at.astimezone(zone).date()].append(e)
    return days


def _by_hour(found: list[agenda.Entry], zone: ZoneInfo) -> dict[tuple[date, int], list[Any]]:
    cells: dict[tuple[date, int], list[agenda.Entry]] = defaultdict(list)
    for e in found:
        local = e.at.astimezone(zone)
        hour = min(max(local.hour, HOURS.start), HOURS.stop - 1)
        cells[(local.date(), hour)].append(e)
    return cells


def _day_ideas(observed: list[Observance], win: Window) -> dict[date, list[Observance]]:
    """Days and weeks on the day they start (or the grid's first day if they started before);
    months are listed above the grid."""
    ideas: dict[date, list[Observance]] = defaultdict(list)
    for o in observed:
        if o.kind != "month":
            ideas[max(o.first, win.grid_first)].append(o)
    return ideas


def gauge_svg(gauge: agenda.PromoShare, width: int = 240) -> dict[str, Any]:
    """Geometry of the gauge bar (drawn in the template): the share and the maximum's mark."""
    full = min(gauge.share, 1.0)
    return {"width": width, "fill": round(full * width, 1),
            "mark": round(min(gauge.maximum, 1.0) * width, 1)}


def page_context(request: Request, store: Any, actor: Actor, view: str, day: str | None,
                 account: str | None) -> dict[str, Any]:
    data = calendar_data(store, actor, view, day, account)
    zone, win = data["zone"], data["win"]
    return {**data, "title": "Calendar", "nav": "calendar",
            "by_day": _by_day(data["entries"], zone), "by_hour": _by_hour(data["entries"], zone),
            "hours": list(HOURS), "ideas": _day_ideas(data["observances"], win),
            "months": [o for o in data["observances"] if o.kind == "month"],
            "colours": colours(data["accounts"]), "bar": gauge_svg(data["gauge"]),
            "today": datetime.now(zone).date(), "can_move": actor.can("schedule"),
            "warnings": [], "day_limit": DAY_LIMIT}


@router.get("/calendar", include_in_schema=False)
def calendar_page(request: Request, store: StoreDep, actor: ActorDep, view: str = "month",
                  day: str | None = None, account: str | None = None) -> Response:
    context = page_context(request, store, actor, view, day, account)
    template = "calendar_grid.html" if is_htmx(request) else "calendar.html"
    return render(request, template, context)


@router.post("/calendar/move", include_in_schema=False)
def move(request: Request, store: StoreDep, actor: Scheduler, enqueue: EnqueueDep,
         post_id: Annotated[int, Form()], at: Annotated[str, Form()],
         view: Annotated[str, Form()] = "month", day: Annotated[str | None, Form()] = None,
         account: Annotated[str | None, Form()] = None) -> Response:
    moved = _move(store, actor, enqueue, post_id, at)
    if not is_htmx(request):  # the plain Move form: back to the view holding the new time
        zone = ZoneInfo(agenda.practice_zone(store, actor))
        when = moved.scheduled_at.astimezone(zone).date() if moved.scheduled_at else None
        query = f"?view={'week' if view == 'week' else 'month'}&day={when or ''}"
        return RedirectResponse("/calendar" + query, status_code=303)
    context = page_context(request, store, actor, view, day, account)
    context["warnings"] = moved.warnings
    context["moved"] = moved.id
    return render(request, "calendar_grid.html", context)


def _move(store: Any, actor: Actor, enqueue: Any, post_id: int, at: str) -> publish.PostView:
    zone = ZoneInfo(agenda.practice_zone(store, actor))
    moment = parse_local(at, zone)
    strategy = plan.get_strategy(store, actor)
    return publish.schedule(store, actor, post_id, moment, strategy=strategy, enqueue=enqueue)


# --- JSON API -------------------------------------------------------------------------------


class MoveRequest(BaseModel):
    post_id: int
    at: str  # ISO 8601; without an offset, on the practice's clock


@router.get("/api/calendar", tags=["calendar"])
def calendar_api(store: StoreDep, actor: ActorDep, view: str = "month", day: str | None = None,
                 account: str | None = None) -> JSONResponse:
    """Posts per account in a month or week (each post once per account), the promotional
    share of the posts in view against the strategy's maximum, and health observances."""
    data = calendar_data(store, actor, view, day, account)
    win: Window = data["win"]
    return JSONResponse({
        "view": win.view, "first": win.first.isoformat(), "last": win.last.isoformat(),
        "truncated": data["truncated"],
        "timezone": str(data["zone"]),
        "entries": [e.to_dict() for e in data["entries"]],
        "promotional": data["gauge"].to_dict(),
        "observances": [{"name": o.name, "when": o.when, "first": o.first.isoformat(),
                         "last": o.last.isoformat()} for o in data["observances"]],
    })


@router.post("/api/calendar/move", tags=["calendar"])
def move_api(store: StoreDep, actor: Scheduler, enqueue: EnqueueDep,
             body: MoveRequest) -> JSONResponse:
    """Reschedule a post (every account it goes to) to another time."""
    moved = _move(store, actor, enqueue, body.post_id, body.at)
    return JSONResponse(moved.to_dict())
