"""`bedside post`, `queue`, `approve`, `unschedule` and `audit`: from a draft to the ledger."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime

import click
from rich.table import Table
from rich.text import Text

from bedside.cli.env import Env, emit_json, excerpt, local, parse_when, pass_env
from bedside.errors import UsageError
from bedside.services import audit, plan, publish
from bedside.services.publish import Enqueue, LedgerView, PostView

_STYLE = {"info": "underline cyan", "warn": "bold black on yellow", "block": "bold white on red"}
_MARK = {"block": "[bold red]BLOCK[/]", "warn": "[yellow]WARN [/]", "info": "[cyan]INFO [/]"}


def enqueuer(env: Env) -> Enqueue:
    """Hand due ledger rows to the worker's queue (the reconciler re-queues any that are lost)."""

    def enqueue(ids: Sequence[int], at: datetime) -> None:
        from bedside import worker  # the queue is opened only when something is due

        worker.enqueue(ids, at, settings=env.settings)

    return enqueue


def render(env: Env, post: PostView) -> None:
    zone = env.zone(env.actor())
    styled = Text(post.text)
    for f in post.findings:
        if f.network is None or f.network not in post.variants:
            if f.end > f.start:
                styled.stylize(_STYLE[f.severity], f.start, f.end)
    env.console.print(styled)
    seen: set[tuple[str, int, int]] = set()
    for f in post.findings:
        if (f.rule, f.start, f.end) in seen:
            continue
        seen.add((f.rule, f.start, f.end))
        where = f" [{f.network}]" if f.network in post.variants else ""
        env.console.print(f"{_MARK[f.severity]} {f.rule}{where}: [bold]{f.excerpt!r}[/] "
                          f"{f.message}", markup=True)
        if f.suggestion:
            env.console.print(f"      suggestion: {f.suggestion}", markup=False)
    targets = ", ".join(t.label for t in post.targets) or "no accounts yet"
    env.console.print(f"post {post.id} v{post.version} → {targets}: [bold]{post.stage}[/]"
                      + (f" for {local(post.scheduled_at, zone)}" if post.scheduled_at else ""))
    for w in post.warnings:
        env.console.print(f"[yellow]warning:[/] {w}")
    if post.unresolved:
        env.console.print("blocked until fixed, or a reviewer overrides: "
                          f"bedside approve {post.id} --override RULE --reason '…'")


@click.command()
@click.argument("text", required=False)
@click.option("--to", "to", multiple=True, metavar="ACCOUNT",
              help="An account (id, network:handle or handle); repeat for several.")
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="When, on the practice's clock (or with an explicit offset).")
@click.option("--slot", is_flag=True, help="Schedule in the first account's next free slot.")
@click.option("--variant", "variants", multiple=True, metavar="NETWORK=TEXT",
              help="A network's own wording (repeat).")
@click.option("--link", help="A link to publish with the post.")
@click.option("--edit", "edit_id", type=int, metavar="POST",
              help="Save TEXT as a new version of an existing post instead.")
@click.option("--review", "ask_review", is_flag=True,
              help="Ask a reviewer to sign off; the post waits for their answer.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def post(env: Env, text: str | None, to: tuple[str, ...], at: str | None, slot: bool,
         variants: tuple[str, ...], link: str | None, edit_id: int | None, ask_review: bool,
         as_json: bool) -> None:
    """Compose a post (TEXT, or - for standard input), see the guard's findings, schedule it."""
    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise click.UsageError("give the post's TEXT, or - to read it from standard input")
        text = sys.stdin.read()
    if at and slot:
        raise click.UsageError("use --at or --slot, not both")
    own: dict[str, str] = {}
    for v in variants:
        network, sep, body = v.partition("=")
        if not sep or not network.strip():
            raise click.UsageError(f"--variant {v!r}: write it as NETWORK=TEXT")
        own[network.strip().lower()] = body
    actor = env.actor()
    enqueue = enqueuer(env)
    if edit_id is not None:
        view = publish.revise(env.store, actor, edit_id, text=text, variants=own or None,
                              link=link, to=to or None, enqueue=enqueue)
    else:
        view = publish.compose(env.store, actor, text, to=to, variants=own, link=link)
    if ask_review and not view.review_requested:
        view = publish.request_review(env.store, actor, view.id)  # before any time is set
    when = None
    if slot:
        if not view.targets:
            raise UsageError("--slot needs an account (--to)")
        when = plan.next_free_slot(env.store, actor, view.targets[0].id)
    elif at:
        when = parse_when(at, env.zone(actor))
    if when is not None:
        try:
            view = publish.schedule(env.store, actor, view.id, when, enqueue=enqueue,
                                    strategy=plan.get_strategy(env.store, actor))
        except publish.Blocked as exc:
            if as_json:
                emit_json({**view.to_dict(), "error": str(exc)})
            else:
                render(env, view)
            raise
    if as_json:
        emit_json(view.to_dict())
    else:
        render(env, view)


