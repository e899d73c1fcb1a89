"""The worker: the queue the settings name, one publication end to end, worker processes."""

from __future__ import annotations

import dataclasses
import signal
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from huey import PostgresHuey, RedisHuey, SqliteHuey
from sqlalchemy import update

from bedside import worker
from bedside.errors import UsageError
from bedside.networks import AccountRef, OutgoingPost, PermanentError, Published, register
from bedside.networks.outbox import OutboxNetwork
from bedside.settings import Settings
from bedside.store.models import Account
from bedside.store.secrets import sealer_for

from .conftest import Practice, add_account
from .processes import start_worker, wait_for

REDIS_URL = "redis://127.0.0.1:6379/0"


def _settings(tmp_path: Path, queue_url: str | None) -> Settings:
    return Settings(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", queue_url, None)


def test_the_queue_follows_the_settings(tmp_path: Path) -> None:
    embedded = worker.make_huey(_settings(tmp_path / "a", None))
    assert isinstance(embedded, SqliteHuey)
    assert (tmp_path / "a" / worker.QUEUE_FILE).exists()
    shared = worker.make_huey(_settings(tmp_path, REDIS_URL))
    assert isinstance(shared, RedisHuey) and shared.name == "bedside"
    own = worker.make_huey(_settings(tmp_path, REDIS_URL + "?queue=lakeside_prod"))
    assert own.storage.queue_key == "huey.redis.lakeside_prod"
    with pytest.raises(UsageError, match="BEDSIDE_QUEUE_URL must start with redis://"):
        worker.make_huey(_settings(tmp_path, "amqp://127.0.0.1"))
    with pytest.raises(UsageError, match="letters, digits and _ only"):
        worker.make_huey(_settings(tmp_path, REDIS_URL + "?queue=lakeside-prod"))


def test_enqueue_puts_future_work_in_the_schedule(tmp_path: Path) -> None:
    huey = worker.make_huey(_settings(tmp_path, None))
    worker.enqueue([7], datetime.now(UTC) + timedelta(hours=1), huey=huey)
    worker.enqueue([8], datetime.now(UTC) - timedelta(seconds=1), huey=huey)
    worker.enqueue([9], huey=huey)
    assert huey.scheduled_count() == 1 and huey.pending_count() == 2
    with pytest.raises(ValueError, match="aware"):
        worker.enqueue([10], datetime(2026, 11, 27, 9, 0), huey=huey)


# --- one publication in-process ---------------------------------------------------------------


@pytest.fixture
def runtime(practice: Practice) -> Iterator[worker.Runtime]:
    huey = worker.make_huey(practice.settings)
    rt = worker.runtime_for(practice.settings, huey, worker.WorkerOptions())
    yield rt
    rt.close()


def test_publish_one_goes_out_once(practice: Practice, runtime: worker.Runtime) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [datetime.now(UTC) - timedelta(seconds=1)])
    assert worker.publish_one(runtime, pid) == "published"
    assert worker.publish_one(runtime, pid) is None  # a duplicate task changes nothing
    row = p.row(pid)
    (record,) = p.outbox().records()
    assert (row.state, row.remote_id) == ("published", record.remote_id)
    assert record.idempotency_key == row.idempotency_key


def test_a_transient_error_requeues_for_later(practice: Practice,
                                             runtime: worker.Runtime) -> None:
    p = practice
    limited = p.add_account("limited", options={"rate_limit_until": 4_000_000_000,
                                                "retry_after": 120})
    now = datetime.now(UTC)
    (pid,) = p.rows(limited, [now - timedelta(seconds=1)])
    assert worker.publish_one(runtime, pid) == "scheduled"
    row = p.row(pid)
    assert row.next_attempt_at >= now + timedelta(seconds=120)
    assert runtime.huey.scheduled_count() == 1  # the retry waits in the queue's schedule


def test_an_unknown_network_pauses_its_account(practice: Practice,
                                              runtime: worker.Runtime) -> None:
    p = practice
    with p.store.session() as s:
        s.execute(update(Account).where(Account.id == p.account_id).values(network="myspace"))
    (pid,) = p.rows(p.account_id, [datetime.now(UTC) - timedelta(seconds=1)])
    assert worker.publish_one(runtime, pid) == "failed"
    with p.store.session() as s:
        account = s.get_one(Account, p.account_id)
        assert account.status == "paused" and "Unknown network 'myspace'" in (
            account.paused_reason or "")


