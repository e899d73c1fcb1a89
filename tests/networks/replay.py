"""Replay recorded HTTP exchanges to a connector and check every request it sends, in order.

A case is a JSON file, tests/fixtures/networks/<network>/<case>.json, written from the network's
API reference (cite the page in "source"):

    {
      "about": "what the case shows",
      "source": "https://… the API reference the payloads come from",
      "exchanges": [
        {"request": {
            "method": "POST",
            "url": "https://mastodon.example/api/v1/statuses?visibility=public",
            "headers": {"Authorization": "Bearer {{token}}", "Idempotency-Key": "{{key}}"},
            "absent_headers": ["Cookie"],
            "json": {"status": "Flu shots are in.", "media_ids": ["{{any}}"]}
         },
         "response": {"status": 200, "headers": {"Retry-After": "30"}, "json": {"id": "1"}}}
      ]
    }

Request checks: method; scheme, host and path; query parameters (names in any order, a repeated
name's values in order); the headers listed (case-insensitive names; other headers are not
checked) and `absent_headers`; and at most one body: `json` (compared whole, every key), `form`
(urlencoded), `text`, `multipart` ({"fields": {name: value}, "files": {name: {"filename",
"content_type", "size", "sha256"}}}, each file key optional) or `"empty": true`. A request
without a body key has its body unchecked.
Response: `status`, `headers`, and `json`, `text` or `base64` (bytes).

`{{name}}` in any string is replaced by the variable `name` given to `load`; `{{any}}` matches any
value, alone or inside a string ("Bearer {{any}}"): a random PKCE verifier, a generated id.

The first request that differs from its expected exchange, and any request beyond the last,
fails: the transport raises AssertionError, and `verify()` (run when the `with` block ends, or
by the `replay` fixture at teardown) raises it again in case the connector or its SDK caught the
first one, and also fails when expected exchanges were never requested.

    with load("mastodon", "publish_ok", token="t0k", key="post-1:acct-1") as replay:
        network = MastodonNetwork(NetworkContext(data_dir=tmp_path, http=replay.client()))
        ...
    replay.requests  # what was sent, to assert more if needed

`replay.client()` is an httpx.Client on an httpx.MockTransport; `replay.session()` is a
requests.Session for SDKs built on requests (Mastodon.py, tweepy), with every scheme mounted.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import httpx

if TYPE_CHECKING:
    import requests

__all__ = ["FIXTURES", "Exchange", "Replay", "SentRequest", "load", "load_file"]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "networks"
ANY = "{{any}}"
_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_BODY_KEYS = ("json", "form", "text", "multipart", "empty")


@dataclass(frozen=True)
class SentRequest:
    """A request as the connector sent it."""

    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Exchange:
    request: Mapping[str, Any]
    response: Mapping[str, Any]

    def describe(self) -> str:
        return f"{self.request['method']} {self.request['url']}"


@dataclass
class Replay:
    """Recorded exchanges, answered in order; see the module docstring."""

    name: str
    exchanges: list[Exchange]
    requests: list[SentRequest] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    # Transports

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx.Client whose every request is answered from the recording."""
        return httpx.Client(transport=httpx.MockTransport(self._handle_httpx), **kwargs)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle_httpx)

    def session(self) -> requests.Session:
        """A requests.Session whose every request is answered from the recording."""
        import requests

        session = requests.Session()
        adapter = _RequestsAdapter(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    # Checks

    def verify(self) -> None:
        """Fail on the first mismatch seen, or when expected exchanges were never requested."""
        if self.failures:
            raise AssertionError(f"{self.name}: {self.failures[0]}")
        left = self.exchanges[len(self.requests):]
        if left:
            missing = ", ".join(exchange.describe() for exchange in left)
            raise AssertionError(
                f"{self.name}: {len(left)} expected request(s) never sent: {missing}"
            )

    def __enter__(self) -> Replay:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.verify()

    # The one place a request is matched and answered

    def answer(self, sent: SentRequest) -> Mapping[str, Any]:
        """Check `sent` against the next exchange and return that exchange's response."""
        number = len(self.requests)
        self.requests.append(sent)
        if number >= len(self.exchanges):
            return self._fail(
                f"request {number + 1} ({sent.method} {sent.url}) was not expected: the"
                f" recording has {len(self.exchanges)} exchange(s)"
            )
        exchange = self.exchanges[number]
        problem = mismatch(exchange.request, sent)
        if problem is not None:
            return self._fail(
                f"request {number + 1} of {len(self.exchanges)}"
                f" (expected {exchange.describe()}): {problem}"
            )
        return exchange.response

    def _fail(self, message: str) -> Mapping[str, Any]:
        self.failures.append(message)
        raise AssertionError(f"{self.name}: {message}")

    def _handle_httpx(self, request: httpx.Request) -> httpx.Response:
        sent = SentRequest(
            method=request.method,
            url=str(request.url),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )
        response = self.answer(sent)
        return httpx.Response(
            response["status"], headers=response.get("headers", {}), content=_content(response),
        )


def load(network: str, case: str, **variables: str) -> Replay:
    """Load tests/fixtures/networks/<network>/<case>.json with `{{name}}` filled in."""
    return load_file(FIXTURES / network / f"{case}.json", **variables)


def load_file(path: Path, **variables: str) -> Replay:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssertionError(f"cannot read the recording {path}: {exc}") from exc
    filled = _substitute(document, variables, path)
    raw = filled.get("exchanges")
    if not isinstance(raw, list) or not raw:
        raise AssertionError(f"{path}: 'exchanges' must be a non-empty list")
    exchanges = []
    for number, item in enumerate(raw, 1):
        request, response = item.get("request"), item.get("response")
        if not isinstance(request, dict) or not isinstance(response, dict):
            raise AssertionError(f"{path}: exchange {number} needs a request and a response")
        if "method" not in request or "url" not in request or "status" not in response:
            raise AssertionError(f"{path}: exchange {number} needs method, url and status")
        bodies = [key for key in _BODY_KEYS if key in request]
        if len(bodies) > 1:
            raise AssertionError(f"{path}: exchange {number} expects several bodies: {bodies}")
        exchanges.append(Exchange(request, response))
    return Replay(name=f"{path.parent.name}/{path.stem}", exchanges=exchanges)


# Matching (pure)


def mismatch(expected: Mapping[str, Any], sent: SentRequest) -> str | None:
    """Say how `sent` differs from the `expected` request, or None when it matches."""
    if sent.method.upper() != expected["method"].upper():
        return f"method {sent.method}, expected {expected['method']}"
    want, got = urlsplit(expected["url"]), urlsplit(sent.url)
    for part in ("scheme", "hostname", "port", "path"):
        if getattr(want, part) != getattr(got, part):
            return f"URL {sent.url}, expected {expected['url']} ({part} differs)"
    problem = _pairs_mismatch("query", parse_qsl(want.query, keep_blank_values=True),
                              parse_qsl(got.query, keep_blank_values=True))
    if problem:
        return problem
    for name, value in expected.get("headers", {}).items():
        actual = sent.headers.get(name.lower())
        if actual is None:
            return f"header {name} missing (expected {value!r})"
        if not _same(value, actual):
            return f"header {name} is {actual!r}, expected {value!r}"
    for name in expected.get("absent_headers", []):
        if name.lower() in sent.headers:
            return f"header {name} sent, expected none"
    return _body_mismatch(expected, sent)


def _body_mismatch(expected: Mapping[str, Any], sent: SentRequest) -> str | None:
    if "json" in expected:
        try:
            body = json.loads(sent.body)
        except ValueError:
            return f"body is not JSON: {sent.body[:80]!r}"
        return _json_mismatch(expected["json"], body, "body")
    if "form" in expected:
        want = [(k, v) for k, vs in expected["form"].items()
                for v in (vs if isinstance(vs, list) else [vs])]
        got = parse_qsl(sent.body.decode("utf-8", "replace"), keep_blank_values=True)
        return _pairs_mismatch("form field", want, got)
    if "text" in expected:
        text = sent.body.decode("utf-8", "replace")
        return None if _same(expected["text"], text) else (
            f"body {text[:80]!r}, expected {expected['text'][:80]!r}")
    if "multipart" in expected:
        return _multipart_mismatch(expected["multipart"], sent)
    if expected.get("empty") and sent.body:
        return f"body of {len(sent.body)} bytes, expected none"
    return None


def _same(want: Any, got: Any) -> bool:
    """Equal, or a string whose `{{any}}` parts match any text ("Bearer {{any}}")."""
    if isinstance(want, str) and ANY in want and isinstance(got, str):
        pattern = ".*".join(re.escape(piece) for piece in want.split(ANY))
        return re.fullmatch(pattern, got, flags=re.DOTALL) is not None
    return want == got


def _json_mismatch(want: Any, got: Any, where: str) -> str | None:
    if want == ANY or (isinstance(want, str) and _same(want, got)):
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{where} is {got!r}, expected an object"
        if set(want) != set(got):
            extra, missing = sorted(set(got) - set(want)), sorted(set(want) - set(got))
            return f"{where}: keys missing {missing}, unexpected {extra}"
        for key in want:
            problem = _json_mismatch(want[key], got[key], f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"{where} is {got!r}, expected {want!r}"
        for index, (w, g) in enumerate(zip(want, got, strict=True)):
            problem = _json_mismatch(w, g, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if want != got or type(want) is not type(got):
        return f"{where} is {got!r}, expected {want!r}"
    return None


def _pairs_mismatch(
    what: str, want: list[tuple[str, str]], got: list[tuple[str, str]]
) -> str | None:
    """Compare name/value pairs: names in any order, a repeated name's values in order."""
    wanted, sent = _grouped(want), _grouped(got)
    for name, values in wanted.items():
        actual = sent.get(name, [])
        if len(actual) != len(values) or not all(map(_same, values, actual)):
            return f"{what} {name} is {actual!r}, expected {values!r}"
    extra = sorted(set(sent) - set(wanted))
    if extra:
        return f"unexpected {what}(s): {extra!r}"
    return None


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def _multipart_mismatch(want: Mapping[str, Any], sent: SentRequest) -> str | None:
    content_type = sent.headers.get("content-type", "")
    if not content_type.startswith("multipart/"):
        return f"body is {content_type or 'untyped'}, expected multipart"
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + sent.body)
    fields: dict[str, str] = {}
    files: dict[str, dict[str, Any]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if not isinstance(name, str):
            return "a multipart part has no name"
        filename = part.get_filename()
        if filename is None:
            fields[name] = payload.decode("utf-8", "replace")
        else:
            files[name] = {
                "filename": filename, "content_type": part.get_content_type(),
                "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest(),
            }
    problem = _json_mismatch(want.get("fields", {}), fields, "multipart fields")
    if problem:
        return problem
    expected_files = want.get("files", {})
    if set(expected_files) != set(files):
        return f"multipart files {sorted(files)}, expected {sorted(expected_files)}"
    for name, facts in expected_files.items():
        for key, value in facts.items():
            if not _same(value, files[name].get(key)):
                actual = files[name].get(key)
                return f"multipart file {name}: {key} is {actual!r}, expected {value!r}"
    return None


# Responses and placeholders


def _content(response: Mapping[str, Any]) -> bytes:
    if "json" in response:
        return json.dumps(response["json"]).encode()
    if "text" in response:
        return str(response["text"]).encode()
    if "base64" in response:
        return base64.b64decode(response["base64"])
    return b""


def _substitute(value: Any, variables: Mapping[str, str], path: Path) -> Any:
    if isinstance(value, str):
        def fill(match: re.Match[str]) -> str:
            name = match[1]
            if name == "any":
                return match[0]
            if name not in variables:
                raise AssertionError(f"{path}: no value given for {{{{{name}}}}}")
            return variables[name]

        return _PLACEHOLDER.sub(fill, value)
    if isinstance(value, list):
        return [_substitute(item, variables, path) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, variables, path) for key, item in value.items()}
    return value


def cases(network: str) -> Iterator[str]:
    """The case names recorded for `network`."""
    return (path.stem for path in sorted((FIXTURES / network).glob("*.json")))


class _RequestsAdapter:
    """A requests transport adapter answering from a Replay (duck-typed BaseAdapter)."""

    def __init__(self, replay: Replay) -> None:
        self.replay = replay

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        import requests
        from requests.structures import CaseInsensitiveDict

        body = request.body
        if body is None:
            data = b""
        elif isinstance(body, str):
            data = body.encode("utf-8")
        elif isinstance(body, bytes):
            data = body
        else:  # a file or a generator: streamed uploads
            data = body.read() if hasattr(body, "read") else b"".join(body)
        sent = SentRequest(
            method=request.method or "GET",
            url=request.url or "",
            headers={k.lower(): v for k, v in request.headers.items()},
            body=data,
        )
        answer = self.replay.answer(sent)
        response = requests.Response()
        response.status_code = answer["status"]
        response.headers = CaseInsensitiveDict(answer.get("headers", {}))
        response._content = _content(answer)
        response.encoding = "utf-8"
        response.url = sent.url
        response.request = request
        response.reason = httpx.codes.get_reason_phrase(answer["status"])
        return response

    def close(self) -> None:
        pass
