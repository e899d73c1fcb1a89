"""Facebook Pages through the Graph API (httpx): posts, photos with alt text, comments and
recommendations, insights, Facebook Login.

    publish   POST /{page}/feed (message, link); with images, each photo first goes to
              POST /{page}/photos (published=false, alt_text_custom) and the post attaches
              them (attached_media), as the Pages API documents for multi-photo posts; a reply
              is POST /{post}/comments (text only: a comment carries at most one image and no
              alt text, so bedside refuses images there rather than post one without it)
    find      no idempotency key on Facebook: networks.journal (the Page's recent posts, or
              the comments under the post replied to, matched on the exact text)
    inbox     comments on the Page's recent posts and its ratings (recommendations) as reviews
    metrics   reactions, comments, shares; post_media_view and post_clicks insights (the
              `impressions` metrics were withdrawn on 2025-11-15)
    profile   name, about, website, picture; only `about` can be changed through the API
    connect   Facebook Login: code → user token → long-lived user token → the Page's token
              (a Page token from a long-lived user token does not expire)

References: https://developers.facebook.com/docs/graph-api/reference/page/feed/,
https://developers.facebook.com/docs/graph-api/reference/photo/ (alt_text_custom),
https://developers.facebook.com/docs/graph-api/reference/page/ratings/,
https://developers.facebook.com/docs/pages-api/changelog/ (insights deprecations),
https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow,
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bedside.networks import facebook_export
from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    Follower,
    Image,
    Interaction,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    Unsupported,
)
from bedside.networks.journal import Candidate, Journal, Search, hint, recall, resume, send_once
from bedside.networks.limits import limits_for
from bedside.networks.meta import App, GraphClient, expires_at, expiring, require, timestamp

__all__ = ["GRAPH", "SCOPES", "FacebookNetwork"]

VERSION = "v25.0"
GRAPH = f"https://graph.facebook.com/{VERSION}"
DIALOG = f"https://www.facebook.com/{VERSION}/dialog/oauth"
SCOPES = ("pages_show_list", "pages_read_engagement", "pages_read_user_content",
          "pages_manage_posts", "pages_manage_engagement", "pages_manage_metadata",
          "read_insights")
POST_FIELDS = "id,message,created_time,permalink_url"
COMMENT_FIELDS = "id,message,created_time,permalink_url,from{id,name}"


class FacebookNetwork:
    """A Facebook Page. Credentials: access_token (the Page's), page_id, expires_at."""

    name = "facebook"

    def __init__(self, context: NetworkContext, *, app: App | None = None) -> None:
        self.context = context
        self.limits = limits_for("facebook")
        self.graph = GraphClient(context, network="Facebook", base=GRAPH)
        self.journal = Journal(context.data_dir, self.name)
        self._app = app

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = App.from_env("facebook")
        return self._app

    # Publishing

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        """Publish once per key (see networks.journal); raises Transient/PermanentError."""
        token, page = require(account.credentials, "access_token", "page_id", network="Facebook")
        earlier = resume(self.journal, account.handle, idempotency_key,
                         lambda search: self._candidates(account, search))
        if earlier is not None:
            return earlier
        if post.reply_to is not None:
            if post.images:
                raise PermanentError("Facebook comments take no image with alt text; post the"
                                     " images in a post of their own")
            path, form = f"{post.reply_to}/comments", {"message": post.text}
        else:
            path, form = f"{page}/feed", self._feed_form(post, token, page)
        response = send_once(
            self.journal, account.handle, idempotency_key, text=post.text,
            reply_to=post.reply_to,
            call=lambda: self.graph.request("POST", path, token=token, data=form),
        )
        remote_id = str(self.graph.checked(response)["id"])
        published = Published(remote_id, f"https://www.facebook.com/{remote_id}",
                              datetime.now(UTC))
        self.journal.published(account.handle, idempotency_key, published)
        return published

    def _feed_form(self, post: OutgoingPost, token: str, page: str) -> dict[str, str]:
        form = {"message": post.text}
        if post.link and not post.images:
            form["link"] = post.link
        for number, image in enumerate(post.images):
            photo = self._upload(image, token, page)
            form[f"attached_media[{number}]"] = json.dumps({"media_fbid": photo})
        return form

    def _upload(self, image: Image, token: str, page: str) -> str:
        """An unpublished photo with its alt text, to attach to a post."""
        data = image.read()
        body = self.graph.call(
            "POST", f"{page}/photos", token=token,
            data={"published": "false", "alt_text_custom": image.alt},
            files={"source": ("image", data, image.mime)},
        )
        return str(body["id"])

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """The post published with this key, None if none (networks.journal); may raise
        CannotTell (never None for a key this data directory has no record of and no hints)."""
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after))

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        """The Page's posts since the attempt, or the comments under the post it answered."""
        token, page = require(account.credentials, "access_token", "page_id", network="Facebook")
        after = int(search.since.timestamp())
        if search.reply_to is None:
            items = self.graph.pages(f"{page}/posts", token=token, params={
                "fields": POST_FIELDS, "since": str(after), "limit": "100"})
        else:
            items = self.graph.pages(f"{search.reply_to}/comments", token=token, params={
                "fields": COMMENT_FIELDS, "filter": "stream", "order": "reverse_chronological",
                "limit": "100"})
        return [Candidate(str(item["id"]), str(item.get("message", "")),
                          timestamp(item.get("created_time")), item.get("permalink_url"),
                          mine=str((item.get("from") or {}).get("id", page)) == page)
                for item in items]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete a post or comment; one already gone is fine."""
        token = require(account.credentials, "access_token", network="Facebook")[0]
        response = self.graph.request("DELETE", remote_id, token=token)
        if response.status_code == 404 or _does_not_exist(response.content):
            return
        self.graph.checked(response)

    # Inbox and metrics

    def fetch_interactions(self, account: AccountRef, *,
                           since: datetime | None = None) -> Sequence[Interaction]:
        """Comments on the Page's recent posts (not the Page's own) and its recommendations."""
        token, page = require(account.credentials, "access_token", "page_id", network="Facebook")
        params = {"fields": f"id,comments.filter(stream).limit(100){{{COMMENT_FIELDS}}}",
                  "limit": "25"}
        if since is not None:
            params["since"] = str(int(since.timestamp()))
        found: list[Interaction] = []
        for item in self.graph.pages(f"{page}/posts", token=token, params=params, max_pages=2):
            for comment in item.get("comments", {}).get("data", []):
                author = comment.get("from") or {}  # absent without pages_read_user_content
                if str(author.get("id", "")) == page:
                    continue
                found.append(Interaction(
                    remote_id=str(comment["id"]), kind="comment",
                    author_handle=str(author.get("id", "")),
                    author_name=str(author.get("name", "")),
                    text=str(comment.get("message", "")),
                    created_at=timestamp(comment.get("created_time")),
                    url=comment.get("permalink_url"), in_reply_to=str(item["id"]),
                ))
        for rating in self.graph.pages(f"{page}/ratings", token=token, params={
                "fields": "created_time,recommendation_type,review_text,reviewer{id,name},"
                          "rating,open_graph_story{id}", "limit": "100"}, max_pages=2):
            found.append(_review(rating))
        return sorted((i for i in found if since is None or i.created_at > since),
                      key=lambda i: i.created_at)

    def fetch_metrics(self, account: AccountRef,
                      remote_ids: Sequence[str]) -> Sequence[PostMetrics]:
        token = require(account.credentials, "access_token", network="Facebook")[0]
        fields = ("reactions.summary(total_count).limit(0),comments.summary(total_count)"
                  ".limit(0),shares,insights.metric(post_media_view,post_clicks)")
        metrics = []
        for remote_id in remote_ids:
            response = self.graph.request("GET", remote_id, token=token,
                                          params={"fields": fields})
            if response.status_code == 404 or _does_not_exist(response.content):
                continue
            body = self.graph.checked(response)
            insights = {entry.get("name"): _first_value(entry)
                        for entry in body.get("insights", {}).get("data", [])}
            metrics.append(PostMetrics(
                remote_id=remote_id, fetched_at=datetime.now(UTC),
                likes=_summary(body, "reactions"), replies=_summary(body, "comments"),
                reposts=int(body.get("shares", {}).get("count", 0)),
                impressions=insights.get("post_media_view"),
                clicks=insights.get("post_clicks"),
            ))
        return metrics

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        token, page = require(account.credentials, "access_token", "page_id", network="Facebook")
        body = self.graph.call("GET", page, token=token,
                               params={"fields": "followers_count,fan_count"})
        followers = body.get("followers_count", body.get("fan_count"))
        return AccountMetrics(fetched_at=datetime.now(UTC),
                              followers=int(followers) if followers is not None else None)

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        raise Unsupported("Facebook does not let apps list a Page's followers")

    # Profile

    def get_profile(self, account: AccountRef) -> Profile:
        token, page = require(account.credentials, "access_token", "page_id", network="Facebook")
        body = self.graph.call("GET", page, token=token, params={
            "fields": "id,name,username,about,website,picture{url}"})
        return Profile(
            handle=str(body.get("username") or body["id"]), display_name=str(body.get("name", "")),
            bio=str(body.get("about", "")), website=body.get("website"),
            avatar_url=body.get("picture", {}).get("data", {}).get("url"),
        )

    def update_profile(self, account: AccountRef, *, display_name: str | None = None,
                       bio: str | None = None, avatar: Image | None = None) -> Profile:
        """Change the Page's `about`; a new name or picture goes through Facebook itself."""
        if display_name is not None:
            raise Unsupported("Facebook reviews every Page name change: rename the Page in"
                                 " Facebook's Page settings")
        if avatar is not None:
            raise Unsupported("The Graph API cannot change a Page's picture: change it on"
                                 " Facebook")
        if bio is not None:
            token, page = require(account.credentials, "access_token", "page_id",
                                  network="Facebook")
            self.graph.call("POST", page, token=token, data={"about": bio})
        return self.get_profile(account)

    # Connecting an account

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str = "") -> str:
        """Facebook Login's dialog (the manual flow has no PKCE for web apps)."""
        query = {"client_id": self.app.client_id, "redirect_uri": redirect_uri,
                 "state": state, "response_type": "code", "scope": ",".join(SCOPES)}
        return f"{DIALOG}?{urlencode(query)}"

    def complete_authorization(self, *, code: str, state: str,
                               redirect_uri: str) -> Mapping[str, str]:
        """The code for a long-lived user token (about 60 days); `connect` then picks the Page."""
        app = self.app
        short = self.graph.call("POST", "oauth/access_token", data={
            "client_id": app.client_id, "client_secret": app.client_secret,
            "redirect_uri": redirect_uri, "code": code})
        long = self.graph.call("POST", "oauth/access_token", data={
            "grant_type": "fb_exchange_token", "client_id": app.client_id,
            "client_secret": app.client_secret, "fb_exchange_token": short["access_token"]})
        return {"user_token": str(long["access_token"]),
                "expires_at": expires_at(long.get("expires_in"))}

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """The Page named `handle` (id, username or name) among those the user token manages.

        `secrets` holds `user_token` (from complete_authorization, or a token made in Meta's
        Graph API Explorer); Page credentials already resolved are checked and returned.
        """
        if secrets.get("page_id") and secrets.get("access_token"):
            self.graph.call("GET", secrets["page_id"], token=secrets["access_token"],
                            params={"fields": "id"})
            return dict(secrets)
        user_token = require(secrets, "user_token", network="Facebook")[0]
        pages = self._pages(user_token)
        wanted = handle.strip().lstrip("@").casefold()
        for page in pages:
            names = {str(page.get(k, "")).casefold() for k in ("id", "username", "name")}
            if wanted in names:
                return _page_credentials(page)
        known = ", ".join(str(p.get("name")) for p in pages) or "none"
        raise PermanentError(f"Facebook: this login manages no Page {handle!r} (it manages:"
                             f" {known})")

    def _pages(self, user_token: str) -> list[dict[str, Any]]:
        return self.graph.pages("me/accounts", token=user_token,
                                params={"fields": "id,name,username,access_token"})

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        """Nothing to do for a Page token (it does not expire); one that will must reconnect."""
        if expiring(credentials, within=timedelta(hours=1)):
            raise PermanentError("Facebook: the Page's token is about to expire and Facebook"
                                 " offers no refresh; reconnect the account")
        return None

    # Archive

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        """Posts from Facebook's "Download your information" export (JSON, file or zip)."""
        return facebook_export.read(path)


