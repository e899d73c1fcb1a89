"""`bedside check`: run the guard on one text, or on JSON lines for whole corpora."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO, cast

import click
from rich.console import Console
from rich.progress import Progress
from rich.text import Text

from bedside.errors import EX_NOINPUT, BedsideError
from bedside.guard import Context, Practice, Report, load_practice
from bedside.guard import check as guard_check
from bedside.guard.context import NETWORKS, Account, Kind
from bedside.guard.warm import kept_tables, warm_up
from bedside.guard_memo import remembered

VERDICT_EXIT = {"ok": 0, "warn": 1, "block": 2}
LONG_RUN = 500  # lines: worth a progress bar and the guard's warm-up
_STYLE = {"info": "underline cyan", "warn": "bold black on yellow", "block": "bold white on red"}


class InputError(BedsideError):
    """The text to check cannot be read."""

    exit_code = EX_NOINPUT


def _read_text(text: str | None) -> str:
    if text is None or text == "-":
        if sys.stdin is None or (text is None and sys.stdin.isatty()):
            raise click.UsageError("give the TEXT to check, or - to read standard input")
        try:
            return sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read standard input: {exc}") from exc
    return text


def _render(console: Console, report: Report) -> None:
    styled = Text(report.text)
    for f in report.findings:
        if f.end > f.start:
            styled.stylize(_STYLE[f.severity], f.start, f.end)
    console.print(styled)
    console.print()
    for f in report.findings:
        mark = {"block": "[bold red]BLOCK[/]", "warn": "[yellow]WARN [/]", "info": "[cyan]INFO [/]"}
        kind = f" ({f.phi_type})" if f.phi_type else ""
        console.print(f"{mark[f.severity]} {f.rule}{kind}: [bold]{f.excerpt!r}[/] {f.message}",
                      markup=True, highlight=False)
        if f.suggestion:
            console.print(f"      suggestion: {f.suggestion}", highlight=False, markup=False)
        if f.source:
            console.print(f"      source: {f.source}", style="dim", highlight=False, markup=False)
    labels = [name for name, on in (("promotional", report.labels.promotional),
                                     ("personal", report.labels.personal)) if on]
    console.print(f"labels: {', '.join(labels) or 'none'}", highlight=False)
    colour = {"ok": "green", "warn": "yellow", "block": "red"}[report.verdict]
    console.print(f"verdict: [bold {colour}]{report.verdict}[/]")


def _line_context(obj: dict[str, Any], practice: Practice, defaults: Context) -> Context:
    kind = obj.get("kind", defaults.kind)
    account = obj.get("account", defaults.account)
    network = obj.get("platform", obj.get("network", defaults.network))
    if kind not in ("post", "reply"):
        raise ValueError(f"kind must be 'post' or 'reply', not {kind!r}")
    if account not in ("practice", "personal"):
        raise ValueError(f"account must be 'practice' or 'personal', not {account!r}")
    if network is not None and network not in NETWORKS:
        raise ValueError(f"unknown platform {network!r}")
    return Context(network=network, kind=cast(Kind, kind), account=cast(Account, account),
                   practice=practice)


def _jsonl_line(raw: str, practice: Practice, defaults: Context) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"not valid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(obj, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    ident = obj.get("id")
    text = obj.get("text")
    if ident is None:
        return {"id": None, "error": "missing 'id'"}
    if not isinstance(text, str):
        return {"id": ident, "error": "missing 'text' (a string)"}
    try:
        ctx = _line_context(obj, practice, defaults)
    except ValueError as exc:
        return {"id": ident, "error": str(exc)}
    return {"id": ident, **guard_check(text, ctx).to_dict()}


def _emit(out: TextIO, row: dict[str, Any]) -> None:
    """One output line, readable as UTF-8; a lone surrogate from the input (JSON allows one)
    cannot be encoded, so that line keeps JSON's own escapes instead."""
    try:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    except UnicodeEncodeError:  # raised before anything of the line is written
        out.write(json.dumps(row) + "\n")


def _run_jsonl(practice: Practice, defaults: Context) -> int:
    try:
        lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read standard input: {exc}") from exc
    out = sys.stdout
    if len(lines) >= LONG_RUN:
        warm_up(practice)
    progress = Progress(console=Console(stderr=True), transient=True,
                        disable=len(lines) < LONG_RUN or not sys.stderr.isatty())
    # A short run is mostly the tables' build (warm_up keeps them for a long one).
    with progress, nullcontext() if len(lines) >= LONG_RUN else kept_tables():
        task = progress.add_task("checking", total=len(lines))
        for line in lines:
            _emit(out, _jsonl_line(line, practice, defaults))
            progress.advance(task)
    out.flush()
    return 0


@click.command("check")
@click.argument("text", required=False)
@click.option("--network", type=click.Choice(NETWORKS, case_sensitive=False),
              help="Where it goes.")
@click.option("--kind", type=click.Choice(["post", "reply"]), default="post", show_default=True,
              help="A new post, or a reply to a comment or review.")
@click.option("--account", type=click.Choice(["practice", "personal"]), default="practice",
              show_default=True, help="Which account it goes out from.")
@click.option("--practice", "practice_file", type=click.Path(path_type=Path),
              help="The practice profile (TOML): its own details are never patient identifiers.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--jsonl", is_flag=True, help="Read JSON lines on stdin, write one report a line.")
def check(text: str | None, network: str | None, kind: str, account: str,
          practice_file: Path | None, as_json: bool, jsonl: bool) -> None:
    """Check TEXT (or - for stdin): exit 0 when clean, 1 when the worst finding warns, 2 when
    one blocks."""
    profile = load_practice(practice_file) if practice_file is not None else Practice()
    ctx = Context(network=network.lower() if network else None, kind=cast(Kind, kind),
                  account=cast(Account, account), practice=profile)
    if jsonl:
        if text is not None:
            raise click.UsageError("--jsonl reads standard input; give no TEXT")
        with remembered():
            code = _run_jsonl(profile, ctx)
        raise click.exceptions.Exit(code)
    draft = _read_text(text)
    with remembered(), kept_tables():  # one check: its tables are most of its time
        report = guard_check(draft, ctx)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _render(Console(highlight=False), report)
    raise click.exceptions.Exit(VERDICT_EXIT[report.verdict])
