"""The `bedside` command: one place turns bedside's errors into a clean line and exit code."""

from __future__ import annotations

import sys

import click

from bedside.cli.check import InputError, check
from bedside.errors import BedsideError, ProfileError

# Exit codes beyond the verdicts (0 ok, 1 warn, 2 block), named after sysexits(3).
EX_USAGE = 64
EX_NOINPUT = 66


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bedside")
def cli() -> None:
    """Bedside: a social-media manager for physicians that checks every word before it goes."""


cli.add_command(check)


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
    except (ProfileError, InputError) as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_NOINPUT
    except BedsideError as exc:
        click.echo(f"bedside: {exc}", err=True)
        code = EX_USAGE
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
