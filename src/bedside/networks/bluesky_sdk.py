"""The atproto SDK on bedside's terms: its transport on the injected httpx client, and its
exceptions as the publisher's TransientError or PermanentError.

Errors: XRPC https://atproto.com/specs/xrpc#error-responses; rate limits and their RateLimit-*
and Retry-After headers https://docs.bsky.app/docs/advanced-guides/rate-limits. The SDK raises
UnauthorizedError (401, 403), BadRequestError (400), RateLimitExceededError (429, with
`retry_after` and `reset_at`), NetworkError (transport failures, 409, 413, 502),
InvokeTimeoutError, and RequestException for the rest (atproto_client/request.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
from atproto_client import exceptions as sdk
from atproto_client.models.common import XrpcError
from atproto_client.request import Request, RequestBase

from bedside.networks.base import PermanentError, TransientError

__all__ = ["SESSION_LOST", "SharedRequest", "error_code", "errors", "said"]

# The server forgot the session (expired or revoked refresh token): log in again once.
SESSION_LOST = ("ExpiredToken", "InvalidToken")


class SharedRequest(Request):  # type: ignore[misc]  # atproto ships no type hints
    """The SDK's transport on the one injected httpx client (never closed here: not ours)."""

    def __init__(self, client: httpx.Client) -> None:
        RequestBase.__init__(self)
        self._client_kwargs: dict[str, Any] = {}
        self._client = client

    def _send_request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        # The SDK hands raw bytes (blob uploads) to httpx as `data=`, which httpx 0.28
        # deprecates in favour of `content=`: same request, no warning.
        if isinstance(kwargs.get("data"), bytes):
            kwargs["content"] = kwargs.pop("data")
        response: httpx.Response = super()._send_request(method, url, **kwargs)
        return response

    def close(self) -> None:
        pass


def error_code(exc: sdk.RequestErrorBase) -> str | None:
    content = exc.response.content if exc.response is not None else None
    return content.error if isinstance(content, XrpcError) else None


def said(exc: sdk.RequestErrorBase) -> str:
    """The server's own words (error name and message), trimmed; never our request."""
    content = exc.response.content if exc.response is not None else None
    if isinstance(content, XrpcError):
        said = f"{content.error}: {content.message}" if content.message else content.error
    else:
        said = str(exc.response.status_code) if exc.response is not None else type(exc).__name__
    return said[:200]


@contextlib.contextmanager
def errors(action: str) -> Iterator[None]:
    """SDK exceptions as the publisher's TransientError or PermanentError."""
    try:
        yield
    except sdk.RateLimitExceededError as exc:
        wait = exc.retry_after
        if wait is None and exc.reset_at is not None:
            wait = max(0.0, (exc.reset_at - datetime.now(UTC)).total_seconds())
        raise TransientError(f"Bluesky: rate limit reached trying to {action}", retry_after=wait
                             ) from None
    except sdk.UnauthorizedError as exc:
        raise PermanentError(f"Bluesky refused the account trying to {action} ({said(exc)}): "
                             "reconnect it with a new app password.") from None
    except sdk.BadRequestError as exc:
        raise PermanentError(f"Bluesky refused to {action}: {said(exc)}") from None
    except sdk.InvokeTimeoutError:
        raise TransientError(f"Bluesky did not answer in time trying to {action}") from None
    except (sdk.NetworkError, sdk.RequestException) as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status is not None and 400 <= status < 500 and status not in (408, 409):
            raise PermanentError(f"Bluesky refused to {action}: {said(exc)}") from None
        raise TransientError(f"Bluesky could not {action} now ({said(exc)})") from None
