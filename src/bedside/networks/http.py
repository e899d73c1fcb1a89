"""HTTP answers mapped to what the publisher should do, for every REST connector.

    2xx                      fine
    429, 408, 5xx, network   TransientError, retry_after from Retry-After (seconds or an HTTP
                             date, RFC 9110 10.2.3) or X's x-rate-limit-reset (epoch seconds)
    401                      PermanentError: the token is wrong, expired or revoked: reconnect
    403                      PermanentError: the account may not do this (a missing permission)
    400, 413, 422, other 4xx PermanentError: the network refused the content; its message is kept
                             (trimmed) because it says what to change

Connectors may refine this with the network's own error codes (a comment links its docs).
"""

from __future__ import annotations

import contextlib
import email.utils
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from bedside.networks.base import PermanentError, TransientError

MAX_DETAIL = 200


def retry_after(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """Seconds to wait, from Retry-After or x-rate-limit-reset; None when neither says."""
    moment = now or datetime.now(UTC)
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - moment).total_seconds())
    reset = headers.get("x-rate-limit-reset") or headers.get("x-ratelimit-reset")
    if reset and reset.strip().isdigit():
        seconds = int(reset)
        # Epoch seconds (X) or seconds from now (some APIs): an epoch is far larger.
        return max(0.0, seconds - moment.timestamp()) if seconds > 10**9 else float(seconds)
    return None


def detail(response: httpx.Response) -> str:
    """The network's own words about an error, trimmed; never the request we sent."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:MAX_DETAIL]
    for path in (("error", "message"), ("error_description",), ("error",), ("message",),
                 ("detail",), ("errors", 0, "message"), ("title",)):
        value: object = body
        for key in path:
            if isinstance(key, int):
                value = value[key] if isinstance(value, list) and len(value) > key else None
            else:
                value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip()[:MAX_DETAIL]
    return str(body)[:MAX_DETAIL]


def raise_for_status(response: httpx.Response, *, network: str) -> None:
    status = response.status_code
    if status < 400:
        return
    said = detail(response)
    if status in (408, 429) or status >= 500:
        what = "rate limit reached" if status == 429 else f"answered {status}"
        raise TransientError(f"{network}: {what}: {said}", retry_after=retry_after(
            response.headers))
    if status == 401:
        raise PermanentError(f"{network} refused the account's credentials (expired or revoked?);"
                             f" reconnect the account: {said}")
    if status == 403:
        raise PermanentError(f"{network} does not allow this account to do that: {said}")
    raise PermanentError(f"content rejected by {network}: {said}")


@contextlib.contextmanager
def transport_errors(network: str) -> Iterator[None]:
    """A timeout or a refused connection is transient: the network may be back in a minute."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise TransientError(f"{network} did not answer in time ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise TransientError(f"{network} cannot be reached ({type(exc).__name__})") from None
