"""`bedside import csv|archive`, `export csv` and `calendar --ics`: the calendar in and out."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from bedside.cli.env import Env, emit_json, excerpt, local, pass_env
from bedside.cli.posts import enqueuer
from bedside.errors import UsageError
from bedside.networks import NetworkContext
from bedside.networks.base import Network
from bedside.networks.registry import get_network
from bedside.services import archive, calendar


def _read(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; save the CSV as UTF-8") from None


def _write(path: str | None, data: bytes) -> None:
    if path in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@click.group("import")
def import_group() -> None:
    """Bring posts in."""


@import_group.command("csv")
@click.argument("file")
@click.option("--to", "to", multiple=True, required=True, metavar="ACCOUNT",
              help="The accounts every row goes to (repeat).")
@click.option("--day-first", is_flag=True,
              help="Dates are dd/mm/yyyy hh:mm (default mm/dd/yyyy hh:mm, as Hootsuite's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def import_csv(env: Env, file: str, to: tuple[str, ...], day_first: bool, as_json: bool) -> None:
    """Import a Hootsuite bulk-composer CSV (date-time, message, optional link).

    A malformed row stops the import with its line number and nothing is imported. Rows the
    guard blocks are kept as drafts to fix, not scheduled.
    """
    actor = env.actor()
    report = calendar.import_csv(env.store, actor, _read(file), to=list(to), day_first=day_first,
                                 enqueue=enqueuer(env))
    if as_json:
        emit_json({"scheduled": [p.to_dict() for p in report.scheduled],
                   "blocked": [{"line": line, **p.to_dict()} for line, p in report.blocked],
                   "warnings": report.warnings})
        return
    zone = env.zone(actor)
    env.console.print(f"imported {len(report.scheduled) + len(report.blocked)} posts: "
                      f"{len(report.scheduled)} scheduled, {len(report.blocked)} held as drafts")
    for p in report.scheduled:
        env.console.print(f"  post {p.id}: {local(p.scheduled_at, zone)}  {excerpt(p.text, 50)}")
    for line, p in report.blocked:
        env.console.print(f"  [red]line {line}[/]: post {p.id} held, blocked by "
                          f"{', '.join(p.unresolved)}: {excerpt(p.text, 50)}")
    for w in report.warnings:
        env.console.print(f"[yellow]warning:[/] {w}")


@import_group.command("archive")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option("--account", "account_ref", required=True, metavar="ACCOUNT",
              help="The account whose export it is (id, network:handle or handle).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def import_archive(env: Env, file: Path, account_ref: str, as_json: bool) -> None:
    """Import a network's own data export as the account's published history.

    Bluesky repository (CAR), Mastodon outbox.json, X archive (tweets.js or the zip), Facebook
    export JSON, LinkedIn Shares.csv. No API key is needed. The whole file is read before
    anything is stored: a damaged file stops with its position and nothing is imported. Posts
    already held are skipped, so importing again is safe. Every post is checked by the guard:
    old posts can hold patient details.
    """
    actor = env.actor()
    data_dir = env.settings.data_dir

    def networks(name: str) -> Network:
        # Reading an export is offline: the connector gets no HTTP client.
        return get_network(name, NetworkContext(data_dir=data_dir))

    with _progress(show=not as_json) as progress:
        report = archive.import_archive(env.store, actor, account_ref, file, networks=networks,
                                        progress=progress)
    if as_json:
        emit_json(report.to_dict())
        return
    zone = env.zone(actor)
    env.console.print(f"{report.account}: {report.read} posts read from {file.name}; "
                      f"{report.imported} imported, {report.already_held} already held"
                      + (f", {report.repeated} repeated in the file" if report.repeated else ""))
    if report.first and report.last:
        env.console.print(f"  posted from {local(report.first, zone)} to "
                          f"{local(report.last, zone)}")
    if report.snapshots:
        env.console.print(f"  counts (likes, replies…) kept for {report.snapshots} posts")
    if report.blocked:
        rules = ", ".join(f"{rule} ({n})" for rule, n in report.rules.items())
        env.console.print(f"  [red]{report.blocked} imported posts would be blocked today[/]: "
                          f"{rules}. See them with `bedside queue --all`.")
    elif report.rules:
        rules = ", ".join(f"{rule} ({n})" for rule, n in report.rules.items())
        env.console.print(f"  [yellow]warnings[/] on imported posts: {rules}")


_STAGES = {"reading": "Reading the export", "checking": "Checking every post",
           "storing": "Storing"}


@contextmanager
def _progress(*, show: bool) -> Iterator[archive.Progress | None]:
    """A progress bar on standard error when it is a terminal (never in --json output)."""
    console = Console(stderr=True)
    if not show or not console.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


@click.group("export")
def export_group() -> None:
    """Take posts out."""


@export_group.command("csv")
@click.argument("file", required=False)
@click.option("--day-first", is_flag=True, help="Write dates as dd/mm/yyyy hh:mm.")
@pass_env
def export_csv(env: Env, file: str | None, day_first: bool) -> None:
    """Export scheduled posts as a bulk-composer CSV (to FILE, or standard output)."""
    _write(file, calendar.export_csv(env.store, env.actor(), day_first=day_first).encode())


@click.command("calendar")
@click.option("--ics", "ics", is_flag=True, required=True,
              help="Write the calendar as an iCalendar (RFC 5545) feed.")
@click.option("--output", "-o", help="A file to write (default: standard output).")
@click.option("--excerpt", "excerpt_chars", type=click.IntRange(0, 200), default=40,
              show_default=True, help="Characters of each post in the feed (0: none).")
@pass_env
def calendar_cmd(env: Env, ics: bool, output: str | None, excerpt_chars: int) -> None:
    """The content calendar for a calendar app (planned, published and failed posts)."""
    _write(output, calendar.calendar_feed(env.store, env.actor(), excerpt_chars=excerpt_chars))
