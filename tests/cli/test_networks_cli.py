"""`bedside networks`: every registered network with its limits, needing no database."""

from __future__ import annotations

import json

import pytest

from bedside.cli.app import main
from bedside.networks import registry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["networks", *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_json_lists_every_registered_network_with_the_files_limits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEDSIDE_DATABASE_URL", "postgresql://127.0.0.1:1/nothing-listens")
    code, out, err = run(capsys, "--json")
    assert code == 0, err
    rows = {row["name"]: row for row in json.loads(out)}
    assert sorted(rows) == registry.names()
    bluesky = rows["bluesky"]["limits"]
    assert (bluesky["max_length"], bluesky["unit"]) == (300, "graphemes")
    assert bluesky["max_bytes"] == 3000
    assert bluesky["checked"] == "2026-11-27" and bluesky["source"].startswith("https://")
    outbox = rows["outbox"]
    assert outbox["available"] and outbox["connect"] == "credentials"
    assert outbox["limits"]["max_length"] == 5000 and outbox["title"] == "Outbox"
    assert rows["x"]["limits"]["unit"] == "weighted"  # from limits.toml, loaded or not


def test_a_connector_that_cannot_load_is_listed_with_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("ghost", "bedside_no_such_module:Ghost")
    code, out, err = run(capsys, "--json")
    ghost = next(row for row in json.loads(out) if row["name"] == "ghost")
    assert (ghost["available"], ghost["connect"], ghost["limits"]) == (False, None, None)
    assert "Cannot import bedside_no_such_module" in ghost["problem"]

    monkeypatch.setenv("COLUMNS", "160")
    code, out, err = run(capsys)
    assert code == 0, err
    assert "ghost" in out and "unavailable" in out and "5,000 characters" in out
    assert "ghost: Cannot import bedside_no_such_module" in out