def test_an_unreadable_image_fails_only_its_post(practice: Practice,
                                                runtime: worker.Runtime) -> None:
    p = practice
    (pid,) = p.rows(p.account_id, [datetime.now(UTC) - timedelta(seconds=1)],
                    images=[{"path": "/nonexistent/flu-clinic.png", "alt": "Flu clinic hours"}])
    assert worker.publish_one(runtime, pid) == "failed"
    assert "Cannot read the image" in (p.row(pid).last_error or "")
    with p.store.session() as s:
        assert s.get_one(Account, p.account_id).status == "active"


class RenewingOutbox(OutboxNetwork):
    """The outbox with credentials that expire: "stale" renews to "fresh", "revoked" cannot."""

    name = "renewing_outbox"
    seen: ClassVar[list[dict[str, str]]] = []

    def refresh(self, credentials: Mapping[str, str]) -> Mapping[str, str] | None:
        if credentials.get("token") == "revoked":
            raise PermanentError("the refresh token was revoked: connect the account again")
        return {"token": "fresh"} if credentials.get("token") == "stale" else None

    def publish(self, account: AccountRef, post: OutgoingPost, *,
                idempotency_key: str) -> Published:
        self.seen.append(dict(account.credentials))
        return super().publish(account, post, idempotency_key=idempotency_key)


def test_expiring_credentials_are_renewed_before_publishing(
        practice: Practice, runtime: worker.Runtime) -> None:
    p = practice
    register("renewing_outbox", f"{__name__}:RenewingOutbox", replace=True)
    RenewingOutbox.seen.clear()
    renewing = add_account(p, "renewing", network="renewing_outbox",
                           credentials={"token": "stale"})
    revoked = add_account(p, "revoked", network="renewing_outbox",
                          credentials={"token": "revoked"})
    due = datetime.now(UTC) - timedelta(seconds=1)
    (fine,) = p.rows(renewing, [due])
    (refused,) = p.rows(revoked, [due])
    assert worker.publish_one(runtime, fine) == "published"
    assert RenewingOutbox.seen == [{"token": "fresh"}]
    with p.store.session() as s:
        stored = s.get_one(Account, renewing).credentials
        assert stored is not None and sealer_for(p.settings).open(stored) == {"token": "fresh"}
    assert worker.publish_one(runtime, refused) == "failed"
    assert RenewingOutbox.seen == [{"token": "fresh"}]  # nothing sent with dead credentials
    with p.store.session() as s:
        account = s.get_one(Account, revoked)
        assert account.status == "paused" and "revoked" in (account.paused_reason or "")


# --- worker processes -------------------------------------------------------------------------


@pytest.mark.parametrize("queue", ["database", "redis"])
def test_a_worker_process_publishes_on_time_never_early(practice: Practice, tmp_path: Path,
                                                        queue: str) -> None:
    p = practice
    if queue == "redis":  # a queue of its own: other runs may share this Redis server
        settings = dataclasses.replace(
            p.settings, queue_url=f"{REDIS_URL}?queue=test_{uuid.uuid4().hex[:12]}")
    elif p.store.dialect == "postgresql":
        settings = dataclasses.replace(p.settings, queue_url=p.settings.database_url)
    else:
        settings = p.settings  # SqliteHuey in the data directory
    now = datetime.now(UTC)
    due_now = p.rows(p.account_id, [now] * 5)
    due_soon = p.rows(p.account_id, [now + timedelta(seconds=1.5)] * 5)
    huey = worker.make_huey(settings)
    kind = {"redis": RedisHuey, "postgresql": PostgresHuey}.get(
        "redis" if queue == "redis" else p.store.dialect, SqliteHuey)
    assert isinstance(huey, kind)
    worker.enqueue(due_now, now, huey=huey)
    worker.enqueue(due_soon, now + timedelta(seconds=1.5), huey=huey)
    proc = start_worker(settings, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: p.states() == {"published": 10}, timeout=30), p.states()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    records = {r.idempotency_key: r for r in p.outbox().records()}
    assert len(records) == 10
    for pid in due_now + due_soon:
        row = p.row(pid)
        assert row.published_at is not None and row.published_at >= row.due_at
        assert records[row.idempotency_key].remote_id == row.remote_id
    log = (tmp_path / "worker.log").read_text()
    assert "Flu shots" not in log and "Traceback" not in log
