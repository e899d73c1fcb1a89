"""What the CLI tests share: `bedside` run through its own entry point on an initialised practice,
on both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bedside.cli.app import main

PROFILE = """[practice]
name = "Lakeside Family Medicine"
timezone = "America/Chicago"
phones = ["(555) 010-2000"]
staff = ["Dr. Anita Patel"]
"""


class Bedside:
    """`bedside` in this process: a call returns (exit code, stdout, stderr)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
        self.capsys, self.data_dir = capsys, data_dir

    def __call__(self, *args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = self.capsys.readouterr()
        return int(exited.value.code or 0), out, err

    def json(self, *args: str) -> Any:
        """The command's --json answer, parsed; the command must succeed."""
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def bedside(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Bedside:
    """A practice made by `bedside init` in a fresh data directory and database."""
    monkeypatch.setenv("BEDSIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BEDSIDE_DATABASE_URL", database_url)
    monkeypatch.setenv("BEDSIDE_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("BEDSIDE_QUEUE_URL", "")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TTY_COMPATIBLE", "0")  # no progress bar unless a test asks for one
    for name in ("BEDSIDE_USER", "BEDSIDE_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    profile = tmp_path / "practice.toml"
    profile.write_text(PROFILE)
    run = Bedside(capsys, tmp_path / "data")
    code, out, err = run("init", "--practice", str(profile), "--owner", "anita@lakeside.example")
    assert code == 0, err
    assert "lakeside-family-medicine" in out
    return run