@click.command()
@click.option("--account", "account_ref", help="Only this account.")
@click.option("--all", "show_all", is_flag=True, help="Include published and cancelled rows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def queue(env: Env, account_ref: str | None, show_all: bool, as_json: bool) -> None:
    """The queue: every post and its state on each account, from the ledger."""
    actor = env.actor()
    zone = env.zone(actor)
    posts = publish.list_posts(env.store, actor)
    rows: list[tuple[PostView, LedgerView | None]] = []
    for p in posts:
        if p.status == "draft" and not p.ledger and not show_all:
            continue
        ledger = p.ledger or []
        if not ledger:
            rows.append((p, None))
        for entry in ledger:
            if account_ref and account_ref not in (entry.account, entry.account.split(":")[1]):
                continue
            if entry.state in ("published", "cancelled") and not show_all:
                continue
            rows.append((p, entry))
    if as_json:
        emit_json([{"post": p.id, "version": p.version, "stage": p.stage,
                    "scheduled_at": p.scheduled_at.isoformat() if p.scheduled_at else None,
                    "excerpt": excerpt(p.text),
                    **({"publication": row.to_dict()} if row else {})}
                   for p, row in rows])
        return
    table = Table("post", "when", "account", "state", "text", "detail")
    for p, row in rows:
        detail = (row.remote_url or row.last_error or "") if row else ""
        table.add_row(f"{p.id} v{p.version}", local(row.due_at if row else p.scheduled_at, zone),
                      row.account if row else ", ".join(t.label for t in p.targets),
                      row.state if row else p.stage, excerpt(p.text, 40), detail)
    env.console.print(table)


@click.command()
@click.argument("post_id", type=int, required=False)
@click.option("--version", type=int, help="The version you read (refused if it is not current).")
@click.option("--note", help="A note for the author (required to reject).")
@click.option("--reject", "rejecting", is_flag=True, help="Reject the version.")
@click.option("--override", "rules", multiple=True, metavar="RULE",
              help="Let a blocking finding through (repeat); needs --reason.")
@click.option("--reason", help="Why the override is safe (kept in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def approve(env: Env, post_id: int | None, version: int | None, note: str | None,
            rejecting: bool, rules: tuple[str, ...], reason: str | None, as_json: bool) -> None:
    """Sign off a post's current version; without POST_ID, list what awaits review."""
    actor = env.actor()
    if post_id is None:
        waiting = publish.awaiting_review(env.store, actor)
        if as_json:
            emit_json([p.to_dict() for p in waiting])
            return
        if not waiting:
            env.console.print("nothing awaits review")
        for p in waiting:
            render(env, p)
            env.console.print()
        return
    enqueue = enqueuer(env)
    if rejecting:
        view = publish.reject(env.store, actor, post_id, note=note or "", version=version)
    elif rules:
        for rule in rules:
            view = publish.override(env.store, actor, post_id, rule=rule, reason=reason or "",
                                    version=version, enqueue=enqueue)
    else:
        view = publish.approve(env.store, actor, post_id, note=note, version=version,
                               enqueue=enqueue)
    if as_json:
        emit_json(view.to_dict())
    else:
        render(env, view)


@click.command()
@click.argument("post_id", type=int)
@pass_env
def unschedule(env: Env, post_id: int) -> None:
    """Take a post off the calendar (back to draft)."""
    view = publish.unschedule(env.store, env.actor(), post_id)
    env.console.print(f"post {view.id} is a draft again")


@click.command("audit")
@click.option("--action", help="Only actions starting with this (post., account., …).")
@click.option("--post", "post_id", type=int, help="Only this post.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def audit_log(env: Env, action: str | None, post_id: int | None, limit: int,
              as_json: bool) -> None:
    """The audit log: who did what to which post version, when, and why."""
    actor = env.actor()
    zone = env.zone(actor)
    entries = audit.list_entries(env.store, actor, action=action, post_id=post_id, limit=limit)
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    table = Table("at", "who", "action", "post", "reason")
    for e in entries:
        table.add_row(local(e.at, zone), e.actor or "system", e.action, str(e.post_id or ""),
                      e.reason or "")
    env.console.print(table)
