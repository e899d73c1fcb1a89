"""The `bedside` group: each command imported when it runs, so `bedside check` starts with the
guard alone."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from bedside.cli.app import COMMANDS, cli


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_under_its_own_name(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_an_unknown_command_is_a_usage_error() -> None:
    assert cli.get_command(click.Context(cli), "publish-everything") is None
    out = subprocess.run([sys.executable, "-m", "bedside", "publish-everything"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 64
    assert "No such command 'publish-everything'" in out.stderr
    assert "Traceback" not in out.stderr


def test_check_does_not_load_the_database_layer() -> None:
    code = ("import sys\nfrom bedside.cli.app import main\n"
            "try:\n    main(['check', 'Wash your hands.'])\nexcept SystemExit as e:\n"
            "    print(e.code, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'huey') or m.startswith('bedside.store')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip().endswith("0 []"), out.stdout + out.stderr
