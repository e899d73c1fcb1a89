"""HTTP answers become transient or permanent errors, with Retry-After honoured."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bedside.networks.base import PermanentError, TransientError
from bedside.networks.http import raise_for_status, retry_after, transport_errors

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"Retry-After": "120"}, 120.0),
    ({"Retry-After": "Fri, 27 Nov 2026 12:00:30 GMT"}, 30.0),
    ({"Retry-After": "Fri, 27 Nov 2026 11:00:00 GMT"}, 0.0),
    ({"x-rate-limit-reset": str(int(NOW.timestamp()) + 900)}, 900.0),
    ({"x-ratelimit-reset": "60"}, 60.0),
    ({"Retry-After": "soon"}, None),
    ({}, None),
])
def test_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(httpx.Headers(headers), now=NOW) == seconds


def _response(status: int, body: object = None, headers: dict[str, str] | None = None
              ) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers,
                          request=httpx.Request("POST", "https://api.example/post"))


def test_statuses_map_to_what_the_publisher_should_do() -> None:
    raise_for_status(_response(201, {"id": "1"}), network="mastodon")
    with pytest.raises(TransientError) as t:
        raise_for_status(_response(429, {"error": "Too many requests"}, {"Retry-After": "7"}),
                         network="mastodon")
    assert t.value.retry_after == 7.0 and "rate limit" in str(t.value)
    with pytest.raises(TransientError):
        raise_for_status(_response(503, {"error": "down"}), network="x")
    with pytest.raises(PermanentError, match="reconnect the account: The access token expired"):
        raise_for_status(_response(401, {"error": "The access token expired"}), network="x")
    with pytest.raises(PermanentError, match="does not allow"):
        raise_for_status(_response(403, {"errors": [{"message": "no scope"}]}), network="x")
    with pytest.raises(PermanentError, match="content rejected by facebook: Invalid parameter"):
        raise_for_status(_response(400, {"error": {"message": "Invalid parameter", "code": 100}}),
                         network="facebook")


def test_transport_failures_are_transient() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    with pytest.raises(TransientError, match="cannot be reached"), transport_errors("linkedin"):
        client.get("https://api.linkedin.example/rest/posts")
