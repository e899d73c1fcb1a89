"""X (Twitter), through tweepy's API v2 Client on the injected client (https://docs.tweepy.org/).

Accounts connect with OAuth 2.0 Authorization Code with PKCE (networks.x_oauth); the user
token is tweepy's `bearer_token` with `user_auth=False`, as tweepy documents for user-context
OAuth 2. Credentials kept: `access_token`, `refresh_token`, `expires_at`, `user_id`, `username`.

Media: the v1.1 upload endpoint needs OAuth 1.0a; with OAuth 2 the v2 endpoints are used,
`POST /2/media/upload` (https://docs.x.com/x-api/media/image-or-subtitle-media-upload) then
`POST /2/media/metadata` for the alt text (https://docs.x.com/x-api/media/create-media-metadata),
sent through tweepy's own request method (tweepy 4.17 has no v2 media helpers).

X has no idempotency key. `find` reads the connector's journal (networks.journal): a post whose
id came back is found; a refused one is None; one sent without an answer (a timeout, a 5xx, a
killed worker) is looked for among the account's posts since the attempt, by the fingerprint of
its text (journal.decide): found, None when nothing at all was posted since, else CannotTell. A
key never sent from this data directory is looked for the same way when the caller gives the
hints `post` and `sent_after`, else CannotTell. `publish` never sends a key a second time
without that look: a 5xx after sending raises CannotTell, so the reconciler asks first.

Errors (https://docs.x.com/x-api/fundamentals/response-codes-and-errors,
https://docs.x.com/fundamentals/rate-limits): 401 → reconnect; 403 → not allowed, or content
rejected when X calls it a duplicate; 400 → content rejected; 429 → later, at x-rate-limit-reset
(epoch seconds); 5xx → later, or CannotTell for a post already sent.
"""

from __future__ import annotations

import base64
import contextlib
import html
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import tweepy

import bedside.networks.x_archive as x_archive
import bedside.networks.x_oauth as x_oauth
from bedside.networks import http
from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    CannotTell,
    Follower,
    Image,
    Interaction,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    TransientError,
    link_after_blank_line,
)
from bedside.networks.journal import Candidate, Journal, Search, hint, recall
from bedside.networks.limits import check_post, limits_for
from bedside.networks.sdk_http import (
    HttpxAdapter,
    access_token,
    answered_before_creating,
    sdk_errors,
    session_over,
)

__all__ = ["XNetwork"]

log = logging.getLogger(__name__)
# tweepy logs every request's headers (the bearer token) and body (the post) at DEBUG.
logging.getLogger("tweepy").setLevel(logging.INFO)

NAME = "X"
DEFAULT_AVATAR = "default_profile_images"
USER_FIELDS = ["created_at", "description", "profile_image_url", "public_metrics", "url"]


