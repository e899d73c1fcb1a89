"""The one HTTP client under SDKs built on `requests` (Mastodon.py, tweepy).

A connector's only road to the network is `NetworkContext.http`, an httpx.Client. Mastodon.py
and tweepy speak `requests`; both take a `requests.Session` (Mastodon.py's documented `session`
argument, tweepy's `Client.session` attribute), so the session we hand them carries a transport
adapter that sends every request through the injected httpx client. Tests therefore replay the
SDKs' traffic with the same httpx.MockTransport as any other connector, and nothing else can
open a socket.

The adapter also keeps the last response it saw: SDK exceptions drop headers such as
Retry-After, so `sdk_errors` maps the HTTP answer itself, through the connector's `raise_for`
(networks.http and the network's refinements).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from bedside.networks.base import AccountRef, PermanentError, TransientError

__all__ = ["HttpxAdapter", "access_token", "answered_before_creating", "sdk_errors",
           "session_over"]


class HttpxAdapter(BaseAdapter):
    """A requests transport adapter that sends through an httpx.Client."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__()
        self.client = client
        self.last: httpx.Response | None = None
        self.failure: httpx.TransportError | None = None

    def send(
        self, request: requests.PreparedRequest, stream: bool = False,
        timeout: Any = None, verify: Any = True, cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        outgoing = self.client.build_request(
            request.method or "GET", request.url or "", content=_content(request.body),
            headers=[(name, value if isinstance(value, str) else value.decode("latin-1"))
                     for name, value in request.headers.items()],
        )
        self.last, self.failure = None, None
        try:
            answer = self.client.send(outgoing)
        except httpx.TransportError as exc:
            self.failure = exc
            # requests' own error type: the SDKs catch it (Mastodon.py) or let it through (tweepy)
            raise requests.ConnectionError(f"{type(exc).__name__}", request=request) from exc
        self.last = answer
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers.items())
        response._content = answer.content
        response.encoding = answer.encoding
        response.url = str(answer.url)
        response.reason = answer.reason_phrase
        response.request = request
        return response

    def close(self) -> None:
        """The httpx client belongs to the caller: leave it open."""


def _content(body: object) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    read = getattr(body, "read", None)  # a file-like object
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, Iterable):  # chunks
        return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    raise TypeError(f"cannot send a request body of type {type(body).__name__}")


def session_over(client: httpx.Client) -> tuple[requests.Session, HttpxAdapter]:
    """A requests.Session whose every request goes through `client`, and its adapter.

    The session ignores the environment (proxies and .netrc credentials are httpx's business,
    and a .netrc entry must never replace the bearer token an SDK sets).
    """
    adapter = HttpxAdapter(client)
    session = requests.Session()
    session.trust_env = False
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


@contextlib.contextmanager
def sdk_errors(adapter: HttpxAdapter, *, network: str, sdk_error: type[Exception],
               raise_for: Callable[[httpx.Response], None],
               gone_ok: bool = False) -> Iterator[None]:
    """Turn what an SDK raises (`sdk_error`, requests' errors) into Transient/PermanentError.

    A connection never made is transient; an HTTP refusal is mapped from the answer the adapter
    kept (`raise_for`), a 404 not at all with `gone_ok`; anything else (a malformed answer) is
    left to the caller, who cannot tell.
    """
    try:
        yield
    except (sdk_error, requests.RequestException):
        if adapter.failure is not None:
            raise TransientError(f"{network} cannot be reached"
                                 f" ({type(adapter.failure).__name__})") from None
        answer = adapter.last
        if answer is None or answer.status_code < 400:
            raise
        if gone_ok and answer.status_code == 404:
            return
        raise_for(answer)


def answered_before_creating(answer: httpx.Response | None) -> bool:
    """429 means the request was turned away before any work; a 5xx may come after the insert."""
    return answer is not None and answer.status_code == 429


def access_token(account: AccountRef, *, network: str) -> str:
    """The account's access token, or a PermanentError asking to reconnect."""
    token = account.credentials.get("access_token")
    if not token:
        raise PermanentError(f"The {network} account {account.handle} has no access token:"
                             " reconnect it.")
    return token
