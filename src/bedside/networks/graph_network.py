"""GraphNetwork: the part of a connector Instagram and Threads have in common (their app,
Graph client and journal, finding a post by its key, post insights, a read-only profile,
connecting a handle, refreshing a 60-day token). The Graph API calls themselves are in
networks.meta."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from bedside.networks.base import (
    AccountRef,
    Image,
    NetworkContext,
    OutgoingPost,
    PermanentError,
    PostMetrics,
    Profile,
    Published,
    Unsupported,
)
from bedside.networks.journal import Candidate, Journal, Search, hint, recall, resume
from bedside.networks.limits import limits_for
from bedside.networks.meta import (
    REFRESH_BEFORE,
    App,
    GraphClient,
    expires_at,
    expiring,
    insight_values,
    require,
)

__all__ = ["GraphNetwork"]


class GraphNetwork(ABC):
    """What an Instagram or Threads connector shares: its app, Graph client and journal, the
    account's token and user id, finding a post by its key, post insights, a profile read only,
    connecting a handle, and a 60-day token refreshed in its last week. Each subclass names its
    own values below and writes publishing, the inbox and the rest."""

    name: str
    label: str  # the network as messages name it ("Instagram")
    graph_base: str
    user_key: str  # the credential holding the account's user id
    refresh_url: str
    refresh_grant: str
    insight_metrics: str  # the post insights asked for, comma-separated
    profile_read_only: str  # why update_profile cannot change anything

    def __init__(self, context: NetworkContext, *, app: App | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.context = context
        self.limits = limits_for(self.name)
        self.graph = GraphClient(context, network=self.label, base=self.graph_base)
        self.journal = Journal(context.data_dir, self.name)
        self._app, self._sleep = app, sleep

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = App.from_env(self.name)
        return self._app

    def _token(self, credentials: Mapping[str, str]) -> str:
        return require(credentials, "access_token", network=self.label)[0]

    def _token_and_user(self, credentials: Mapping[str, str]) -> list[str]:
        return require(credentials, "access_token", self.user_key, network=self.label)

    def _resume(self, account: AccountRef, key: str) -> Published | None:
        """What an earlier attempt with this key published, if it did (networks.journal)."""
        return resume(self.journal, account.handle, key,
                      lambda search: self._candidates(account, search))

    def find(self, account: AccountRef, *, idempotency_key: str,
             post: OutgoingPost | None = None,
             sent_after: datetime | None = None) -> Published | None:
        """The post published with this key, None if none (networks.journal)."""
        return recall(self.journal, account.handle, idempotency_key,
                      lambda search: self._candidates(account, search),
                      hint=hint(post, sent_after, self._sent_text))

    def _sent_text(self, post: OutgoingPost) -> str:
        """The text as the network receives it (Instagram adds the link)."""
        return post.text

    @abstractmethod
    def _candidates(self, account: AccountRef, search: Search) -> list[Candidate]:
        """The account's posts or replies a journal search may match."""

    def fetch_metrics(self, account: AccountRef,
                      remote_ids: Sequence[str]) -> Sequence[PostMetrics]:
        """Each post's insights; a post gone (404) is left out."""
        token = self._token(account.credentials)
        metrics = []
        for remote_id in remote_ids:
            response = self.graph.request("GET", f"{remote_id}/insights", token=token,
                                          params={"metric": self.insight_metrics})
            if response.status_code == 404:
                continue
            values = insight_values(self.graph.checked(response))
            metrics.append(self._post_metrics(remote_id, values))
        return metrics

    @abstractmethod
    def _post_metrics(self, remote_id: str, values: Mapping[str, int]) -> PostMetrics:
        """One post's metrics from its insight values."""

    @abstractmethod
    def get_profile(self, account: AccountRef) -> Profile:
        """The account's profile as the network shows it."""

    def update_profile(self, account: AccountRef, *, display_name: str | None = None,
                       bio: str | None = None, avatar: Image | None = None) -> Profile:
        if display_name is None and bio is None and avatar is None:
            return self.get_profile(account)
        raise Unsupported(self.profile_read_only)

    def connect(self, handle: str, secrets: Mapping[str, str]) -> Mapping[str, str]:
        """Check the token belongs to `handle`; return what to store."""
        token = self._token(secrets)
        credentials = self._credentials(token, secrets.get("expires_at", ""))
        if credentials["username"].casefold() != handle.strip().lstrip("@").casefold():
            raise PermanentError(f"{self.label}: this login is @{credentials['username']},"
                                 f" not {handle!r}")
        return credentials

    @abstractmethod
    def _credentials(self, token: str, expiry: str) -> dict[str, str]:
        """What to store for a token: it, the user id, the username and its expiry."""

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        """A fresh 60-day token in the last week of the old one's life, else None."""
        if not expiring(credentials, within=REFRESH_BEFORE):
            return None
        body = self.graph.call("GET", self.refresh_url, params={
            "grant_type": self.refresh_grant, "access_token": credentials["access_token"]})
        return {**credentials, "access_token": str(body["access_token"]),
                "expires_at": expires_at(body.get("expires_in"))}