class XNetwork:
    """The X API v2 for one user-context token per account."""

    name = "x"

    def __init__(self, context: NetworkContext) -> None:
        self.context = context
        self.limits = limits_for(self.name)
        self.journal = Journal(context.data_dir, self.name)

    # Publishing

    def publish(
        self, account: AccountRef, post: OutgoingPost, *, idempotency_key: str
    ) -> Published:
        """Upload the images with their alt text, then create the post (once: see find)."""
        check_post(post, self.limits)
        text = link_after_blank_line(post)
        earlier = self.journal.get(account.handle, idempotency_key)
        if earlier is not None and earlier.state != "refused":
            # Made, or sent without an answer: never send it again without looking first.
            found = self.find(account, idempotency_key=idempotency_key)
            if found is not None:
                return found  # else it was not created (find raises when it cannot say)
        self.journal.begin(account.handle, idempotency_key, text=text, reply_to=post.reply_to)
        api, adapter = self._api(account)
        sent = False
        try:
            with _mapped(adapter):
                media_ids = [_upload(api, image) for image in post.images]
                sent = True
                answer = api.create_tweet(
                    text=text, media_ids=media_ids or None,
                    in_reply_to_tweet_id=post.reply_to, user_auth=False)
        except TransientError as exc:
            if sent and not answered_before_creating(adapter.last):
                raise CannotTell(f"{NAME} may have made the post before failing ({exc}); X"
                                 " takes no idempotency key, so it is looked for first.") from None
            self.journal.refused(account.handle, idempotency_key)
            raise
        except PermanentError:
            self.journal.refused(account.handle, idempotency_key)
            raise
        remote_id = str(answer["data"]["id"])
        published = Published(remote_id, _url(account, remote_id), datetime.now(UTC))
        self.journal.published(account.handle, idempotency_key, published)
        log.info("x: published %s for %s (%d chars, %d images)", remote_id, account.handle,
                 len(text), len(post.images))
        return published

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """The post made with this key, None if none was (networks.journal); may raise
        CannotTell, or TransientError while X may not list a new post yet."""
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after, link_after_blank_line))

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        """The account's posts (replies included) since `search.since`, up to 100."""
        api, adapter = self._api(account)
        with _mapped(adapter):
            timeline = api.get_users_tweets(
                _user_id(account), start_time=search.since, max_results=100,
                tweet_fields=["created_at"], user_auth=False)
        return [Candidate(str(tweet["id"]), _plain(tweet["text"]),
                          _when(tweet.get("created_at")) or search.since,
                          _url(account, str(tweet["id"])))
                for tweet in timeline.get("data") or []]

    def delete(self, account: AccountRef, remote_id: str) -> None:
        api, adapter = self._api(account)
        with _mapped(adapter, gone_ok=True):
            api.delete_tweet(remote_id, user_auth=False)

    # Reading

    def fetch_interactions(
        self, account: AccountRef, *, since: datetime | None = None
    ) -> Sequence[Interaction]:
        """Mentions of the account (replies to it included), oldest first."""
        me = _user_id(account)
        api, adapter = self._api(account)
        with _mapped(adapter):
            page = api.get_users_mentions(
                me, start_time=since, max_results=100, expansions=["author_id"],
                tweet_fields=["created_at", "author_id", "in_reply_to_user_id",
                              "referenced_tweets"],
                user_fields=["username", "name"], user_auth=False)
        users = {u["id"]: u for u in (page.get("includes") or {}).get("users", [])}
        found = [_interaction(tweet, users, me) for tweet in page.get("data") or []]
        found = [i for i in found if since is None or i.created_at > since]
        return sorted(found, key=lambda item: item.created_at)

    def fetch_metrics(
        self, account: AccountRef, remote_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """public_metrics of each post, 100 ids a request; deleted posts come back as errors."""
        api, adapter = self._api(account)
        now, out = datetime.now(UTC), []
        for start in range(0, len(remote_ids), 100):
            with _mapped(adapter):
                page = api.get_tweets(list(remote_ids[start:start + 100]),
                                      tweet_fields=["public_metrics"], user_auth=False)
            for tweet in page.get("data") or []:
                counts = tweet.get("public_metrics") or {}
                out.append(PostMetrics(
                    remote_id=str(tweet["id"]), fetched_at=now, likes=counts.get("like_count"),
                    replies=counts.get("reply_count"), reposts=counts.get("retweet_count"),
                    quotes=counts.get("quote_count"), impressions=counts.get("impression_count")))
        return out

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        counts = self._me(account).get("public_metrics") or {}
        return AccountMetrics(fetched_at=datetime.now(UTC),
                              followers=counts.get("followers_count"),
                              following=counts.get("following_count"),
                              posts=counts.get("tweet_count"))

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        api, adapter = self._api(account)
        followers: list[Follower] = []
        token = None
        with _mapped(adapter):
            while len(followers) < limit:
                page = api.get_users_followers(
                    _user_id(account), max_results=max(1, min(1000, limit)),
                    pagination_token=token, user_fields=USER_FIELDS, user_auth=False)
                followers.extend(_follower(user) for user in page.get("data") or [])
                token = (page.get("meta") or {}).get("next_token")
                if not token:
                    break
        return followers[:limit]

    def get_profile(self, account: AccountRef) -> Profile:
        return _profile(self._me(account))

    def update_profile(
        self,
        account: AccountRef,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        avatar: Image | None = None,
    ) -> Profile:
        """PUT /2/users/me (https://docs.x.com/x-api/users/update-profile) for the name and bio;
        the avatar is uploaded as media, then set with PUT /2/users/me/profile_image
        (https://docs.x.com/x-api/users/update-profile-image). X keeps no alt text for it."""
        limits = self.limits
        for what, value, most in (("display names", display_name, limits.display_name_max),
                                  ("bios", bio, limits.bio_max)):
            if value is not None and most is not None and len(value) > most:
                raise PermanentError(f"{NAME} {what} take at most {most} characters; this one"
                                     f" has {len(value)}.")
        fields = {k: v for k, v in (("name", display_name), ("description", bio)) if v is not None}
        api, adapter = self._api(account)
        with _mapped(adapter):
            if fields:
                api.request("PUT", "/2/users/me", json=fields)
            if avatar is not None:
                media_id = _upload(api, avatar, alt=False)
                api.request("PUT", "/2/users/me/profile_image", json={"media_id": media_id})
        return self.get_profile(account)

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        return x_archive.read(path)

    # Connecting (x_oauth)

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Check the token against the account; return the credentials to keep."""
        if not secrets.get("access_token"):
            raise PermanentError(f"{NAME} accounts connect through OAuth: start with the"
                                 " authorization link.")
        probe = AccountRef(self.name, handle, dict(secrets))
        me = self._me(probe)
        wanted = handle.strip().lstrip("@").lower()
        if me["username"].lower() != wanted:
            raise PermanentError(f"This {NAME} sign-in is for @{me['username']}, not @{wanted}:"
                                 " sign in to X as the account to connect.")
        kept = {k: v for k, v in secrets.items() if k in x_oauth.KEPT}
        return kept | {"user_id": str(me["id"]), "username": me["username"]}

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str) -> str:
        return x_oauth.authorization_url(self.context.data_dir, state=state,
                                         redirect_uri=redirect_uri)

    def complete_authorization(
        self, *, code: str, state: str, redirect_uri: str
    ) -> Mapping[str, str]:
        return x_oauth.complete(self._http(), self.context.data_dir, code=code, state=state,
                                redirect_uri=redirect_uri)

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        return x_oauth.refresh(self._http(), credentials)

    # The SDK on the one client

    def _http(self) -> httpx.Client:
        if self.context.http is None:
            raise PermanentError(f"{NAME}: no HTTP client was given to the connector.")
        return self.context.http

    def _api(self, account: AccountRef) -> tuple[tweepy.Client, HttpxAdapter]:
        token = access_token(account, network=NAME)
        api = tweepy.Client(bearer_token=token, return_type=dict, wait_on_rate_limit=False)
        api.session, adapter = session_over(self._http())
        return api, adapter

    def _me(self, account: AccountRef) -> dict[str, Any]:
        api, adapter = self._api(account)
        with _mapped(adapter):
            answer = api.get_me(user_fields=USER_FIELDS, user_auth=False)
        me: dict[str, Any] = answer["data"]
        return me


# Errors


def _mapped(adapter: HttpxAdapter, *,
            gone_ok: bool = False) -> contextlib.AbstractContextManager[None]:
    """Turn what tweepy raises into TransientError or PermanentError (sdk_http.sdk_errors)."""
    return sdk_errors(adapter, network=NAME, sdk_error=tweepy.TweepyException,
                      raise_for=raise_for, gone_ok=gone_ok)


def raise_for(answer: httpx.Response) -> None:
    """X's refinements of networks.http: a duplicate post is content, not a permission, and an
    invalid request says what was wrong in errors[].message, not in its generic `detail`."""
    said = _said(answer)
    if answer.status_code == 403 and "duplicate" in said.lower():
        raise PermanentError(f"content rejected by {NAME}: {said} (X refuses a post identical"
                             " to a recent one)")
    if answer.status_code == 400:
        raise PermanentError(f"content rejected by {NAME}: {said}")
    http.raise_for_status(answer, network=NAME)


def _said(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        message = errors[0].get("message")
        if isinstance(message, str) and message.strip():
            return message.strip()[:http.MAX_DETAIL]
    return http.detail(answer)


# Values


def _upload(api: tweepy.Client, image: Image, *, alt: bool = True) -> str:
    """The image as base64 in a JSON body (tweet_image), then its alt text as metadata."""
    body = {"media": base64.b64encode(image.read()).decode("ascii"),
            "media_category": "tweet_image", "media_type": image.mime}
    answer = api.request("POST", "/2/media/upload", json=body).json()
    media_id = str(answer["data"]["id"])
    if alt:
        api.request("POST", "/2/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": image.alt}}})
    return media_id


def _user_id(account: AccountRef) -> str:
    user_id = account.credentials.get("user_id")
    if not user_id:
        raise PermanentError(f"The {NAME} account {account.handle} has no user id on record:"
                             " reconnect it.")
    return user_id


def _url(account: AccountRef, remote_id: str) -> str:
    username = account.credentials.get("username") or account.handle.lstrip("@")
    return f"https://x.com/{username}/status/{remote_id}"


def _plain(text: str) -> str:
    """X escapes &, < and > in post text (&amp;…): undo it before comparing."""
    return html.unescape(text)


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _interaction(tweet: Mapping[str, Any], users: Mapping[str, Any], me: str) -> Interaction:
    author = users.get(str(tweet.get("author_id")), {})
    to_me = str(tweet.get("in_reply_to_user_id")) == me
    replied = next((ref["id"] for ref in tweet.get("referenced_tweets") or []
                    if ref.get("type") == "replied_to"), None)
    username = author.get("username") or str(tweet.get("author_id"))
    return Interaction(
        remote_id=str(tweet["id"]), kind="reply" if to_me else "mention",
        author_handle=f"@{username}", author_name=author.get("name") or username,
        text=_plain(tweet["text"]), created_at=_when(tweet.get("created_at")) or datetime.now(UTC),
        url=f"https://x.com/{username}/status/{tweet['id']}",
        in_reply_to=str(replied) if to_me and replied else None)


def _follower(user: Mapping[str, Any]) -> Follower:
    counts = user.get("public_metrics") or {}
    avatar = user.get("profile_image_url") or ""
    return Follower(
        handle="@" + user["username"], display_name=user.get("name") or "",
        bio=user.get("description") or "",
        has_avatar=bool(avatar) and DEFAULT_AVATAR not in avatar,
        created_at=_when(user.get("created_at")), posts=counts.get("tweet_count"),
        followers=counts.get("followers_count"), following=counts.get("following_count"))


def _profile(me: Mapping[str, Any]) -> Profile:
    return Profile(handle="@" + me["username"], display_name=me.get("name") or "",
                   bio=me.get("description") or "", avatar_url=me.get("profile_image_url"),
                   website=me.get("url") or None)
