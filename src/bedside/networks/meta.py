"""What Meta's Graph APIs (Facebook Pages, Instagram, Threads) share: errors, calls, app keys,
tokens' expiry, images served from a public address and the media container flow. The part of a
connector Instagram and Threads have in common is networks.graph_network.GraphNetwork.

Errors come as {"error": {"code", "error_subcode", "message", "error_user_msg", "is_transient"}},
often with HTTP 400 whatever the cause, so the code decides before the status does
(https://developers.facebook.com/docs/graph-api/guides/error-handling):

    1, 2, is_transient        a hiccup at Meta: transient
    4, 17, 32, 613, 341,      throttled (app, user, page, custom rate limits; Business Use Case
    80001-80014               limits): transient, waiting what X-Business-Use-Case-Usage says
    9 / 2207042               Instagram's daily publishing limit: transient, an hour at least
                              (https://developers.facebook.com/docs/instagram-platform/
                              instagram-graph-api/reference/error-codes)
    368                       blocked for a while for a policy breach: "wait and retry": transient
    102, 190 (any subcode)    the token expired, was revoked or the password changed: reconnect
    10, 200-299               a permission is missing: permanent
    506                       the same post twice in a row: content rejected
    anything else             networks.http's mapping by HTTP status
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bedside.networks import http
from bedside.networks.base import (
    AccountRef,
    Image,
    NetworkContext,
    NetworkError,
    PermanentError,
    Published,
    TransientError,
)
from bedside.networks.journal import Journal, send_once

__all__ = [
    "REFRESH_BEFORE",
    "App",
    "GraphClient",
    "expires_at",
    "expiring",
    "graph_error",
    "insight_values",
    "make_container",
    "public_image_url",
    "publish_once",
    "require",
    "timestamp",
    "wait_for_container",
]

REFRESH_BEFORE = timedelta(days=7)  # refresh early: a token past its date cannot be refreshed
_THROTTLED = {4, 17, 32, 341, 613, *range(80001, 80015)}
_MEDIA_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


@dataclass(frozen=True, slots=True)
class App:
    """A developer app's id and secret, the half of OAuth the installation owns."""

    client_id: str
    client_secret: str

    @classmethod
    def from_env(cls, network: str, environ: Mapping[str, str] | None = None) -> App:
        """Read BEDSIDE_<NETWORK>_CLIENT_ID and _CLIENT_SECRET; a clear error when unset."""
        env = os.environ if environ is None else environ
        prefix = f"BEDSIDE_{network.upper()}_CLIENT"
        client_id, secret = env.get(f"{prefix}_ID", ""), env.get(f"{prefix}_SECRET", "")
        if not client_id or not secret:
            raise PermanentError(
                f"To connect {network} accounts, set {prefix}_ID and {prefix}_SECRET to your"
                f" {network} developer app's id and secret."
            )
        return cls(client_id, secret)

    def __repr__(self) -> str:
        return f"App(client_id={self.client_id!r}, client_secret=<hidden>)"


