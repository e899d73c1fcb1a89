"""Mastodon, through Mastodon.py (https://mastodonpy.readthedocs.io/) on the injected client.

Credentials kept per account (sealed by the store): `instance` (https://server), `access_token`,
and for an OAuth connection `client_id` and `client_secret` of the app registered on that server.

Idempotency: `POST /api/v1/statuses` takes an `Idempotency-Key` header
(https://docs.joinmastodon.org/methods/statuses/#create); the server remembers a key for one
hour and answers a repeat with the first status (app/services/post_status_service.rb: a Redis
key `idempotency:status:<account>:<key>`, set for 3,600 s). There is no endpoint that looks a
key up, so `find` reads the connector's journal (networks.journal):

    published            the status id is known: found
    refused              Mastodon answered with an error: nothing was made (None)
    no answer, < 50 min  None: publishing again with the same key cannot make a second status,
                         Mastodon answers with the first (counted from the key's first use)
    no answer, older     the key is forgotten; the account's statuses since the first send are
                         read back (their plain-text source) and matched (journal.decide):
                         found, None when nothing at all was posted since, else CannotTell
    never sent here      with the hints `post` and `sent_after` (another machine's worker may
                         have sent it): None within 50 min of `sent_after`, else the same read
                         back; without them, CannotTell

Errors (https://docs.joinmastodon.org/api/guidelines/#errors, /entities/Error/): 401 → reconnect,
403 → not allowed, 404 → gone, 422 → content rejected (the server says why), 429 → later, at
X-RateLimit-Reset (an ISO 8601 time: https://docs.joinmastodon.org/api/rate-limits/), 5xx → later.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from mastodon import Mastodon, MastodonError, MastodonNotFoundError

from bedside.networks import http, mastodon_archive, mastodon_oauth
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
    TransientError,
    link_after_blank_line,
)
from bedside.networks.html_text import first_link, plain_text
from bedside.networks.journal import Candidate, Journal, Search, hint, recall
from bedside.networks.limits import check_post, limits_for
from bedside.networks.sdk_http import (
    HttpxAdapter,
    access_token,
    answered_before_creating,
    sdk_errors,
    session_over,
)

__all__ = ["KEY_WINDOW", "MastodonNetwork"]

log = logging.getLogger(__name__)

NAME = "Mastodon"
KEY_WINDOW = timedelta(minutes=50)  # Mastodon keeps a key 60 minutes; 10 to spare for clocks
SERVER_FLOOR = "4.0.0"  # media through /api/v2/media (3.1.4+), the statuses API as documented
MISSING_AVATAR = "/avatars/original/missing.png"
SCAN_LIMIT = 40  # statuses read back by `find` after the key window
KEPT = ("instance", "access_token", "client_id", "client_secret", "scope", "refresh_token",
        "expires_at", "token_endpoint")  # what connect() keeps of what it is given
PROCESSING_PAUSES = (0.5, 1.0, 2.0, 4.0)  # seconds between looks at an image being processed


class MastodonNetwork:
    """One connector for every Mastodon server; the account's credentials name its server."""

    name = "mastodon"

    def __init__(self, context: NetworkContext) -> None:
        self.context = context
        self.limits = limits_for(self.name)
        self.journal = Journal(context.data_dir, self.name)

    # Publishing

    def publish(
        self, account: AccountRef, post: OutgoingPost, *, idempotency_key: str
    ) -> Published:
        """Upload the images (alt text as their description), then post once per key."""
        check_post(post, self.limits)
        text = link_after_blank_line(post)
        now = datetime.now(UTC)
        earlier = self.journal.get(account.handle, idempotency_key)
        if earlier is not None and earlier.published is not None:
            return earlier.published
        if (earlier is not None and earlier.state == "began"
                and now - earlier.first_sent_at > KEY_WINDOW):
            # Mastodon has forgotten the key: look first (raises when it cannot say).
            found = self.find(account, idempotency_key=idempotency_key)
            if found is not None:
                return found
        self.journal.begin(account.handle, idempotency_key, text=text, reply_to=post.reply_to,
                           now=now)
        api, adapter = self._api(account)
        sent = False
        try:
            with _mapped(adapter):
                media_ids = [_upload(api, image) for image in post.images]
                sent = True
                status = api.status_post(
                    text, in_reply_to_id=post.reply_to, media_ids=media_ids or None,
                    visibility="public", idempotency_key=idempotency_key)
        except TransientError:
            if not sent or answered_before_creating(adapter.last):
                self.journal.refused(account.handle, idempotency_key)
            raise
        except PermanentError:
            self.journal.refused(account.handle, idempotency_key)
            raise
        published = _published(str(status["id"]), status.get("url"), status.get("created_at"))
        self.journal.published(account.handle, idempotency_key, published)
        log.info("mastodon: published %s for %s (%d chars, %d images)", published.remote_id,
                 account.handle, len(text), len(post.images))
        return published

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """See the module docstring for what each state of the journal answers."""
        entry = self.journal.get(account.handle, idempotency_key)
        if entry is not None and entry.published is not None:
            return entry.published
        first_uses = [entry.first_sent_at] if entry is not None and entry.state == "began" else []
        if sent_after is not None:
            first_uses.append(sent_after)
        if first_uses and datetime.now(UTC) - min(first_uses) <= KEY_WINDOW:
            return None  # a new attempt with the same key gets the first status back
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after, link_after_blank_line))

    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        """The account's statuses (replies included) since `search.since`, as their source."""
        api, adapter = self._api(account)
        found = []
        with _mapped(adapter):
            me = api.account_verify_credentials()
            for status in api.account_statuses(me["id"], limit=SCAN_LIMIT):
                created = _aware(status["created_at"])
                if created >= search.since:
                    source = api.status_source(status["id"])
                    found.append(Candidate(str(status["id"]), source["text"], created,
                                           status.get("url")))
        return found

    def delete(self, account: AccountRef, remote_id: str) -> None:
        api, adapter = self._api(account)
        with contextlib.suppress(MastodonNotFoundError), _mapped(adapter, gone_ok=True):
            api.status_delete(remote_id)

    # Reading

    def fetch_interactions(
        self, account: AccountRef, *, since: datetime | None = None
    ) -> Sequence[Interaction]:
        """Mentions from the notifications, and replies under our recent statuses."""
        api, adapter = self._api(account)
        found: dict[str, Interaction] = {}
        with _mapped(adapter):
            me = api.account_verify_credentials()
            for note in api.notifications(types=["mention"], limit=80):
                status = note.get("status")
                if status is not None:
                    found[str(status["id"])] = _interaction(status, me["id"])
            for ours in api.account_statuses(me["id"], exclude_reblogs=True, limit=20):
                if since is not None and _aware(ours["created_at"]) < since - timedelta(days=7):
                    continue  # replies to old posts still come as mentions
                if not ours.get("replies_count"):
                    continue
                for status in api.status_context(ours["id"])["descendants"]:
                    if str(status["account"]["id"]) != str(me["id"]):
                        found.setdefault(str(status["id"]), _interaction(status, me["id"]))
        items = [i for i in found.values() if since is None or i.created_at > since]
        return sorted(items, key=lambda item: item.created_at)

    def fetch_metrics(
        self, account: AccountRef, remote_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        api, adapter = self._api(account)
        now = datetime.now(UTC)
        out = []
        for remote_id in remote_ids:
            with contextlib.suppress(MastodonNotFoundError), _mapped(adapter, gone_ok=True):
                status = api.status(remote_id)
                out.append(PostMetrics(
                    remote_id=remote_id, fetched_at=now, likes=status.get("favourites_count"),
                    replies=status.get("replies_count"), reposts=status.get("reblogs_count"),
                    quotes=status.get("quotes_count")))  # Mastodon 4.5+; None before
        return out

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        api, adapter = self._api(account)
        with _mapped(adapter):
            me = api.account_verify_credentials()
        return AccountMetrics(fetched_at=datetime.now(UTC), followers=me["followers_count"],
                              following=me["following_count"], posts=me["statuses_count"])

    def sample_followers(self, account: AccountRef, *, limit: int = 200) -> Sequence[Follower]:
        api, adapter = self._api(account)
        followers: list[Follower] = []
        with _mapped(adapter):
            me = api.account_verify_credentials()
            page = api.account_followers(me["id"], limit=min(80, limit))
            while page and len(followers) < limit:
                followers.extend(_follower(item) for item in page)
                page = api.fetch_next(page) if len(followers) < limit else None
        return followers[:limit]

    def get_profile(self, account: AccountRef) -> Profile:
        api, adapter = self._api(account)
        with _mapped(adapter):
            me = api.account_verify_credentials()
        return _profile(me, _instance(account.credentials))

    def update_profile(
        self,
        account: AccountRef,
        *,
        display_name: str | None = None,
        bio: str | None = None,
        avatar: Image | None = None,
    ) -> Profile:
        _check_profile(self.limits.display_name_max, self.limits.bio_max, display_name, bio)
        api, adapter = self._api(account)
        with _mapped(adapter):
            me = api.account_update_credentials(
                display_name=display_name, note=bio,
                avatar=avatar.read() if avatar else None,
                avatar_mime_type=avatar.mime if avatar else None,
                avatar_description=avatar.alt if avatar else None)  # Mastodon 4.4+
        return _profile(me, _instance(account.credentials))

    def read_archive(self, path: Path) -> Iterator[ArchivePost]:
        return mastodon_archive.read(path)

    # Connecting (OAuth in mastodon_oauth; Mastodon.py has no PKCE)

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Check a token (from `complete_authorization`, or made by the user in the server's
        Preferences → Development) against the account; return the credentials to keep."""
        instance = secrets.get("instance") or mastodon_oauth.instance_of(handle)
        token = secrets.get("access_token", "").strip()
        if not token:
            raise PermanentError(f"{NAME} needs an access token (or connect with OAuth).")
        credentials = {k: v for k, v in secrets.items() if k in KEPT}
        credentials |= {"instance": instance, "access_token": token}
        api, adapter = self._api(AccountRef(self.name, handle, credentials))
        with _mapped(adapter):
            me = api.account_verify_credentials()
        mastodon_oauth.check_same_account(handle, me["acct"], instance)
        return credentials

    def authorization_url(self, *, state: str, redirect_uri: str, handle: str) -> str:
        return mastodon_oauth.authorization_url(self._http(), self.context.data_dir,
                                                state=state, redirect_uri=redirect_uri,
                                                handle=handle)

    def complete_authorization(
        self, *, code: str, state: str, redirect_uri: str
    ) -> Mapping[str, str]:
        return mastodon_oauth.complete(self._http(), self.context.data_dir, code=code,
                                       state=state, redirect_uri=redirect_uri)

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        return mastodon_oauth.refresh(self._http(), credentials)

    # The SDK on the one client

    def _http(self) -> httpx.Client:
        if self.context.http is None:
            raise PermanentError(f"{NAME}: no HTTP client was given to the connector.")
        return self.context.http

    def _api(self, account: AccountRef) -> tuple[Mastodon, HttpxAdapter]:
        token = access_token(account, network=NAME)
        session, adapter = session_over(self._http())
        api = Mastodon(
            access_token=token, api_base_url=_instance(account.credentials), session=session,
            ratelimit_method="throw", version_check_mode="created",
            mastodon_version=SERVER_FLOOR, user_agent="bedside")
        return api, adapter


# Errors


@contextlib.contextmanager
def _mapped(adapter: HttpxAdapter, *, gone_ok: bool = False) -> Iterator[None]:
    """Turn what Mastodon.py raises into TransientError or PermanentError (sdk_http.sdk_errors).

    Mastodon.py raises MastodonNotFoundError for a 404 and for a lookup that found nobody: with
    `gone_ok` it goes on to the caller (who suppresses it), else it is permanent.
    """
    with sdk_errors(adapter, network=NAME, sdk_error=MastodonError, raise_for=raise_for,
                    gone_ok=gone_ok):
        try:
            yield
        except MastodonNotFoundError:
            if gone_ok:
                raise
            raise PermanentError(f"{NAME} does not know this post or account (404).") from None


def raise_for(answer: httpx.Response) -> None:
    """Raise the error an HTTP answer of Mastodon means (networks.http, ISO reset times)."""
    if answer.status_code == 429:
        wait = http.retry_after(answer.headers) or _iso_reset(answer.headers)
        raise TransientError(f"{NAME}: rate limit reached: {http.detail(answer)}",
                             retry_after=wait)
    http.raise_for_status(answer, network=NAME)


def _iso_reset(headers: httpx.Headers) -> float | None:
    value = headers.get("x-ratelimit-reset")
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, (_aware(when) - datetime.now(UTC)).total_seconds())


# Values


def _check_profile(name_max: int | None, bio_max: int | None, name: str | None,
                   bio: str | None) -> None:
    if name is not None and name_max is not None and len(name) > name_max:
        raise PermanentError(f"{NAME} display names take at most {name_max} characters;"
                             f" this one has {len(name)}.")
    if bio is not None and bio_max is not None and len(bio) > bio_max:
        raise PermanentError(f"{NAME} bios take at most {bio_max} characters; this one has"
                             f" {len(bio)}.")


def _upload(api: Mastodon, image: Image) -> str:
    """POST /api/v2/media with the alt text as `description`; wait until it is processed.

    A 202 answer has `url: null` until the server has processed the file
    (https://docs.joinmastodon.org/methods/media/#v2); a status naming an unprocessed
    attachment is refused with 422. Mastodon.py's own wait (`synchronous=True`) asks the server
    for its version first, so the wait is here, bounded.
    """
    media = api.media_post(image.read(), mime_type=image.mime, description=image.alt)
    for pause in PROCESSING_PAUSES:
        if media.get("url"):
            break
        time.sleep(pause)
        media = api.media(media["id"])
    else:
        if not media.get("url"):
            raise TransientError(f"{NAME} is still processing an image; trying again later.",
                                 retry_after=60.0)
    return str(media["id"])


def _instance(credentials: Mapping[str, str]) -> str:
    instance = credentials.get("instance")
    if not instance:
        raise PermanentError(f"The {NAME} account has no server on record: reconnect it.")
    return instance


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise TypeError(f"expected a time, got {type(value).__name__}")
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _published(remote_id: str | None, url: str | None, when: Any) -> Published:
    assert remote_id is not None
    return Published(remote_id=remote_id, url=url,
                     published_at=_aware(when) if when is not None else datetime.now(UTC))


def _interaction(status: Mapping[str, Any], my_id: Any) -> Interaction:
    to_me = str(status.get("in_reply_to_account_id")) == str(my_id)
    return Interaction(
        remote_id=str(status["id"]), kind="reply" if to_me else "mention",
        author_handle="@" + status["account"]["acct"],
        author_name=status["account"].get("display_name") or status["account"]["acct"],
        text=plain_text(status.get("content") or ""), created_at=_aware(status["created_at"]),
        url=status.get("url"),
        in_reply_to=str(status["in_reply_to_id"]) if to_me else None)


def _follower(item: Mapping[str, Any]) -> Follower:
    avatar = item.get("avatar") or ""
    return Follower(
        handle="@" + item["acct"], display_name=item.get("display_name") or "",
        bio=plain_text(item.get("note") or ""),
        has_avatar=bool(avatar) and not avatar.endswith(MISSING_AVATAR),
        created_at=_aware(item["created_at"]) if item.get("created_at") else None,
        posts=item.get("statuses_count"), followers=item.get("followers_count"),
        following=item.get("following_count"))


def _profile(me: Mapping[str, Any], instance: str) -> Profile:
    source = me.get("source") or {}
    website = next((first_link(f["value"]) for f in me.get("fields") or []
                    if first_link(f.get("value") or "")), None)
    host = httpx.URL(instance).host
    return Profile(
        handle=f"@{me['acct']}@{host}" if "@" not in me["acct"] else f"@{me['acct']}",
        display_name=me.get("display_name") or "",
        bio=source.get("note") or plain_text(me.get("note") or ""),
        avatar_url=me.get("avatar"), website=website)
