"""`bedside networks`: the registered networks, how an account connects, and their limits."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from bedside.cli.env import Env, emit_json, pass_env
from bedside.errors import BedsideError
from bedside.networks import registry
from bedside.networks.base import Limits
from bedside.networks.limits import MissingLimits, limits_for


def describe(name: str) -> dict[str, Any]:
    """One network as `bedside networks --json` shows it; a connector that fails to load says why.

    Limits come from guard/data/limits.toml (or the connector's own, for the outbox), so the
    list works even when a connector's SDK is missing.
    """
    cls: type | None = None
    problem = None
    try:
        cls = registry.network_class(name)
    except BedsideError as exc:
        problem = str(exc)
    try:
        limits: Limits | None = limits_for(name)
    except MissingLimits:
        found = getattr(cls, "limits", None)
        limits = found if isinstance(found, Limits) else None
    if cls is None:
        connect = None
    elif hasattr(cls, "authorization_url"):
        connect = "oauth"
    else:
        connect = "credentials"
    return {
        "name": name,
        "title": limits.name if limits else name,
        "target": registry.target(name),
        "available": cls is not None,
        "problem": problem,
        "connect": connect,
        "limits": None if limits is None else {
            "max_length": limits.max_length, "unit": limits.unit, "max_bytes": limits.max_bytes,
            "max_images": limits.max_images, "alt_text_max": limits.alt_text_max,
            "bio_max": limits.bio_max, "display_name_max": limits.display_name_max,
            "checked": limits.checked, "source": limits.source,
        },
    }


@click.command("networks")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def networks_cmd(env: Env, as_json: bool) -> None:
    """List the networks bedside can publish to, with their limits."""
    rows = [describe(name) for name in registry.names()]
    if as_json:
        emit_json(rows)
        return
    table = Table(box=None, header_style="bold")
    for column in ("network", "connect", "post length", "images", "bio", "name", "checked"):
        table.add_column(column, no_wrap=column != "post length")
    for row in rows:
        limits = row["limits"] or {}
        length = f"{limits['max_length']:,} {limits['unit']}" if limits else "?"
        if limits.get("max_bytes"):
            length += f" / {limits['max_bytes']:,} bytes"
        table.add_row(
            row["name"], row["connect"] or "[red]unavailable[/red]", length,
            _count(limits.get("max_images")), _count(limits.get("bio_max")),
            _count(limits.get("display_name_max")), limits.get("checked") or "",
        )
    env.console.print(table)
    for row in rows:
        if row["problem"]:
            env.console.print(f"{row['name']}: {row['problem']}", soft_wrap=True)


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"
