"""The session cookie: signed (itsdangerous), HttpOnly, SameSite=Lax, Secure over https.

The cookie holds ids and the CSRF token, never anything a page shows. Its signing key is derived
from BEDSIDE_SECRET_KEY when that is set (so several web processes agree), else it is a key file
in the data directory created on first use with mode 0600.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path
from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bedside.settings import Settings

COOKIE = "bedside_session"
MAX_AGE = 12 * 60 * 60  # a working day; then sign in again
KEY_FILE = "web-session.key"


def session_key(settings: Settings) -> str:
    """The key that signs session cookies (never the credentials key itself)."""
    if settings.secret_key:
        first = settings.secret_key.split(",")[0].strip().encode()
        return hmac.new(first, b"bedside web session cookie", hashlib.sha256).hexdigest()
    return _file_key(settings.data_dir / KEY_FILE)


def _file_key(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key


class SessionCookies:
    """Starlette's SessionMiddleware, with the Secure flag whenever the request came over https
    (uvicorn sets the scheme from X-Forwarded-Proto behind a trusted proxy)."""

    def __init__(self, app: ASGIApp, /, *, secret_key: str, **options: Any) -> None:
        options = {"session_cookie": COOKIE, "max_age": MAX_AGE, "same_site": "lax", **options}
        self.plain = SessionMiddleware(app, secret_key, https_only=False, **options)
        self.secure = SessionMiddleware(app, secret_key, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") in ("https", "wss")
        await (self.secure if https else self.plain)(scope, receive, send)