def graph_error(response: httpx.Response, *, network: str) -> NetworkError | None:
    """The error a Graph API answer stands for, or None for a success (see module docstring)."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), int):
        try:
            http.raise_for_status(response, network=network)
        except NetworkError as exc:
            return exc
        return None
    code, sub = error["code"], error.get("error_subcode")
    said = str(error.get("error_user_msg") or error.get("message") or "")[: http.MAX_DETAIL]
    if code in _THROTTLED or (code == 9 and sub == 2207042):
        floor = 3600.0 if code == 9 else None
        wait = _usage_wait(response.headers) or http.retry_after(response.headers) or floor
        return TransientError(f"{network}: rate limit reached ({code}): {said}", retry_after=wait)
    if code in (1, 2) or error.get("is_transient") is True:
        return TransientError(f"{network} had a temporary problem ({code}): {said}",
                              retry_after=http.retry_after(response.headers))
    if code == 368:
        return TransientError(f"{network} blocks this account for a while (policy): {said}",
                              retry_after=3600.0)
    if code in (102, 190):
        return PermanentError(f"{network} refused the account's token (expired, revoked or the"
                              f" password changed); reconnect the account: {said}")
    if code == 10 or 200 <= code <= 299:
        return PermanentError(f"{network} does not allow this account to do that (missing"
                              f" permission {code}); reconnect and grant it: {said}")
    if code == 506:
        return PermanentError(f"content rejected by {network}: the same post twice in a row")
    if response.status_code >= 500:
        return TransientError(f"{network} answered {response.status_code}: {said}",
                              retry_after=http.retry_after(response.headers))
    return PermanentError(f"content rejected by {network} ({code}): {said}")


def _usage_wait(headers: httpx.Headers) -> float | None:
    """Minutes to regain access from X-Business-Use-Case-Usage, as seconds (the longest)."""
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = [entry.get("estimated_time_to_regain_access", 0)
               for entries in usage.values() if isinstance(entries, list)
               for entry in entries if isinstance(entry, dict)]
    longest = max((m for m in minutes if isinstance(m, int | float)), default=0)
    return float(longest) * 60 if longest else None


class GraphClient:
    """Calls to one Graph host through the injected client, errors mapped as above."""

    def __init__(self, context: NetworkContext, *, network: str, base: str) -> None:
        self.context, self.network, self.base = context, network, base

    @property
    def http(self) -> httpx.Client:
        if self.context.http is None:
            raise NetworkError(f"{self.network}: no HTTP client was given to the connector")
        return self.context.http

    def request(self, method: str, path: str, *, token: str | None = None,
                **kwargs: Any) -> httpx.Response:
        """Send one request; the token goes in the Authorization header, never the URL."""
        url = path if path.startswith("https://") else f"{self.base}/{path.lstrip('/')}"
        headers = dict(kwargs.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        with http.transport_errors(self.network):
            return self.http.request(method, url, headers=headers, **kwargs)

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        """Send one request and return its JSON; raise the mapped error."""
        return self.checked(self.request(method, path, token=token, **kwargs))

    def checked(self, response: httpx.Response) -> Any:
        error = graph_error(response, network=self.network)
        if error is not None:
            raise error
        try:
            return response.json()
        except ValueError:
            raise TransientError(f"{self.network} sent an answer that is not JSON") from None

    def pages(self, path: str, *, token: str, params: Mapping[str, Any],
              max_pages: int = 10) -> list[dict[str, Any]]:
        """Every item of a paged edge ({"data": [...], "paging": {"next": url}}), up to a cap."""
        items: list[dict[str, Any]] = []
        url: str | None = path
        query: Mapping[str, Any] | None = params
        for _ in range(max_pages):
            if url is None:
                break
            body = self.call("GET", url, token=token, params=query)
            items.extend(item for item in body.get("data", []) if isinstance(item, dict))
            url, query = body.get("paging", {}).get("next"), None
        return items


def require(credentials: Mapping[str, str], *names: str, network: str) -> list[str]:
    """The named credentials, or a PermanentError asking to reconnect."""
    missing = [name for name in names if not credentials.get(name)]
    if missing:
        raise PermanentError(f"{network}: the account's credentials lack {', '.join(missing)};"
                             " reconnect the account")
    return [credentials[name] for name in names]


def expires_at(seconds: object, *, now: datetime | None = None) -> str:
    """An ISO expiry from an `expires_in`; "" for a token that does not expire."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return ""
    return ((now or datetime.now(UTC)) + timedelta(seconds=seconds)).isoformat()


def expiring(credentials: Mapping[str, str], *, within: timedelta,
             now: datetime | None = None) -> bool:
    """True when the token's `expires_at` falls within `within` from now."""
    when = credentials.get("expires_at", "")
    if not when:
        return False
    return datetime.fromisoformat(when) - (now or datetime.now(UTC)) < within


def timestamp(value: object) -> datetime:
    """A Graph time ("2026-11-27T09:00:00+0000") or Unix seconds as an aware datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise TransientError(f"an unreadable time from the network: {value!r}")


def public_image_url(context: NetworkContext, account: AccountRef, image: Image,
                     *, network: str) -> str:
    """Put `image` where Meta can fetch it and return its address.

    Instagram and Threads take no upload: Meta fetches each image from a public URL
    (https://developers.facebook.com/docs/instagram-platform/content-publishing/, "Media on a
    public server"). bedside writes the file, named by its SHA-256, to `<data_dir>/media/`,
    which the installation serves at the account option `media_base_url`.
    """
    base = str(account.options.get("media_base_url") or "")
    if not base.startswith("https://"):
        raise PermanentError(
            f"{network} fetches images from a public https address: set the account's"
            " media_base_url option to where <data dir>/media/ is served"
        )
    data = image.read()
    name = f"{hashlib.sha256(data).hexdigest()}.{_MEDIA_EXT.get(image.mime, 'img')}"
    folder = context.data_dir / "media"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    return f"{base.rstrip('/')}/{name}"


class _RedactSecrets(logging.Filter):
    """httpx logs every URL at INFO; Meta's token exchanges carry tokens in the query."""

    _SECRET = re.compile(
        r"((?:access_token|client_secret|fb_exchange_token|code)=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._SECRET.sub(r"\1<hidden>", str(arg))
                                if isinstance(arg, httpx.URL) else arg for arg in record.args)
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(f, _RedactSecrets) for f in _httpx_log.filters):
    _httpx_log.addFilter(_RedactSecrets())


