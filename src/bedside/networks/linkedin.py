"""LinkedIn members and organization pages through the versioned REST API (httpx).

Every call carries `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`
(https://learn.microsoft.com/en-us/linkedin/marketing/versioning; a version is served for a
year: bump VERSION before it is sunset).

    publish   POST /rest/posts (author, commentary in "little" text, PUBLIC, MAIN_FEED); images
              first through the Images API (initializeUpload, then PUT the bytes), attached as
              content.media {id, altText} or content.multiImage.images[]; a reply is a comment:
              POST /rest/socialActions/{post}/comments
    find      no idempotency key: networks.journal (the author's recent posts, or the comments
              under the post answered; reading needs r_member_social or r_organization_social,
              without it `find` cannot tell)
    inbox     comments on the author's recent posts (mentions reach apps by webhook only)
    metrics   organizations: organizationalEntityShareStatistics; members: socialMetadata
              (reactions, comments); followers: networkSizes (organizations only)
    connect   OAuth 2 authorization code; access tokens last 60 days, refresh tokens a year
              (for apps LinkedIn approved for them): refreshed in the token's last week

Errors: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling
(401 expired or revoked token, 403 missing permission, 422 content refused, e.g. a duplicate,
429 the app's or member's daily limit, reset at midnight UTC, sent without Retry-After).
References: .../community-management/shares/posts-api, .../shares/images-api,
.../shares/little-text-format, .../shared/authentication/programmatic-refresh-tokens,
.../community-management/organizations/follower-statistics, .../shares/comments-api.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from bedside.networks import http, linkedin_export
from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    CannotTell,
    Follower,
    Image,
    Interaction,
    NetworkContext,
    NetworkError,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    TransientError,
    Unsupported,
    link_on_next_line,
)
from bedside.networks.journal import Candidate, Journal, Search, hint, recall, resume, send_once
from bedside.networks.limits import limits_for
from bedside.networks.meta import REFRESH_BEFORE, App, expires_at, expiring, require

__all__ = ["API", "SCOPES", "VERSION", "LinkedInNetwork", "escape", "unescape"]

API = "https://api.linkedin.com"
VERSION = "202605"
AUTHORIZE = "https://www.linkedin.com/oauth/v2/authorization"
TOKEN = "https://www.linkedin.com/oauth/v2/accessToken"
SCOPES = ("openid", "profile", "w_member_social", "r_organization_social",
          "w_organization_social", "rw_organization_admin")
# "little" text: these are markup unless escaped with a backslash (little-text-format);
# an unescaped one can silently cut the post short. A #word stays a hashtag; links stay whole.
_RESERVED = re.compile(r"[\\|{}@\[\]()<>*_~]|#(?!\w)")
_LINK = re.compile(r"https?://\S+")
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
_COMMENT = re.compile(r"urn:li:comment:\((urn:li:[a-zA-Z]+:\d+),(\d+)\)")


def escape(text: str) -> str:
    """`text` as little text: reserved characters escaped, except hashtags and inside links."""
    out, last = [], 0
    for link in _LINK.finditer(text):
        out.append(_RESERVED.sub(lambda m: "\\" + m[0], text[last:link.start()]))
        out.append(link[0])
        last = link.end()
    out.append(_RESERVED.sub(lambda m: "\\" + m[0], text[last:]))
    return "".join(out)


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


class LinkedInNetwork:
    """A member or an organization. Credentials: access_token, expires_at, author (a URN),
    and refresh_token, refresh_expires_at when LinkedIn grants them."""

    name = "linkedin"

    def __init__(self, context: NetworkContext, *, app: App | None = None) -> None:
        self.context = context
        self.limits = limits_for("linkedin")
        self.journal = Journal(context.data_dir, self.name)
        self._app = app

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = App.from_env("linkedin")
        return self._app

    # HTTP

    def _request(self, method: str, url: str, *, token: str | None,
                 rest: bool = True, **kwargs: Any) -> httpx.Response:
        if self.context.http is None:
            raise NetworkError("LinkedIn: no HTTP client was given to the connector")
        headers = dict(kwargs.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if rest:
            headers |= {"LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"}
        with http.transport_errors("LinkedIn"):
            return self.context.http.request(method, url, headers=headers, **kwargs)

    def _call(self, method: str, url: str, *, token: str | None, rest: bool = True,
              **kwargs: Any) -> Any:
        response = self._request(method, url, token=token, rest=rest, **kwargs)
        _check(response)
        return response.json() if response.content else {}

    # Publishing

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        earlier = resume(self.journal, account.handle, idempotency_key,
                         lambda search: self._candidates(account, search))
        if earlier is not None:
            return earlier
        text = link_on_next_line(post)
        if post.reply_to is not None:
            if post.images:
                raise PermanentError("LinkedIn comments take no images with alt text")
            url = f"{API}/rest/socialActions/{quote(post.reply_to, safe='')}/comments"
            body: dict[str, Any] = {"actor": author, "object": post.reply_to,
                                    "message": {"text": escape(text)}}
        else:
            url, body = f"{API}/rest/posts", self._post_body(post, text, token, author)
        response = send_once(self.journal, account.handle, idempotency_key, text=text,
                             reply_to=post.reply_to,
                             call=lambda: self._request("POST", url, token=token, json=body))
        _check(response)
        remote_id = response.headers.get("x-restli-id") or _urn(response)
        link = None if post.reply_to else f"https://www.linkedin.com/feed/update/{remote_id}/"
        published = Published(remote_id, link, datetime.now(UTC))
        self.journal.published(account.handle, idempotency_key, published)
        return published

    def _post_body(self, post: OutgoingPost, text: str, token: str,
                   author: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "author": author, "commentary": escape(text), "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self._upload(image, token, author), "altText": image.alt}
                  for image in post.images]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        return body

    def _upload(self, image: Image, token: str, author: str) -> str:
        """Images API: initializeUpload, then PUT the bytes to the URL it gives."""
        data = image.read()
        value = self._call("POST", f"{API}/rest/images?action=initializeUpload", token=token,
                           json={"initializeUploadRequest": {"owner": author}})["value"]
        response = self._request("PUT", value["uploadUrl"], token=token, rest=False,
                                 content=data, headers={"Content-Type": image.mime})
        _check(response)
        return str(value["image"])

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """The post published with this key, None if none (networks.journal)."""
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after, link_on_next_line))

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        try:
            if search.reply_to is None:
                return [c for c in self._posts(token, author, count=50)
                        if c.created_at >= search.since]
            return self._comments(token, author, search.reply_to)
        except PermanentError as exc:  # no permission to read posts: nobody may assume
            raise CannotTell(f"LinkedIn cannot list the account's posts: {exc}") from exc

    def _posts(self, token: str, author: str, *, count: int) -> list[Candidate]:
        query = urlencode({"author": author, "q": "author", "count": count,
                           "sortBy": "CREATED"})
        body = self._call("GET", f"{API}/rest/posts?{query}", token=token,
                          headers={"X-RestLi-Method": "FINDER"})
        return [Candidate(str(e["id"]), unescape(str(e.get("commentary", ""))),
                          _millis(e.get("createdAt")),
                          f"https://www.linkedin.com/feed/update/{e['id']}/")
                for e in body.get("elements", [])]

    def _comments(self, token: str, author: str, post: str) -> list[Candidate]:
        body = self._call("GET", f"{API}/rest/socialActions/{quote(post, safe='')}/comments",
                          token=token)
        return [Candidate(str(e.get("$URN") or e.get("commentUrn") or e["id"]),
                          unescape(str(e.get("message", {}).get("text", ""))),
                          _millis(e.get("created", {}).get("time")),
                          mine=e.get("actor") == author)
                for e in body.get("elements", [])]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        comment = _COMMENT.fullmatch(remote_id)
        if comment:
            url = (f"{API}/rest/socialActions/{quote(comment[1], safe='')}/comments/"
                   f"{comment[2]}?{urlencode({'actor': author})}")
        else:
            url = f"{API}/rest/posts/{quote(remote_id, safe='')}"
        response = self._request("DELETE", url, token=token)
        if response.status_code not in (404, 410):
            _check(response)

    # Inbox and metrics

    def fetch_interactions(self, account: AccountRef, *,
                           since: datetime | None = None) -> Sequence[Interaction]:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        found = []
        for post in self._posts(token, author, count=10):
            url = f"{API}/rest/socialActions/{quote(post.remote_id, safe='')}/comments"
            for e in self._call("GET", url, token=token).get("elements", []):
                created = _millis(e.get("created", {}).get("time"))
                if e.get("actor") == author or (since is not None and created <= since):
                    continue
                found.append(Interaction(
                    remote_id=str(e.get("$URN") or e.get("commentUrn") or e["id"]),
                    kind="comment", author_handle=str(e.get("actor", "")), author_name="",
                    text=unescape(str(e.get("message", {}).get("text", ""))),
                    created_at=created, in_reply_to=post.remote_id,
                ))
        return sorted(found, key=lambda i: i.created_at)

    def fetch_metrics(self, account: AccountRef,
                      remote_ids: Sequence[str]) -> Sequence[PostMetrics]:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        if not remote_ids:
            return []
        if author.startswith("urn:li:organization:"):
            return self._share_statistics(token, author, remote_ids)
        metrics = []
        for remote_id in remote_ids:
            response = self._request(
                "GET", f"{API}/rest/socialMetadata/{quote(remote_id, safe='')}", token=token)
            if response.status_code == 404:
                continue
            _check(response)
            body = response.json()
            reactions = sum(int(r.get("count", 0))
                            for r in body.get("reactionSummaries", {}).values())
            metrics.append(PostMetrics(
                remote_id=remote_id, fetched_at=datetime.now(UTC), likes=reactions,
                replies=body.get("commentSummary", {}).get("count")))
        return metrics

    def _share_statistics(self, token: str, org: str,
                          remote_ids: Sequence[str]) -> list[PostMetrics]:
        """Rest.li 2.0 lists: shares=List(urn,urn) with each URN encoded inside."""
        lists = []
        for kind in ("share", "ugcPost"):
            urns = [quote(r, safe="") for r in remote_ids if r.startswith(f"urn:li:{kind}:")]
            if urns:
                lists.append(f"{kind}s=List({','.join(urns)})")
        query = "&".join([f"q=organizationalEntity&organizationalEntity={quote(org, safe='')}",
                          *lists])
        body = self._call("GET", f"{API}/rest/organizationalEntityShareStatistics?{query}",
                          token=token)
        metrics = []
        for e in body.get("elements", []):
            stats = e.get("totalShareStatistics", {})
            metrics.append(PostMetrics(
                remote_id=str(e.get("share") or e.get("ugcPost")), fetched_at=datetime.now(UTC),
                likes=stats.get("likeCount"), replies=stats.get("commentCount"),
                reposts=stats.get("shareCount"), impressions=stats.get("impressionCount"),
                clicks=stats.get("clickCount")))
        return metrics

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        """An organization's follower count (networkSizes); LinkedIn tells apps no member's."""
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        if not author.startswith("urn:li:organization:"):
            return AccountMetrics(fetched_at=datetime.now(UTC))
        body = self._call("GET", f"{API}/rest/networkSizes/{quote(author, safe='')}"
                          "?edgeType=COMPANY_FOLLOWED_BY_MEMBER", token=token)
        return AccountMetrics(fetched_at=datetime.now(UTC), followers=body.get("firstDegreeSize"))

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        raise Unsupported("LinkedIn does not let apps list an account's followers")

    # Profile

    def get_profile(self, account: AccountRef) -> Profile:
        token, author = require(account.credentials, "access_token", "author",
                                network="LinkedIn")
        if author.startswith("urn:li:organization:"):
            org = author.rsplit(":", 1)[1]
            body = self._call("GET", f"{API}/rest/organizations/{org}", token=token)
            return Profile(handle=str(body.get("vanityName") or account.handle),
                           display_name=str(body.get("localizedName", "")),
                           bio=str(body.get("localizedDescription", "")),
                           website=body.get("localizedWebsite"))
        body = self._call("GET", f"{API}/v2/userinfo", token=token, rest=False)
        return Profile(handle=account.handle, display_name=str(body.get("name", "")),
                       avatar_url=body.get("picture"))

    def update_profile(self, account: AccountRef, *, display_name: str | None = None,
                       bio: str | None = None, avatar: Image | None = None) -> Profile:
        if display_name is None and bio is None and avatar is None:
            return self.get_profile(account)
        raise Unsupported("LinkedIn's API does not let this app change a profile or page:"
                             " edit it on LinkedIn")

    # Connecting an account

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str = "") -> str:
        """LinkedIn's authorization page (three-legged OAuth; PKCE is for native apps only)."""
        query = {"response_type": "code", "client_id": self.app.client_id,
                 "redirect_uri": redirect_uri, "state": state, "scope": " ".join(SCOPES)}
        return f"{AUTHORIZE}?{urlencode(query)}"

    def complete_authorization(self, *, code: str, state: str,
                               redirect_uri: str) -> Mapping[str, str]:
        """Tokens for the member who signed in; `connect` may then choose an organization."""
        body = self._call("POST", TOKEN, token=None, rest=False, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": self.app.client_id, "client_secret": self.app.client_secret})
        credentials = _tokens(body)
        me = self._call("GET", f"{API}/v2/userinfo", token=credentials["access_token"],
                        rest=False)
        return {**credentials, "author": f"urn:li:person:{me['sub']}"}

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """`handle` an organization URN (urn:li:organization:N) the member administers, or the
        member's own name; checks the token and returns what to store."""
        token = require(secrets, "access_token", network="LinkedIn")[0]
        credentials = dict(secrets)
        if not handle.startswith("urn:li:organization:"):
            me = self._call("GET", f"{API}/v2/userinfo", token=token, rest=False)
            return {**credentials, "author": f"urn:li:person:{me['sub']}"}
        query = urlencode({"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"})
        acls = self._call("GET", f"{API}/rest/organizationAcls?{query}", token=token)
        orgs = {str(e.get("organization")) for e in acls.get("elements", [])}
        if handle not in orgs:
            raise PermanentError(f"LinkedIn: this member does not administer {handle}")
        return {**credentials, "author": handle}

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        """New tokens in the access token's last week when LinkedIn gave a refresh token."""
        if not expiring(credentials, within=REFRESH_BEFORE):
            return None
        if not credentials.get("refresh_token") or expiring(
                {"expires_at": credentials.get("refresh_expires_at", "")},
                within=timedelta(0)):
            if expiring(credentials, within=timedelta(hours=1)):
                raise PermanentError("LinkedIn: the token expires within the hour and cannot"
                                     " be refreshed; reconnect the account")
            return None
        body = self._call("POST", TOKEN, token=None, rest=False, data={
            "grant_type": "refresh_token", "refresh_token": credentials["refresh_token"],
            "client_id": self.app.client_id, "client_secret": self.app.client_secret})
        return {**credentials, **_tokens(body)}

    # Archive

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        """Posts from LinkedIn's data export (Shares.csv, alone or in the export's zip)."""
        return linkedin_export.read(path)


def _check(response: httpx.Response) -> None:
    """networks.http's mapping; LinkedIn's 429 has no Retry-After: its day ends at 00:00 UTC."""
    if response.status_code == 429 and http.retry_after(response.headers) is None:
        now = datetime.now(UTC)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        raise TransientError(f"LinkedIn: daily limit reached: {http.detail(response)}",
                             retry_after=(midnight - now).total_seconds())
    http.raise_for_status(response, network="LinkedIn")


def _tokens(body: Mapping[str, Any]) -> dict[str, str]:
    tokens = {"access_token": str(body["access_token"]),
              "expires_at": expires_at(body.get("expires_in"))}
    if body.get("refresh_token"):
        tokens["refresh_token"] = str(body["refresh_token"])
        tokens["refresh_expires_at"] = expires_at(body.get("refresh_token_expires_in"))
    return tokens


def _urn(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = {}
    urn = body.get("$URN") or body.get("commentUrn") or body.get("id")
    if not urn:
        raise TransientError("LinkedIn created the item but did not say its id")
    return str(urn)


def _millis(value: object) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC)
    raise TransientError(f"LinkedIn sent an unreadable time: {value!r}")
