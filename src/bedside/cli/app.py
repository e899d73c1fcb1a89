"""The `bedside` command: one place turns bedside's errors into a clean line and exit code."""

from __future__ import annotations

import sys

import click

from bedside.cli.calendar_io import calendar_cmd, export_group, import_group
from bedside.cli.check import InputError, check
from bedside.cli.env import Env
from bedside.cli.networks_cmd import networks_cmd
from bedside.cli.posts import approve, audit_log, post, queue, unschedule
from bedside.cli.serve_cmd import serve
from bedside.cli.setup import account, init, member, strategy
from bedside.cli.worker_cmd import worker
from bedside.errors import BedsideError, ProfileError
from bedside.services.workspaces import NotFound, PermissionDenied
from bedside.store.session import StoreError

# Exit codes beyond the verdicts (0 ok, 1 warn, 2 block), named after sysexits(3).
EX_USAGE = 64
EX_NOINPUT = 66
EX_UNAVAILABLE = 69
EX_NOPERM = 77


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (check, init, member, account, strategy, post, queue, approve, unschedule,
                audit_log, import_group, export_group, calendar_cmd, worker, networks_cmd, serve):
    cli.add_command(command)


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
    except (ProfileError, InputError, NotFound) as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_NOINPUT
    except PermissionDenied as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_NOPERM
    except StoreError as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_UNAVAILABLE
    except BedsideError as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_USAGE
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