def wait_for_container(graph: GraphClient, container: str, *, token: str, field: str,
                       sleep: Callable[[float], None], tries: int = 10,
                       pause: float = 3.0) -> None:
    """Wait until Meta has fetched and processed a media container (Instagram, Threads).

    `field` is `status_code` (Instagram) or `status` (Threads): FINISHED goes on; ERROR and
    EXPIRED are permanent; still IN_PROGRESS after `tries` is transient (containers live 24 h).
    """
    for attempt in range(tries):
        body = graph.call("GET", container, token=token,
                          params={"fields": f"{field},error_message" if field == "status"
                                  else field})
        status = str(body.get(field, ""))
        if status in ("FINISHED", "PUBLISHED"):
            return
        if status in ("ERROR", "EXPIRED"):
            said = str(body.get("error_message") or status)
            raise PermanentError(f"content rejected by {graph.network}: the media could not be"
                                 f" processed ({said[: http.MAX_DETAIL]})")
        if attempt + 1 < tries:
            sleep(pause)
    raise TransientError(f"{graph.network} is still processing the media", retry_after=60.0)


def make_container(graph: GraphClient, context: NetworkContext, account: AccountRef, *,
                   edge: str, token: str, images: Sequence[Image], fields: Mapping[str, str],
                   image_fields: Mapping[str, str], status_field: str,
                   sleep: Callable[[float], None]) -> str:
    """A processed media container (Instagram, Threads) for one image or a carousel of several.

    Each image is POSTed to `edge` with `image_fields`, its public address and alt text; several
    become is_carousel_item children of a CAROUSEL. The post's own `fields` (caption or text,
    reply target) go on the container that is published, which is then waited for.
    """
    def make(form: Mapping[str, str]) -> str:
        return str(graph.call("POST", edge, token=token, data=form)["id"])

    def image_form(image: Image) -> dict[str, str]:
        url = public_image_url(context, account, image, network=graph.network)
        return {**image_fields, "image_url": url, "alt_text": image.alt}

    if len(images) == 1:
        container = make({**image_form(images[0]), **fields})
    else:
        children = [make({**image_form(image), "is_carousel_item": "true"}) for image in images]
        container = make({"media_type": "CAROUSEL", "children": ",".join(children), **fields})
    wait_for_container(graph, container, token=token, field=status_field, sleep=sleep)
    return container


def publish_once(graph: GraphClient, journal: Journal, handle: str, key: str, *, token: str,
                 path: str, form: Mapping[str, str], text: str, reply_to: str | None,
                 permalink: bool = True) -> Published:
    """Send the call that publishes (a container's creation_id, or a reply) once per key.

    networks.journal keeps the send; the post's permalink is read unless `permalink` is False.
    """
    response = send_once(journal, handle, key, text=text, reply_to=reply_to,
                         call=lambda: graph.request("POST", path, token=token, data=form))
    remote_id = str(graph.checked(response)["id"])
    url = None
    if permalink:
        url = graph.call("GET", remote_id, token=token,
                         params={"fields": "permalink"}).get("permalink")
    published = Published(remote_id, url, datetime.now(UTC))
    journal.published(handle, key, published)
    return published


def insight_values(body: Mapping[str, Any]) -> dict[str, int]:
    """{metric: value} from an insights answer (`values[0].value` or `total_value.value`)."""
    values: dict[str, int] = {}
    for entry in body.get("data", []):
        value = (entry.get("values") or [{}])[0].get("value")
        if value is None:
            value = (entry.get("total_value") or {}).get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            values[str(entry.get("name"))] = value
    return values
