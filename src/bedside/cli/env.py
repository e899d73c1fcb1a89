"""What every store-backed command needs: settings, the store (opened once), the acting user.

The acting user is `--as EMAIL` (or BEDSIDE_USER), defaulting to the workspace's first owner; the
workspace is `--workspace SLUG` (or BEDSIDE_WORKSPACE), defaulting to the only real one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console

from bedside.errors import UsageError
from bedside.settings import Settings

if TYPE_CHECKING:  # imported when first used: `bedside check` needs no database layer
    from bedside.services.workspaces import Actor
    from bedside.store import Store


@dataclass
class Env:
    user: str | None = None
    workspace: str | None = None
    _settings: Settings | None = None
    _store: Store | None = None
    console: Console = field(default_factory=lambda: Console(highlight=False))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            from bedside.store import open_store

            self._store = open_store(self.settings)
        return self._store

    def actor(self) -> Actor:
        from bedside.services import workspaces

        return workspaces.actor_for(self.store, self.user, self.workspace)

    def zone(self, actor: Actor) -> ZoneInfo:
        from bedside.services import workspaces

        return ZoneInfo(workspaces.workspace(self.store, actor).timezone)

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


pass_env = click.make_pass_decorator(Env, ensure=True)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def parse_when(value: str, zone: ZoneInfo) -> datetime:
    """`2026-12-01 09:00` on the practice's clock, or an ISO time with its own offset.

    A wall-clock time that does not exist (the spring-forward gap) is refused; one that happens
    twice (fall back) means the first.
    """
    try:
        moment = datetime.fromisoformat(value.strip().replace("  ", " "))
    except ValueError:
        raise UsageError(
            f"{value!r} is not a date and time; write it like 2026-12-01 09:00") from None
    if moment.tzinfo is not None:
        return moment
    local = moment.replace(tzinfo=zone, fold=0)
    if local.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != moment:
        raise UsageError(f"{value} does not exist in {zone.key} (the clocks skip it); "
                         "choose another time")
    return local


def local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"


def excerpt(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