def _page_credentials(page: Mapping[str, Any]) -> dict[str, str]:
    return {"access_token": str(page["access_token"]), "page_id": str(page["id"]),
            "expires_at": ""}


def _review(rating: Mapping[str, Any]) -> Interaction:
    """A recommendation (or an old star rating) as a review; rating 1-5 only when Facebook
    still gives stars (recommendations replaced them in 2018)."""
    reviewer = rating.get("reviewer") or {}
    created = timestamp(rating.get("created_time"))
    story = (rating.get("open_graph_story") or {}).get("id")
    stars = rating.get("rating")
    return Interaction(
        remote_id=str(story or f"review:{reviewer.get('id', '')}:{int(created.timestamp())}"),
        kind="review", author_handle=str(reviewer.get("id", "")),
        author_name=str(reviewer.get("name", "")), text=str(rating.get("review_text", "")),
        created_at=created, rating=stars if isinstance(stars, int) else None,
    )


def _summary(body: Mapping[str, Any], edge: str) -> int | None:
    count = body.get(edge, {}).get("summary", {}).get("total_count")
    return int(count) if isinstance(count, int) else None


def _first_value(entry: Mapping[str, Any]) -> int | None:
    values = entry.get("values") or [{}]
    value = values[0].get("value")
    return int(value) if isinstance(value, int) else None


def _does_not_exist(content: bytes) -> bool:
    """Graph's answer for an object deleted or never there: code 100, subcode 33."""
    try:
        error = json.loads(content).get("error", {})
    except (ValueError, AttributeError):
        return False
    return isinstance(error, dict) and error.get("code") == 100 and error.get(
        "error_subcode") == 33
