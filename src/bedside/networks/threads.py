"""Threads through the Threads API (httpx): container then threads_publish, replies, insights.

    publish   POST /{user}/threads (TEXT with link_attachment; IMAGE with image_url and alt_text;
              a CAROUSEL over is_carousel_item images), wait for the container, then POST
              /{user}/threads_publish; a reply is the same with reply_to_id. A thread of posts is
              each post published as a reply to the one before (the publisher's reply_to)
    find      no idempotency key: networks.journal (the account's recent threads, or the replies
              under the post answered)
    inbox     replies to recent threads and mentions
    metrics   views, likes, replies, reposts, quotes (media insights); followers_count
    profile   read only through the API
    connect   Threads Login: code → short-lived token (1 h) → long-lived (60 days), refreshed
              with th_refresh_token once a day old and before it expires

References: https://developers.facebook.com/docs/threads/posts/ (containers, limits),
https://developers.facebook.com/documentation/threads/posts/accessibility (alt_text, images and
videos only), https://developers.facebook.com/documentation/threads/retrieve-and-manage-
replies/create-replies, https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/,
https://developers.facebook.com/docs/threads/insights.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    Follower,
    Interaction,
    OutgoingPost,
    PostMetrics,
    Profile,
    Published,
    Unsupported,
)
from bedside.networks.graph_network import GraphNetwork
from bedside.networks.journal import Candidate, Search
from bedside.networks.meta import (
    expires_at,
    insight_values,
    make_container,
    publish_once,
    timestamp,
)

__all__ = ["GRAPH", "SCOPES", "ThreadsNetwork"]

HOST = "https://graph.threads.net"
GRAPH = f"{HOST}/v1.0"
AUTHORIZE = "https://threads.net/oauth/authorize"
SCOPES = ("threads_basic", "threads_content_publish", "threads_read_replies",
          "threads_manage_replies", "threads_manage_insights", "threads_manage_mentions",
          "threads_delete")
POST_FIELDS = "id,text,timestamp,permalink"
REPLY_FIELDS = "id,text,timestamp,permalink,username"


class ThreadsNetwork(GraphNetwork):
    """A Threads profile. Credentials: access_token, threads_user_id, username, expires_at."""

    name = "threads"
    label = "Threads"
    graph_base = GRAPH
    user_key = "threads_user_id"
    refresh_url = f"{HOST}/refresh_access_token"
    refresh_grant = "th_refresh_token"
    insight_metrics = "views,likes,replies,reposts,quotes"
    profile_read_only = "The Threads API cannot change a profile: edit it in the app"

    # Publishing

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        token, user = self._token_and_user(account.credentials)
        earlier = self._resume(account, idempotency_key)
        if earlier is not None:
            return earlier
        container = self._container(account, post, token, user)
        return publish_once(self.graph, self.journal, account.handle, idempotency_key,
                            token=token, path=f"{user}/threads_publish",
                            form={"creation_id": container}, text=post.text,
                            reply_to=post.reply_to)

    def _container(self, account: AccountRef, post: OutgoingPost, token: str,
                   user: str) -> str:
        fields = {"text": post.text}
        if post.reply_to:
            fields["reply_to_id"] = post.reply_to
        if post.images:
            return make_container(self.graph, self.context, account, edge=f"{user}/threads",
                                  token=token, images=post.images, fields=fields,
                                  image_fields={"media_type": "IMAGE"}, status_field="status",
                                  sleep=self._sleep)
        form = {"media_type": "TEXT", **fields}
        if post.link:
            form["link_attachment"] = post.link
        # a text container needs no processing
        return str(self.graph.call("POST", f"{user}/threads", token=token, data=form)["id"])

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        token, user = self._token_and_user(account.credentials)
        if search.reply_to is None:
            items = self.graph.pages(f"{user}/threads", token=token, params={
                "fields": POST_FIELDS, "limit": "50",
                "since": str(int(search.since.timestamp()))})
        else:
            items = self.graph.pages(f"{search.reply_to}/replies", token=token,
                                     params={"fields": REPLY_FIELDS, "reverse": "true"})
        own = account.credentials.get("username", account.handle)
        return [Candidate(str(i["id"]), str(i.get("text", "")), timestamp(i.get("timestamp")),
                          i.get("permalink"), mine=i.get("username", own) == own) for i in items]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        token = self._token(account.credentials)
        response = self.graph.request("DELETE", remote_id, token=token)
        if response.status_code != 404:
            self.graph.checked(response)

    # Inbox and metrics

    def fetch_interactions(self, account: AccountRef, *,
                           since: datetime | None = None) -> Sequence[Interaction]:
        """Replies to the account's recent threads (not its own) and mentions of it."""
        token, user = self._token_and_user(account.credentials)
        own = account.credentials.get("username", account.handle)
        found: list[Interaction] = []
        recent = self.graph.pages(f"{user}/threads", token=token, max_pages=1,
                                  params={"fields": "id", "limit": "10"})
        for item in recent:
            for reply in self.graph.pages(f"{item['id']}/replies", token=token, max_pages=2,
                                          params={"fields": REPLY_FIELDS}):
                if reply.get("username") != own:
                    found.append(_interaction(reply, "reply", in_reply_to=str(item["id"])))
        for mention in self.graph.pages(f"{user}/mentions", token=token, max_pages=1,
                                        params={"fields": REPLY_FIELDS}):
            found.append(_interaction(mention, "mention", in_reply_to=None))
        return sorted((i for i in found if since is None or i.created_at > since),
                      key=lambda i: i.created_at)

    def _post_metrics(self, remote_id: str, values: Mapping[str, int]) -> PostMetrics:
        return PostMetrics(
            remote_id=remote_id, fetched_at=datetime.now(UTC), likes=values.get("likes"),
            replies=values.get("replies"), reposts=values.get("reposts"),
            quotes=values.get("quotes"), impressions=values.get("views"),
        )

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        token, user = self._token_and_user(account.credentials)
        body = self.graph.call("GET", f"{user}/threads_insights", token=token,
                               params={"metric": "followers_count"})
        return AccountMetrics(fetched_at=datetime.now(UTC),
                              followers=insight_values(body).get("followers_count"))

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        raise Unsupported("Threads does not let apps list a profile's followers")

    # Profile

    def get_profile(self, account: AccountRef) -> Profile:
        token = self._token(account.credentials)
        body = self.graph.call("GET", "me", token=token, params={
            "fields": "id,username,name,threads_profile_picture_url,threads_biography"})
        return Profile(handle=str(body.get("username", account.handle)),
                       display_name=str(body.get("name", "")),
                       bio=str(body.get("threads_biography", "")),
                       avatar_url=body.get("threads_profile_picture_url"))

    # Connecting an account

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str = "") -> str:
        """Threads' authorization window (no PKCE in Threads Login)."""
        query = {"client_id": self.app.client_id, "redirect_uri": redirect_uri,
                 "scope": ",".join(SCOPES), "response_type": "code", "state": state}
        return f"{AUTHORIZE}?{urlencode(query)}"

    def complete_authorization(self, *, code: str, state: str,
                               redirect_uri: str) -> Mapping[str, str]:
        app = self.app
        short = self.graph.call("POST", f"{HOST}/oauth/access_token", data={
            "client_id": app.client_id, "client_secret": app.client_secret,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code": code})
        long = self.graph.call("GET", f"{HOST}/access_token", params={
            "grant_type": "th_exchange_token", "client_secret": app.client_secret,
            "access_token": short["access_token"]})
        return self._credentials(str(long["access_token"]), expires_at(long.get("expires_in")))

    def _credentials(self, token: str, expiry: str) -> dict[str, str]:
        me = self.graph.call("GET", "me", token=token, params={"fields": "id,username"})
        return {"access_token": token, "threads_user_id": str(me["id"]),
                "username": str(me.get("username", "")), "expires_at": expiry}

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        raise Unsupported(f"{path}: bedside does not read Threads' export yet")


def _interaction(item: Mapping[str, object], kind: str, *,
                 in_reply_to: str | None) -> Interaction:
    username = str(item.get("username", ""))
    return Interaction(
        remote_id=str(item["id"]), kind="reply" if kind == "reply" else "mention",
        author_handle=username, author_name=username, text=str(item.get("text", "")),
        created_at=timestamp(item.get("timestamp")), url=_str(item.get("permalink")),
        in_reply_to=in_reply_to,
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
