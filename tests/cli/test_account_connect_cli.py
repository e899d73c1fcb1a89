"""`bedside account connect` and `bedside account callback`, end to end, on both backends."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet

from bedside.cli.app import main
from bedside.networks import registry
from bedside.services import accounts

TESTS = Path(__file__).resolve().parents[1]
PROFILE = '[practice]\nname = "Lakeside Family Medicine"\ntimezone = "America/Chicago"\n'


def _replay() -> Any:
    if "replay" not in sys.modules:
        spec = importlib.util.spec_from_file_location("replay", TESTS / "networks" / "replay.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["replay"] = module
        spec.loader.exec_module(module)
    return sys.modules["replay"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def workspace(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    monkeypatch.setenv("BEDSIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BEDSIDE_DATABASE_URL", database_url)
    monkeypatch.setenv("BEDSIDE_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("BEDSIDE_QUEUE_URL", "")
    for name in ("BEDSIDE_USER", "BEDSIDE_WORKSPACE", "BEDSIDE_OAUTH_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.syspath_prepend(str(TESTS / "services"))
    monkeypatch.setattr(registry, "_TARGETS", dict(registry._TARGETS))
    registry.register("oauthbox", "oauth_network:OAuthOutbox")
    profile = tmp_path / "practice.toml"
    profile.write_text(PROFILE)
    code, _, err = run(capsys, "init", "--practice", str(profile), "--owner", "a@lakeside.example")
    assert code == 0, err
    yield
    sys.modules.pop("oauth_network", None)


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    code, out, err = run(capsys, "account", "list", "--json")
    assert code == 0, err
    return {row["handle"]: row for row in json.loads(out)}


def test_connect_with_a_credential_from_the_environment(
    workspace: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEDSIDE_CREDENTIAL_TOKEN", "t-hunter2-token")
    code, out, err = run(capsys, "account", "connect", "outbox", "northside",
                         "--credential", "token")
    assert code == 0, err
    assert "connected account 1: outbox:northside" in out and "hunter2" not in out + err
    assert listed(capsys)["northside"]["has_credentials"] is True
    code, out, err = run(capsys, "account", "connect", "outbox", "bare", "--json")
    assert code == 0 and json.loads(out)["has_credentials"] is True


def test_connect_in_a_browser_then_the_callback(
    workspace: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run(capsys, "account", "connect", "oauthbox", "lakeside.doc",
                         "--redirect-uri", "http://127.0.0.1:8765/callback")
    assert code == 0, err
    url = next(line for line in out.splitlines() if line.startswith("https://auth.example/"))
    assert "bedside account callback" in out
    [state] = parse_qs(urlsplit(url).query)["state"]

    recording = _replay().load("example", "oauth_connect", code="SplxlOBeZQQYbYS6WxSbIA",
                               username="lakeside.doc")
    monkeypatch.setattr(accounts, "new_http_client", recording.client)
    back = f"http://127.0.0.1:8765/callback?code=SplxlOBeZQQYbYS6WxSbIA&state={state}"
    code, out, err = run(capsys, "account", "callback", back, "--json")
    assert code == 0, err
    recording.verify()
    assert json.loads(out)["handle"] == "lakeside.doc"
    assert listed(capsys)["lakeside.doc"]["network"] == "oauthbox"

    code, out, err = run(capsys, "account", "callback", back)
    assert code == 64 and "start again with `bedside account connect`" in err
    assert "Traceback" not in err


def test_unknown_networks_and_refusals_are_one_line(
    workspace: None, capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "account", "connect", "myspace", "someone")
    assert code == 64 and "Unknown network 'myspace'" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--as", "nobody@lakeside.example", "account", "connect",
                       "outbox", "x")
    assert code != 0 and "Traceback" not in err
