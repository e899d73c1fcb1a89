"""Instagram professional accounts through the Instagram API with Instagram Login (httpx).

    publish   a media container per image (POST /{ig-user}/media: image_url, alt_text), a
              CAROUSEL container over them when there are several, then POST
              /{ig-user}/media_publish; Meta fetches each image from a public address
              (meta.public_image_url); a reply answers a comment: POST /{comment}/replies
    find      no idempotency key: networks.journal (recent media, or the replies under the comment)
    delete    the API deletes comments only: a post must be deleted in the app
    inbox     comments on recent media (mentions reach apps by webhook only)
    metrics   likes, comments, shares, saves and views insights (views replaced impressions)
    profile   read only through the API
    connect   Instagram Login: code → short-lived token → long-lived token (60 days), refreshed
              with ig_refresh_token once it is a day old and before it expires

Alt text: the `alt_text` field is documented for image posts since 2025-03-24 (not for reels or
stories): https://developers.facebook.com/docs/instagram-platform/content-publishing/.
Other references: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-
instagram-login/business-login, .../reference/refresh_access_token, .../insights.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    Follower,
    Interaction,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    Unsupported,
    link_on_next_line,
)
from bedside.networks.graph_network import GraphNetwork
from bedside.networks.journal import Candidate, Search
from bedside.networks.meta import (
    expires_at,
    make_container,
    publish_once,
    timestamp,
)

__all__ = ["GRAPH", "SCOPES", "InstagramNetwork"]

GRAPH = "https://graph.instagram.com/v25.0"
AUTHORIZE = "https://www.instagram.com/oauth/authorize"
TOKEN = "https://api.instagram.com/oauth/access_token"
SCOPES = ("instagram_business_basic", "instagram_business_content_publish",
          "instagram_business_manage_comments", "instagram_business_manage_insights")


class InstagramNetwork(GraphNetwork):
    """An Instagram professional account. Credentials: access_token, ig_user_id, expires_at."""

    name = "instagram"
    label = "Instagram"
    graph_base = GRAPH
    user_key = "ig_user_id"
    refresh_url = "https://graph.instagram.com/refresh_access_token"
    refresh_grant = "ig_refresh_token"
    insight_metrics = "likes,comments,shares,saved,views"
    profile_read_only = "Instagram's API cannot change a profile: edit it in the app"

    # Publishing

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        token, user = self._token_and_user(account.credentials)
        earlier = self._resume(account, idempotency_key)
        if earlier is not None:
            return earlier
        caption = link_on_next_line(post)
        if post.reply_to is not None:
            if post.images:
                raise PermanentError("Instagram replies to comments are text only")
            path, form = f"{post.reply_to}/replies", {"message": caption}
        else:
            if not post.images:
                raise PermanentError("Instagram posts need at least one image")
            container = make_container(
                self.graph, self.context, account, edge=f"{user}/media", token=token,
                images=post.images, fields={"caption": caption}, image_fields={},
                status_field="status_code", sleep=self._sleep)
            path, form = f"{user}/media_publish", {"creation_id": container}
        return publish_once(self.graph, self.journal, account.handle, idempotency_key,
                            token=token, path=path, form=form, text=caption,
                            reply_to=post.reply_to, permalink=post.reply_to is None)

    def _sent_text(self, post: OutgoingPost) -> str:
        return link_on_next_line(post)

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        token, user = self._token_and_user(account.credentials)
        if search.reply_to is None:
            items = self.graph.pages(f"{user}/media", token=token, params={
                "fields": "id,caption,timestamp,permalink", "limit": "50",
                "since": str(int(search.since.timestamp()))})
            return [Candidate(str(i["id"]), str(i.get("caption", "")),
                              timestamp(i.get("timestamp")), i.get("permalink")) for i in items]
        own = account.credentials.get("username", account.handle)
        items = self.graph.pages(f"{search.reply_to}/replies", token=token,
                                 params={"fields": "id,text,timestamp,username"})
        return [Candidate(str(i["id"]), str(i.get("text", "")), timestamp(i.get("timestamp")),
                          mine=i.get("username", own) == own) for i in items]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete one of our comment replies; the API cannot delete a post (say so)."""
        token = self._token(account.credentials)
        response = self.graph.request("DELETE", remote_id, token=token)
        if response.status_code == 404:
            return
        if response.status_code >= 400 and response.status_code < 500:
            body = _json(response.content)
            if body.get("error", {}).get("code") == 100:
                raise Unsupported("Instagram's API cannot delete this (posts can only be"
                                     " deleted in the Instagram app)")
        self.graph.checked(response)

    # Inbox and metrics

    def fetch_interactions(self, account: AccountRef, *,
                           since: datetime | None = None) -> Sequence[Interaction]:
        token, user = self._token_and_user(account.credentials)
        media = self.graph.pages(f"{user}/media", token=token, max_pages=1, params={
            "fields": "id,comments.limit(50){id,text,timestamp,username,from}",
            "limit": "25"})
        found = []
        for item in media:
            for comment in item.get("comments", {}).get("data", []):
                author = comment.get("from") or {}
                if str(author.get("id", "")) == user:
                    continue
                created = timestamp(comment.get("timestamp"))
                if since is not None and created <= since:
                    continue
                found.append(Interaction(
                    remote_id=str(comment["id"]), kind="comment",
                    author_handle=str(comment.get("username") or author.get("username", "")),
                    author_name=str(comment.get("username", "")),
                    text=str(comment.get("text", "")), created_at=created,
                    in_reply_to=str(item["id"]),
                ))
        return sorted(found, key=lambda i: i.created_at)

    def _post_metrics(self, remote_id: str, values: Mapping[str, int]) -> PostMetrics:
        return PostMetrics(
            remote_id=remote_id, fetched_at=datetime.now(UTC), likes=values.get("likes"),
            replies=values.get("comments"), reposts=values.get("shares"),
            impressions=values.get("views"),
        )

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        token, user = self._token_and_user(account.credentials)
        body = self.graph.call("GET", user, token=token,
                               params={"fields": "followers_count,follows_count,media_count"})
        return AccountMetrics(fetched_at=datetime.now(UTC),
                              followers=body.get("followers_count"),
                              following=body.get("follows_count"),
                              posts=body.get("media_count"))

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        raise Unsupported("Instagram does not let apps list an account's followers")

    # Profile

    def get_profile(self, account: AccountRef) -> Profile:
        token, user = self._token_and_user(account.credentials)
        body = self.graph.call("GET", user, token=token, params={
            "fields": "username,name,biography,profile_picture_url,website"})
        return Profile(handle=str(body.get("username", account.handle)),
                       display_name=str(body.get("name", "")), bio=str(body.get("biography", "")),
                       avatar_url=body.get("profile_picture_url"), website=body.get("website"))

    # Connecting an account

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str = "") -> str:
        """Instagram Login's authorization window (no PKCE in Instagram Login)."""
        query = {"client_id": self.app.client_id, "redirect_uri": redirect_uri,
                 "response_type": "code", "scope": ",".join(SCOPES), "state": state}
        return f"{AUTHORIZE}?{urlencode(query)}"

    def complete_authorization(self, *, code: str, state: str,
                               redirect_uri: str) -> Mapping[str, str]:
        app = self.app
        short = self.graph.call("POST", TOKEN, data={
            "client_id": app.client_id, "client_secret": app.client_secret,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code": code})
        first = short["data"][0] if isinstance(short.get("data"), list) else short
        long = self.graph.call("GET", "https://graph.instagram.com/access_token", params={
            "grant_type": "ig_exchange_token", "client_secret": app.client_secret,
            "access_token": first["access_token"]})
        return self._credentials(str(long["access_token"]), expires_at(long.get("expires_in")))

    def _credentials(self, token: str, expiry: str) -> dict[str, str]:
        me = self.graph.call("GET", "me", token=token, params={"fields": "user_id,username"})
        return {"access_token": token, "ig_user_id": str(me["user_id"]),
                "username": str(me.get("username", "")), "expires_at": expiry}

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        raise Unsupported(f"{path}: bedside does not read Instagram's export yet")


def _json(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
