"""Credentials are sealed at rest: a database dump never holds a token in plain text."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bedside.settings import Settings
from bedside.store import Store
from bedside.store.models import Account, Workspace
from bedside.store.secrets import Sealer, SecretError, sealer_for

TOKEN = "bsky-app-pw-7d3k-q9x2-SECRET"


def test_seal_round_trip_and_wrong_key() -> None:
    sealer = Sealer([Fernet.generate_key().decode()])
    sealed = sealer.seal({"app_password": TOKEN})
    assert TOKEN.encode() not in sealed
    assert sealer.open(sealed) == {"app_password": TOKEN}
    with pytest.raises(SecretError, match="cannot be opened"):
        Sealer([Fernet.generate_key().decode()]).open(sealed)


def test_rotation_keeps_old_secrets_readable() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = Sealer([old]).seal({"token": TOKEN})
    both = Sealer([new, old])
    assert both.open(sealed) == {"token": TOKEN}
    assert Sealer([new]).open(both.rotate(sealed)) == {"token": TOKEN}


def test_bad_key_is_a_clear_error() -> None:
    with pytest.raises(SecretError, match="not a valid key"):
        Sealer(["not-a-key"])


def test_key_file_is_created_once_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_NO_KEYRING", "1")
    settings = Settings(tmp_path, "sqlite://", None, None)
    sealed = sealer_for(settings).seal({"token": TOKEN})
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sealer_for(settings).open(sealed) == {"token": TOKEN}


def test_database_dump_holds_no_plain_token(store: Store, settings: Settings) -> None:
    with store.session() as s:
        ws = Workspace(name="Maple Family Medicine", slug="maple", timezone="America/Chicago")
        s.add(ws)
        s.flush()
        s.add(Account(workspace_id=ws.id, network="bluesky", handle="maple.bsky.social",
                      kind="practice", credentials=sealer_for(settings).seal({"pw": TOKEN})))
    dump = _dump(store)
    assert "maple.bsky.social" in dump  # the dump is real and holds the account row
    assert TOKEN not in dump
    assert TOKEN.encode().hex() not in dump.lower()  # dumps write binary columns in hex


def _dump(store: Store) -> str:
    if store.dialect == "sqlite":
        raw = store.engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())  # type: ignore[union-attr]
        finally:
            raw.close()
    url = store.engine.url
    schema = url.query["options"].split("=", 1)[1]  # type: ignore[union-attr]
    out = subprocess.run(
        ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
         "-d", url.database or "test", "-n", schema, "--inserts"],
        check=True, capture_output=True, text=True,
    )
    return out.stdout
