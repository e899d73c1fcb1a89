"""Bluesky, through the `atproto` SDK (https://atproto.blue) on the injected HTTP client.

Credentials kept per account (sealed by the store): `service` (the account's server, by default
https://bsky.social), `identifier` (handle), `did`, and `app_password`: an app password
(Settings → Privacy and security → App passwords), never the account's own password. Sessions
live in memory, one per account and process: a login (createSession, 30 per 5 minutes) happens
once, and again only when the server forgets the session.

Idempotency: a post's record key is derived from the idempotency key (bluesky_records.
record_key), and com.atproto.repo.createRecord with a key already used makes no second record.
`publish` looks the key up first (a retry after a lost answer returns the first post, without
uploading its images again) and after a failed create (did it land anyway?). `find` is a
com.atproto.repo.getRecord of that key.

Reads of app.bsky.* (notifications, counts, followers) go through the account's server to the
Bluesky AppView; the profile is read from the repository itself, which is always current. The
records themselves (text, images, reply reference, profile) and what is read back as bedside's
values are built in networks.bluesky_content.

Errors (XRPC: https://atproto.com/specs/xrpc#error-responses; limits and their RateLimit-* and
Retry-After headers: https://docs.bsky.app/docs/advanced-guides/rate-limits):
    401/403 AuthenticationRequired, AccountTakedown…  PermanentError: reconnect the account
    400/401 ExpiredToken, InvalidToken                 log in again once, then PermanentError
    400 InvalidRequest, BlobTooLarge…, 413             PermanentError: content rejected
    429 RateLimitExceeded                              TransientError after Retry-After (or
                                                       RateLimit-Reset, epoch seconds)
    5xx, 408, 409, timeouts, connection errors         TransientError
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from atproto import Client, models
from atproto_client import exceptions as sdk

from bedside.errors import UsageError
from bedside.networks import bluesky_archive
from bedside.networks import bluesky_content as content
from bedside.networks.base import (
    AccountMetrics,
    AccountRef,
    ArchivePost,
    CannotTell,
    Follower,
    Image,
    ImageError,
    Interaction,
    InteractionKind,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    TransientError,
    link_after_blank_line,
)
from bedside.networks.bluesky_records import (
    POST,
    PROFILE,
    AtUri,
    parse_time,
    post_url,
    record_key,
)
from bedside.networks.bluesky_sdk import SESSION_LOST, SharedRequest, error_code, errors, said
from bedside.networks.limits import limits_for, measure

__all__ = ["DEFAULT_SERVICE", "BlueskyNetwork"]

log = logging.getLogger(__name__)

DEFAULT_SERVICE = "https://bsky.social"
_APP_PASSWORD = re.compile(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}")
_INTERACTIONS: dict[str, InteractionKind] = {"reply": "reply", "mention": "mention",
                                             "quote": "quote"}


class BlueskyNetwork:
    """Bluesky: posts, replies and mentions, counts, followers, profile, repository exports."""

    name = "bluesky"

    def __init__(self, context: NetworkContext) -> None:
        self.limits = limits_for(self.name)
        self._given_http = context.http
        self._own_http: httpx.Client | None = None
        self._sessions: dict[tuple[str, str], Client] = {}
        self._lock = threading.Lock()

    @property
    def _http(self) -> httpx.Client:
        """The injected client; a connector built without one (a listing) makes its own."""
        if self._given_http is not None:
            return self._given_http
        if self._own_http is None:
            self._own_http = httpx.Client(timeout=30.0)
        return self._own_http

    # -- connecting ---------------------------------------------------------------------

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Log in with the handle and app password; return what the store keeps."""
        password = secrets.get("app_password", "").strip()
        if not _APP_PASSWORD.fullmatch(password):
            raise PermanentError("That is not a Bluesky app password (four groups of four letters "
                             "and digits, like abcd-efgh-ijkl-mnop). Create one in Bluesky: "
                             "Settings → Privacy and security → App passwords.")
        service = (secrets.get("service") or DEFAULT_SERVICE).rstrip("/")
        identifier = handle.strip().lstrip("@")
        client = self._login(service, identifier, password)
        session = client._session
        assert session is not None  # login sets it or raises
        credentials = {"service": service, "identifier": session.handle, "did": session.did,
                       "app_password": password}
        with self._lock:
            self._sessions[(service, session.did)] = client
        return credentials

    def _login(self, service: str, identifier: str, password: str) -> Client:
        client = Client(base_url=service, request=SharedRequest(self._http))
        with errors("log in"):
            try:
                # getProfile at login needs an AppView; the session is all we need here.
                client.login(identifier, password, fetch_bsky_profile=False)
            except sdk.UnauthorizedError as exc:
                raise PermanentError(
                    f"Bluesky refused the handle {identifier} or its app password "
                    f"({said(exc)}): check both, or create a new app password."
                ) from None
        return client

    def _client(self, account: AccountRef, *, fresh: bool = False) -> tuple[Client, str]:
        """The account's logged-in client and its DID."""
        creds = account.credentials
        service = creds.get("service", DEFAULT_SERVICE).rstrip("/")
        identifier = creds.get("did") or creds.get("identifier") or account.handle
        key = (service, identifier)
        with self._lock:
            client = None if fresh else self._sessions.get(key)
        if client is None:
            password = creds.get("app_password")
            if not password:
                raise PermanentError(f"The Bluesky account {account.handle} has no app password "
                                     "stored: connect it again.")
            client = self._login(service, identifier, password)
            with self._lock:
                self._sessions[key] = client
        assert client._session is not None
        return client, client._session.did

    def _call(self, account: AccountRef, action: str, work: Any) -> Any:
        """Run `work(client, did)`, logging in again once if the server forgot the session."""
        client, did = self._client(account)
        with errors(action):
            try:
                return work(client, did)
            except (sdk.UnauthorizedError, sdk.BadRequestError) as exc:
                # The reference PDS answers a token it cannot verify with 400 InvalidToken.
                if error_code(exc) not in SESSION_LOST:
                    raise
        client, did = self._client(account, fresh=True)
        with errors(action):
            return work(client, did)

    # -- publishing ---------------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutgoingPost, *, idempotency_key: str
                ) -> Published:
        """Publish `post` under the record key of `idempotency_key` (once, however often)."""
        rkey = record_key(idempotency_key)
        content.check_length(post, self.limits)
        images = [(image, image.read()) for image in post.images]
        content.check_images(images, self.limits)
        done = self._lookup(account, rkey)
        if done is not None:
            return done

        def create(client: Client, did: str) -> Published:
            text = link_after_blank_line(post)
            record = models.AppBskyFeedPost.Record(
                text=text, created_at=client.get_current_time_iso(),
                facets=client.detect_facets(text) or None,
                reply=content.reply_ref(client, post.reply_to) if post.reply_to else None,
                embed=content.images_embed(client, images) if images else None,
                langs=list(account.options.get("langs", ())) or None,
            )
            client.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
                repo=did, collection=POST, rkey=rkey, record=record))
            return Published(remote_id=str(AtUri(did, POST, rkey)), url=post_url(did, rkey),
                             published_at=parse_time(record.created_at))

        try:
            published: Published = self._call(account, "publish a post", create)
        except (TransientError, PermanentError):
            # The answer may have been lost after the record was made (a duplicate key also
            # fails): the record decides.
            with contextlib.suppress(TransientError, PermanentError):
                again = self._lookup(account, rkey)
                if again is not None:
                    return again
            raise
        log.info("bluesky: published %s (%d chars, %d images)", published.remote_id,
                 len(post.text), len(images))
        return published

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """The post published with this key, None if the repository has none.

        The key alone answers: the hints `post` and `sent_after` are not needed.
        """
        try:
            return self._lookup(account, record_key(idempotency_key))
        except (TransientError, PermanentError) as exc:
            raise CannotTell(f"Bluesky cannot say whether the post exists: {exc}") from None

    def _lookup(self, account: AccountRef, rkey: str) -> Published | None:
        def get(client: Client, did: str) -> Published | None:
            try:
                found = client.com.atproto.repo.get_record(models.ComAtprotoRepoGetRecord.Params(
                    repo=did, collection=POST, rkey=rkey))
            except sdk.BadRequestError as exc:
                if error_code(exc) == "RecordNotFound":
                    return None
                raise
            created = getattr(found.value, "created_at", None)
            return Published(remote_id=found.uri, url=post_url(did, rkey),
                             published_at=parse_time(created) if created else datetime.now(UTC))

        result: Published | None = self._call(account, "look up a post", get)
        return result

    def delete(self, account: AccountRef, remote_id: str) -> None:
        """Delete one of the account's posts; a post already gone is fine."""
        try:
            uri = AtUri.parse(remote_id)
        except ValueError as exc:
            raise PermanentError(f"Cannot delete on Bluesky: {exc}.") from None

        def delete(client: Client, did: str) -> None:
            if uri.did != did:
                raise PermanentError("Cannot delete on Bluesky: the post belongs to another "
                                     "account.")
            client.com.atproto.repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
                repo=did, collection=uri.collection, rkey=uri.rkey))

        self._call(account, "delete a post", delete)

    # -- reading back -------------------------------------------------------------------

    def fetch_interactions(self, account: AccountRef, *, since: datetime | None = None
                           ) -> Sequence[Interaction]:
        """Replies, mentions and quotes from the account's notifications, oldest first."""
        def read(client: Client, did: str) -> list[Interaction]:
            found: list[Interaction] = []
            cursor = None
            while True:
                page = client.app.bsky.notification.list_notifications(
                    models.AppBskyNotificationListNotifications.Params(limit=100, cursor=cursor))
                for note in page.notifications:
                    when = parse_time(note.indexed_at)
                    if since is not None and when <= since:
                        return found
                    kind = _INTERACTIONS.get(note.reason)
                    if kind is not None:
                        found.append(content.interaction(note, kind))
                cursor = page.cursor
                if not cursor or not page.notifications:
                    return found

        interactions: list[Interaction] = self._call(account, "read notifications", read)
        return sorted(interactions, key=lambda item: (item.created_at, item.remote_id))

    def fetch_metrics(self, account: AccountRef, remote_ids: Sequence[str]
                      ) -> Sequence[PostMetrics]:
        """Likes, replies, reposts and quotes of our posts (the AppView counts; 25 a call)."""
        def read(client: Client, did: str) -> list[PostMetrics]:
            metrics = []
            for start in range(0, len(remote_ids), 25):
                posts = client.app.bsky.feed.get_posts(models.AppBskyFeedGetPosts.Params(
                    uris=list(remote_ids[start: start + 25]))).posts
                now = datetime.now(UTC)
                metrics += [PostMetrics(remote_id=view.uri, fetched_at=now,
                                        likes=view.like_count, replies=view.reply_count,
                                        reposts=view.repost_count, quotes=view.quote_count)
                            for view in posts]
            return metrics

        result: list[PostMetrics] = self._call(account, "read post counts", read)
        return result

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        def read(client: Client, did: str) -> AccountMetrics:
            view = client.app.bsky.actor.get_profile(
                models.AppBskyActorGetProfile.Params(actor=did))
            return AccountMetrics(fetched_at=datetime.now(UTC), followers=view.followers_count,
                                  following=view.follows_count, posts=view.posts_count)

        result: AccountMetrics = self._call(account, "read account counts", read)
        return result

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        """Up to `limit` followers, most recent first, with their counts (getProfiles)."""
        def read(client: Client, did: str) -> list[Follower]:
            dids: list[str] = []
            cursor = None
            while len(dids) < limit:
                page = client.app.bsky.graph.get_followers(models.AppBskyGraphGetFollowers.Params(
                    actor=did, limit=min(100, limit - len(dids)), cursor=cursor))
                dids += [view.did for view in page.followers]
                cursor = page.cursor
                if not cursor or not page.followers:
                    break
            followers = []
            for start in range(0, len(dids), 25):
                views = client.app.bsky.actor.get_profiles(models.AppBskyActorGetProfiles.Params(
                    actors=dids[start: start + 25])).profiles
                followers += [content.follower(view) for view in views]
            return followers

        result: list[Follower] = self._call(account, "read followers", read)
        return result

    # -- profile ------------------------------------------------------------------------

    def get_profile(self, account: AccountRef) -> Profile:
        """The profile record as the account's repository holds it now."""
        def read(client: Client, did: str) -> Profile:
            record, _ = content.profile_record(client, did)
            return content.profile(client, did, record)

        result: Profile = self._call(account, "read the profile", read)
        return result

    def update_profile(self, account: AccountRef, *, display_name: str | None = None,
                       bio: str | None = None, avatar: Image | None = None) -> Profile:
        """Change what is given in the profile record (swapRecord: no concurrent edit lost)."""
        for value, most, what in ((bio, self.limits.bio_max, "bio"),
                                  (display_name, self.limits.display_name_max, "display name")):
            if value is not None and most is not None and measure(value, self.name) > most:
                raise UsageError(f"A Bluesky {what} holds at most {most} characters; this one "
                                 f"has {measure(value, self.name)}.")
        data = avatar.read() if avatar is not None else None
        if avatar is not None and data is not None:
            if avatar.mime not in content.AVATAR_TYPES:
                raise ImageError(f"A Bluesky avatar must be PNG or JPEG, not {avatar.mime}.")
            content.check_images([(avatar, data)], self.limits)

        def update(client: Client, did: str) -> Profile:
            record, cid = content.profile_record(client, did)
            changes: dict[str, Any] = {}
            if display_name is not None:
                changes["display_name"] = display_name
            if bio is not None:
                changes["description"] = bio
            if avatar is not None and data is not None:
                changes["avatar"] = client.com.atproto.repo.upload_blob(
                    data, headers={"Content-Type": avatar.mime}).blob
            new = (record or models.AppBskyActorProfile.Record()).model_copy(update=changes)
            client.com.atproto.repo.put_record(models.ComAtprotoRepoPutRecord.Data(
                repo=did, collection=PROFILE, rkey="self", record=new, swap_record=cid))
            return content.profile(client, did, new)

        result: Profile = self._call(account, "update the profile", update)
        return result

    # -- archives -----------------------------------------------------------------------

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        """Posts of a repository export (repo.car, com.atproto.sync.getRepo), oldest first."""
        return bluesky_archive.read_repo_export(path)


