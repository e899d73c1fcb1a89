"""The `bedside` command: one place turns bedside's errors into a clean line and exit code."""

from __future__ import annotations

import importlib
import sys

import click

from bedside.cli.env import Env
from bedside.errors import EX_NOINPUT, EX_USAGE, BedsideError, ProfileError

# Each command's module, imported only when the command runs (or help lists it): `bedside check`
# then loads the guard alone, not the database layer the other commands need (a second of
# start-up, measured in docs/benchmarks.md).
COMMANDS = {
    "check": "bedside.cli.check:check",
    "init": "bedside.cli.setup:init",
    "member": "bedside.cli.setup:member",
    "account": "bedside.cli.setup:account",
    "strategy": "bedside.cli.setup:strategy",
    "post": "bedside.cli.posts:post",
    "queue": "bedside.cli.posts:queue",
    "approve": "bedside.cli.posts:approve",
    "unschedule": "bedside.cli.posts:unschedule",
    "audit": "bedside.cli.posts:audit_log",
    "import": "bedside.cli.calendar_io:import_group",
    "export": "bedside.cli.calendar_io:export_group",
    "calendar": "bedside.cli.calendar_io:calendar_cmd",
    "worker": "bedside.cli.worker_cmd:worker",
    "networks": "bedside.cli.networks_cmd:networks_cmd",
    "serve": "bedside.cli.serve_cmd:serve",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading
    pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bedside")
@click.option("--as", "user", envvar="BEDSIDE_USER", metavar="EMAIL",
              help="Act as this member (default: the practice's owner).")
@click.option("--workspace", envvar="BEDSIDE_WORKSPACE", metavar="SLUG",
              help="The practice to work on (default: the only one).")
@click.pass_context
def cli(ctx: click.Context, user: str | None, workspace: str | None) -> None:
    """Bedside: a social-media manager for physicians that checks every word before it goes."""
    env = ctx.ensure_object(Env)
    env.user, env.workspace = user, workspace
    ctx.call_on_close(env.close)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user mistakes end in one line on stderr and a non-verdict exit code."""
    try:
        code = cli.main(args=argv, prog_name="bedside", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        click.echo("bedside: aborted", err=True)
        code = 130
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        code = 0
    except click.UsageError as exc:
        click.echo(f"bedside: {exc.format_message()}", err=True)
        code = EX_USAGE
    except ProfileError as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_NOINPUT
    except BedsideError as exc:  # its class says which code (errors.py, sysexits(3))
        click.echo(f"bedside: {exc}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
