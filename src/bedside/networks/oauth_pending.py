"""OAuth 2 authorizations between the authorization URL and the callback, with PKCE.

`bedside account connect` and `bedside account callback` may run in two processes, minutes
apart. What the callback needs (the PKCE code verifier, and for Mastodon the server and the app
registered on it) waits in `<data_dir>/oauth-pending/<sha256(state)>.json`, mode 0600, for at
most `TTL`; `take` reads it once and deletes it, so a callback cannot be replayed. The file name
is a hash of `state`, which travels in the browser's address bar: the file does not.

PKCE: RFC 7636, S256 (https://www.rfc-editor.org/rfc/rfc7636#section-4.2).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

from bedside.networks.base import PermanentError

__all__ = ["TTL", "challenge", "new_verifier", "put", "take"]

TTL = 3600.0  # seconds a user has to finish signing in


def new_verifier() -> str:
    """A code verifier of 86 unreserved characters (RFC 7636 allows 43 to 128)."""
    return secrets.token_urlsafe(64)


def challenge(verifier: str) -> str:
    """The S256 code challenge: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def put(data_dir: Path, state: str, values: Mapping[str, str]) -> None:
    """Keep `values` for the callback that will carry `state`."""
    if len(state) < 16:
        raise ValueError("an OAuth state must be a random string of at least 16 characters")
    folder = data_dir / "oauth-pending"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _sweep(folder)
    path = _path(data_dir, state)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"created": time.time(), "values": dict(values)}, out)


def take(data_dir: Path, state: str, *, network: str) -> dict[str, str]:
    """The values kept for `state`, once; PermanentError when there are none or they expired."""
    path = _path(data_dir, state)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
    except (OSError, ValueError):
        document = None
    if not isinstance(document, dict) or time.time() - float(document["created"]) > TTL:
        raise PermanentError(
            f"This {network} sign-in link is unknown or more than an hour old:"
            " start connecting the account again.")
    values = document["values"]
    return {str(k): str(v) for k, v in values.items()}


def _path(data_dir: Path, state: str) -> Path:
    name = hashlib.sha256(state.encode("utf-8")).hexdigest()
    return data_dir / "oauth-pending" / f"{name}.json"


def _sweep(folder: Path) -> None:
    """Delete what nobody came back for."""
    limit = time.time() - TTL
    for stale in folder.glob("*.json"):
        try:
            if stale.stat().st_mtime < limit:
                stale.unlink()
        except OSError:
            pass
