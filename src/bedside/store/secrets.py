"""Platform credentials sealed at rest with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`).

The key never lives in the database, so a dump of it holds no token in plain text. Where it comes
from, first found wins: the BEDSIDE_SECRET_KEY setting (several keys, comma-separated, newest
first, rotate without downtime), the OS keyring (service "bedside"), or a key file created on
first use in the data directory with mode 0600 (a headless server usually has no keyring).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bedside.errors import BedsideError
from bedside.settings import Settings

log = logging.getLogger(__name__)
KEYRING_SERVICE = "bedside"
KEYRING_USER = "credentials-key"
KEY_FILE = "secret.key"


class SecretError(BedsideError):
    """Credentials cannot be sealed or opened (wrong or missing key)."""


class Sealer:
    """Seals a credentials mapping to bytes and opens it again."""

    def __init__(self, keys: list[str]) -> None:
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys if k.strip()])
        except (ValueError, TypeError):
            raise SecretError(
                "BEDSIDE_SECRET_KEY is not a valid key (32 url-safe base64 bytes; "
                "make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)"
            ) from None

    def seal(self, credentials: Mapping[str, str]) -> bytes:
        return self._fernet.encrypt(json.dumps(dict(credentials), sort_keys=True).encode())

    def open(self, sealed: bytes) -> dict[str, str]:
        try:
            data = json.loads(self._fernet.decrypt(sealed))
        except InvalidToken:
            raise SecretError(
                "stored credentials cannot be opened with this secret key; "
                "was BEDSIDE_SECRET_KEY or the key file changed?"
            ) from None
        return {str(k): str(v) for k, v in data.items()}

    def rotate(self, sealed: bytes) -> bytes:
        """Re-seal with the newest key (after adding a new key in front of the old ones)."""
        return self._fernet.rotate(sealed)


def sealer_for(settings: Settings) -> Sealer:
    if settings.secret_key:
        return Sealer(settings.secret_key.split(","))
    key = _keyring_key()
    if key is None:
        key = _file_key(settings.data_dir / KEY_FILE)
    return Sealer([key])


def _keyring_key() -> str | None:
    if os.environ.get("BEDSIDE_NO_KEYRING"):
        return None
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or backend.priority <= 0:
            return None
        key = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        if key is None:
            key = Fernet.generate_key().decode()
            keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
        return key
    except Exception as exc:  # any keyring backend failure: fall back to the key file
        log.info("OS keyring unavailable (%s); using the key file", type(exc).__name__)
        return None


def _file_key(path: Path) -> str:
    """Read the key file, or create it atomically (written aside, then linked into place)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(Fernet.generate_key().decode() + "\n")
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(aside, path)  # fails if another process won the race: use its key
    except FileExistsError:
        pass
    finally:
        aside.unlink()
    return path.read_text().strip()
